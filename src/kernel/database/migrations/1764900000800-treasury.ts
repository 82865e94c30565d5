import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The treasurer's read models: every movement of money (and of customer credit) on its own
 * day, and every invoice or credit-note line with its product, both in integer cents.
 */
export const treasuryTables: TableSpec[] = [
  {
    name: 'g2_rm_cash_movements',
    columns: {
      movement_id: { kind: 'string(80)' },
      // payment | bounced | refund | credit_refund (money) ; credit_use | credit_undo (no money)
      kind: { kind: 'string(16)' },
      // cheque | card | transfer | cash | other ; 'credit' for the customer's credit
      method: { kind: 'string(16)' },
      on_day: { kind: 'day' },
      customer_id: { kind: 'string(20)' },
      amount_cents: { kind: 'cents' },
      // The payment a reversal takes back; the invoice a use of credit pays.
      payment_id: { kind: 'string(64)', nullable: true },
      invoice_id: { kind: 'string(64)', nullable: true },
      reference: { kind: 'string(64)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['movement_id'],
    indexes: { method_day: ['method', 'on_day', 'movement_id'], day: ['on_day', 'movement_id'] },
  },
  {
    name: 'g2_rm_revenue_lines',
    columns: {
      document_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      // invoice | credit_note (amounts negative)
      document_kind: { kind: 'string(16)' },
      number: { kind: 'string(32)' },
      issued_on: { kind: 'day' },
      customer_id: { kind: 'string(20)' },
      line_kind: { kind: 'string(16)' },
      // Gloux's produits.id_produit, '' when the line has none.
      product_id: { kind: 'string(20)' },
      label: { kind: 'string(255)' },
      vat_rate: { kind: 'string(12)' },
      net_cents: { kind: 'cents' },
      vat_cents: { kind: 'cents' },
    },
    primaryKey: ['document_id', 'line_id'],
    indexes: { issued: ['issued_on'] },
  },
];

/** Indexes on the billing read models for reports over a range of days and their drill-downs. */
const allocationIndexes = [
  {
    table: 'g2_rm_invoice_payments',
    name: 'g2_rm_invoice_payments_payment',
    columns: ['payment_id'],
  },
  { table: 'g2_rm_payment_lines', name: 'g2_rm_payment_lines_paid', columns: ['paid_on'] },
  { table: 'g2_rm_payment_years', name: 'g2_rm_payment_years_paid', columns: ['paid_on'] },
];

export class Treasury1764900000800 implements MigrationInterface {
  name = 'Treasury1764900000800';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of treasuryTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
    for (const i of allocationIndexes)
      await runner.query(`CREATE INDEX ${i.name} ON ${i.table} (${i.columns.join(', ')})`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const i of allocationIndexes)
      await runner.query(
        dialect === 'mysql' ? `DROP INDEX ${i.name} ON ${i.table}` : `DROP INDEX ${i.name}`,
      );
    for (const spec of [...treasuryTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
