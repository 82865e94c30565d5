import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Overage read models: current overages per hosting, and pending / invoiced overage lines. */
export const overageTables: TableSpec[] = [
  {
    // One row per resource over its quota now (deleted when the episode is resolved).
    name: 'g2_rm_overages',
    columns: {
      hosting_id: { kind: 'string(20)' },
      resource: { kind: 'string(16)' },
      customer_id: { kind: 'string(20)' },
      hosting_name: { kind: 'string(64)' },
      measured: { kind: 'bigint' },
      quota: { kind: 'bigint' },
      excess: { kind: 'bigint' },
      since: { kind: 'day' },
      grace_ends_on: { kind: 'day' },
      observed_on: { kind: 'day' },
      estimate_quantity: { kind: 'string(20)' },
      estimate_unit_net: { kind: 'string(20)' },
      estimate_net_cents: { kind: 'cents' },
      estimate_vat_rate: { kind: 'string(12)' },
      estimate_total_cents: { kind: 'cents' },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['hosting_id', 'resource'],
    indexes: { customer: ['customer_id'] },
  },
  {
    // Pending while invoice_id is null; batch_id is set once frozen into an invoice being issued.
    name: 'g2_rm_overage_lines',
    columns: {
      charge_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      hosting_id: { kind: 'string(20)' },
      resource: { kind: 'string(16)' },
      label: { kind: 'string(255)' },
      period_start: { kind: 'day' },
      period_end: { kind: 'day' },
      quantity: { kind: 'string(20)' },
      unit_net: { kind: 'string(20)' },
      net_cents: { kind: 'cents' },
      vat_rate: { kind: 'string(12)' },
      vat_cents: { kind: 'cents' },
      total_cents: { kind: 'cents' },
      charged_on: { kind: 'day' },
      batch_id: { kind: 'string(64)', nullable: true },
      invoice_id: { kind: 'string(64)', nullable: true },
      invoice_number: { kind: 'string(32)', nullable: true },
      position: { kind: 'bigint' },
    },
    primaryKey: ['charge_id'],
    indexes: { customer: ['customer_id', 'invoice_id'], batch: ['batch_id'] },
  },
];

export class Overage1764900000300 implements MigrationInterface {
  name = 'Overage1764900000300';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of overageTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...overageTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
