import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** The balances bank statements state, per account and day (BankBalancesStated). */
export const bankBalanceTables: TableSpec[] = [
  {
    name: 'g2_rm_bank_balances',
    columns: {
      account: { kind: 'string(64)' },
      kind: { kind: 'string(16)' },
      on_day: { kind: 'day' },
      amount_cents: { kind: 'cents' },
      format: { kind: 'string(16)' },
      import_id: { kind: 'string(64)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['account', 'kind', 'on_day', 'amount_cents'],
    indexes: { day: ['on_day'] },
  },
];

export class BankBalances1764900002350 implements MigrationInterface {
  name = 'BankBalances1764900002350';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of bankBalanceTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...bankBalanceTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
