import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** The anniversary billing run's tables. Reviewed: additive g2_ tables only. */
export const anniversaryBillingTables: TableSpec[] = [
  {
    // Read model (projections/hosting-billings): which year of which hosting account an invoice bills.
    name: 'g2_rm_hosting_billings',
    columns: {
      invoice_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      hosting_id: { kind: 'string(20)' },
      period_start: { kind: 'day' },
      period_end: { kind: 'day' },
      number: { kind: 'string(32)' },
      issued_on: { kind: 'day' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['invoice_id', 'line_id'],
    indexes: { hosting: ['hosting_id', 'period_start'], period: ['period_start'] },
  },
  {
    // legacy-sync: a Gloux pending line (factures_lignes.id_facture = 0) taken over by line
    // `line_no` of the invoice issued under `idempotency_key`; the mirror attaches that row to
    // the invoice instead of inserting a copy.
    name: 'g2_legacy_line_claims',
    columns: {
      idempotency_key: { kind: 'string(191)' },
      line_no: { kind: 'int' },
      legacy_line_id: { kind: 'bigint' },
      claimed_at: { kind: 'timestamp' },
    },
    primaryKey: ['idempotency_key', 'line_no'],
    indexes: { legacy_line: ['legacy_line_id'] },
  },
];

export class AnniversaryBilling1764900000201 implements MigrationInterface {
  name = 'AnniversaryBilling1764900000201';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of anniversaryBillingTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...anniversaryBillingTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
