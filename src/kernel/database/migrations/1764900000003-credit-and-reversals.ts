import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnDefinition, createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Credit notes, reversals and customer credit in the billing read models. */
const added: { table: string; column: string; spec: TableSpec['columns'][string] }[] = [
  { table: 'g2_rm_invoices', column: 'kind', spec: { kind: 'string(16)', default: 'invoice' } },
  { table: 'g2_rm_invoices', column: 'credited_cents', spec: { kind: 'cents', default: 0 } },
  {
    table: 'g2_rm_invoices',
    column: 'origin_invoice_id',
    spec: { kind: 'string(64)', nullable: true },
  },
  { table: 'g2_rm_payments', column: 'credit_cents', spec: { kind: 'cents', default: 0 } },
  { table: 'g2_rm_payments', column: 'reversed_cents', spec: { kind: 'cents', default: 0 } },
  { table: 'g2_rm_payments', column: 'status', spec: { kind: 'string(16)', default: 'valid' } },
  {
    table: 'g2_rm_payment_lines',
    column: 'kind',
    spec: { kind: 'string(16)', default: 'payment' },
  },
  {
    table: 'g2_rm_payment_years',
    column: 'kind',
    spec: { kind: 'string(16)', default: 'payment' },
  },
];

export const creditTables: TableSpec[] = [
  {
    name: 'g2_rm_customer_credit',
    columns: {
      customer_id: { kind: 'string(20)' },
      credit_cents: { kind: 'cents' },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['customer_id'],
  },
  {
    // Every change of a customer's credit, for the cooperator's page and the treasurer.
    name: 'g2_rm_credit_movements',
    columns: {
      position: { kind: 'bigint' },
      movement_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      kind: { kind: 'string(16)' },
      amount_cents: { kind: 'cents' },
      on_day: { kind: 'day' },
      invoice_id: { kind: 'string(64)', nullable: true },
      source_id: { kind: 'string(64)', nullable: true },
    },
    primaryKey: ['position', 'movement_id'],
    indexes: { customer: ['customer_id', 'position'] },
  },
  {
    name: 'g2_rm_payment_reversals',
    columns: {
      reversal_id: { kind: 'string(64)' },
      payment_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      kind: { kind: 'string(16)' },
      amount_cents: { kind: 'cents' },
      on_day: { kind: 'day' },
      reference: { kind: 'string(64)' },
      reason: { kind: 'string(255)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['reversal_id'],
    indexes: { payment: ['payment_id'], day: ['on_day'] },
  },
];

export class CreditAndReversals1764900000003 implements MigrationInterface {
  name = 'CreditAndReversals1764900000003';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const a of added) {
      await runner.query(
        `ALTER TABLE ${a.table} ADD COLUMN ${columnDefinition(a.column, a.spec, dialect)}`,
      );
    }
    for (const spec of creditTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...creditTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
    for (const a of [...added].reverse())
      await runner.query(`ALTER TABLE ${a.table} DROP COLUMN ${a.column}`);
  }
}
