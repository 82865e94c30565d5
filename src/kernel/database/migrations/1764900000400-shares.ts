import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Share capital read models: the shares, the register, the daily capital, queued redemptions. */
export const sharesTables: TableSpec[] = [
  {
    // One row per share number, as gloux2 knows it (mirrored into Gloux's parts_sociales).
    name: 'g2_rm_shares',
    columns: {
      number: { kind: 'bigint' },
      tiers_id: { kind: 'string(20)' },
      nominal_cents: { kind: 'cents' },
      state: { kind: 'string(16)' },
      subscribed_on: { kind: 'day', nullable: true },
      paid_on: { kind: 'day', nullable: true },
      legacy_payment_id: { kind: 'bigint', default: 0 },
      exit_on: { kind: 'day', nullable: true },
      transferee_tiers_id: { kind: 'string(20)', nullable: true },
      // Counted in the capital at the end of each day from held_from, until the day before held_until.
      held_from: { kind: 'day' },
      held_until: { kind: 'day', nullable: true },
      pending_request_id: { kind: 'string(64)', nullable: true },
      source: { kind: 'string(8)' },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['number'],
    indexes: { tiers: ['tiers_id'], held: ['held_from', 'held_until'] },
  },
  {
    // The share register (registre des mouvements de titres): one row per movement.
    name: 'g2_rm_share_movements',
    columns: {
      movement_id: { kind: 'string(80)' },
      position: { kind: 'bigint' },
      // Order within the event (an import lists each share's subscription, payment and exit).
      seq: { kind: 'int' },
      on_day: { kind: 'day' },
      // 0 for a Gloux row whose date is unknown (listed on the import day).
      day_known: { kind: 'int', default: 1 },
      kind: { kind: 'string(16)' },
      tiers_id: { kind: 'string(20)' },
      counterpart_tiers_id: { kind: 'string(20)', nullable: true },
      numbers: { kind: 'text' },
      new_numbers: { kind: 'text', nullable: true },
      share_count: { kind: 'int' },
      amount_cents: { kind: 'cents' },
      reference: { kind: 'string(255)' },
      source: { kind: 'string(8)' },
    },
    primaryKey: ['movement_id'],
    indexes: { day: ['on_day', 'position', 'seq'], tiers: ['tiers_id'] },
  },
  {
    // The end-of-day capital on each day it changed: capital on day D = the last row on or before D.
    // peak_cents: the highest capital reached during the day, after any of its movements (a
    // subscription then a redemption the same day still reached the higher capital).
    name: 'g2_rm_capital_days',
    columns: {
      day: { kind: 'day' },
      delta_cents: { kind: 'cents' },
      capital_cents: { kind: 'cents' },
      peak_cents: { kind: 'cents' },
      shares_delta: { kind: 'int' },
      shares: { kind: 'int' },
    },
    primaryKey: ['day'],
  },
  {
    // Redemptions queued by the capital floor (policy 'queue'), and what became of them.
    name: 'g2_rm_share_redemption_requests',
    columns: {
      request_id: { kind: 'string(64)' },
      position: { kind: 'bigint' },
      tiers_id: { kind: 'string(20)' },
      numbers: { kind: 'text' },
      share_count: { kind: 'int' },
      amount_cents: { kind: 'cents' },
      requested_on: { kind: 'day' },
      reason: { kind: 'string(255)' },
      status: { kind: 'string(16)' },
      closed_on: { kind: 'day', nullable: true },
    },
    primaryKey: ['request_id'],
    indexes: { status: ['status', 'position'] },
  },
];

export class Shares1764900000400 implements MigrationInterface {
  name = 'Shares1764900000400';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of sharesTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...sharesTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
