import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Invoices and credit notes by id and number: finds a credit note's stream without a scan. */
export const documentTables: TableSpec[] = [
  {
    name: 'g2_rm_documents',
    columns: {
      document_id: { kind: 'string(64)' },
      kind: { kind: 'string(16)' },
      number: { kind: 'string(32)' },
      invoice_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      issued_on: { kind: 'day' },
    },
    primaryKey: ['document_id'],
    indexes: {
      number: ['number'],
      customer: ['customer_id', 'issued_on'],
      invoice: ['invoice_id'],
    },
  },
];

export class Documents1764900000100 implements MigrationInterface {
  name = 'Documents1764900000100';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of documentTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...documentTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
