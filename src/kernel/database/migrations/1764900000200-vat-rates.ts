import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Read model of the dated VAT schedule (projections/vat-rates). Reviewed: additive g2_ table only. */
export const vatRateTables: TableSpec[] = [
  {
    name: 'g2_rm_vat_rates',
    columns: {
      entry_id: { kind: 'string(64)' },
      category: { kind: 'string(20)' },
      rate: { kind: 'string(12)' },
      effective_from: { kind: 'day' },
      reason: { kind: 'string(255)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['entry_id'],
    indexes: { category: ['category', 'effective_from'] },
  },
];

export class VatRates1764900000200 implements MigrationInterface {
  name = 'VatRates1764900000200';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of vatRateTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...vatRateTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
