import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Cheques received for shares (SharePaymentReceived, method cheque): to deposit on a slip. */
export const shareChequeTables: TableSpec[] = [
  {
    name: 'g2_rm_share_cheques',
    columns: {
      payment_id: { kind: 'string(64)' },
      tiers_id: { kind: 'string(20)' },
      amount_cents: { kind: 'cents' },
      received_on: { kind: 'day' },
      reference: { kind: 'string(64)' },
      bank: { kind: 'string(64)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['payment_id'],
    indexes: { received: ['received_on'] },
  },
];

export class ShareCheques1764900002740 implements MigrationInterface {
  name = 'ShareCheques1764900002740';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of shareChequeTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...shareChequeTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
