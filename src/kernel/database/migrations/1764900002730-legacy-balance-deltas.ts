import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * What gloux2's own events added to Gloux's clients.solde, one row an event (legacy-mirror.ts
 * addToCustomerBalance). On MariaDB it is MyISAM like `clients`: the row is marked applied by the
 * statement that changes the balance, so the two never disagree after a crash.
 */
export const legacyBalanceDeltaTables: TableSpec[] = [
  {
    name: 'g2_legacy_balance_deltas',
    columns: {
      delta_key: { kind: 'string(100)' },
      id_client: { kind: 'bigint' },
      amount_cents: { kind: 'cents' },
      applied: { kind: 'int', default: 0 },
    },
    primaryKey: ['delta_key'],
  },
];

export class LegacyBalanceDeltas1764900002730 implements MigrationInterface {
  name = 'LegacyBalanceDeltas1764900002730';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of legacyBalanceDeltaTables)
      for (const sql of createTable(spec, dialect))
        await runner.query(sql.replace('ENGINE=InnoDB', 'ENGINE=MyISAM'));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...legacyBalanceDeltaTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
