import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Redeemed shares paid back to their member (ShareRedemptionPaid). */
export const sharePayoutTables: TableSpec[] = [
  {
    name: 'g2_rm_share_payouts',
    columns: {
      redemption_id: { kind: 'string(64)' },
      payout_id: { kind: 'string(64)' },
      tiers_id: { kind: 'string(20)' },
      amount_cents: { kind: 'cents' },
      on_day: { kind: 'day' },
      method: { kind: 'string(16)' },
      reference: { kind: 'string(64)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['redemption_id'],
  },
];

export class SharePayouts1764900002518 implements MigrationInterface {
  name = 'SharePayouts1764900002518';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of sharePayoutTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...sharePayoutTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
