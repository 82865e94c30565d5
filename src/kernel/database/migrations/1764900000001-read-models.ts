import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Read models of the first projections and legacy-sync's id map. Money in integer cents. */
export const readModelTables: TableSpec[] = [
  {
    name: 'g2_rm_invoices',
    columns: {
      invoice_id: { kind: 'string(64)' },
      number: { kind: 'string(32)' },
      customer_id: { kind: 'string(20)' },
      issued_on: { kind: 'day' },
      due_on: { kind: 'day' },
      total_net_cents: { kind: 'cents' },
      total_vat_cents: { kind: 'cents' },
      total_cents: { kind: 'cents' },
      paid_cents: { kind: 'cents' },
      status: { kind: 'string(16)' },
      paid_on: { kind: 'day', nullable: true },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['invoice_id'],
    unique: { number: ['number'] },
    indexes: { customer: ['customer_id', 'issued_on'] },
  },
  {
    name: 'g2_rm_invoice_lines',
    columns: {
      invoice_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      line_no: { kind: 'int' },
      label: { kind: 'string(255)' },
      net_cents: { kind: 'cents' },
      vat_rate: { kind: 'string(12)' },
      vat_cents: { kind: 'cents' },
      total_cents: { kind: 'cents' },
      service_start: { kind: 'day' },
      service_end: { kind: 'day' },
    },
    primaryKey: ['invoice_id', 'line_id'],
  },
  {
    name: 'g2_rm_payments',
    columns: {
      payment_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      method: { kind: 'string(16)' },
      amount_cents: { kind: 'cents' },
      received_on: { kind: 'day' },
      reference: { kind: 'string(64)' },
      bank: { kind: 'string(64)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['payment_id'],
    indexes: { customer: ['customer_id', 'received_on'], received: ['received_on'] },
  },
  {
    name: 'g2_rm_invoice_payments',
    columns: {
      invoice_id: { kind: 'string(64)' },
      payment_id: { kind: 'string(64)' },
      seq: { kind: 'int' },
      paid_on: { kind: 'day' },
      amount_cents: { kind: 'cents' },
    },
    primaryKey: ['invoice_id', 'payment_id'],
  },
  {
    name: 'g2_rm_payment_lines',
    columns: {
      payment_id: { kind: 'string(64)' },
      invoice_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      paid_on: { kind: 'day' },
      payment_fy: { kind: 'int' },
      vat_rate: { kind: 'string(12)' },
      vat_cents: { kind: 'cents' },
    },
    primaryKey: ['payment_id', 'invoice_id', 'line_id'],
    indexes: { fy: ['payment_fy', 'paid_on'] },
  },
  {
    name: 'g2_rm_payment_years',
    columns: {
      payment_id: { kind: 'string(64)' },
      invoice_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      paid_on: { kind: 'day' },
      payment_fy: { kind: 'int' },
      fiscal_year: { kind: 'int' },
      bucket: { kind: 'string(3)' },
      net_cents: { kind: 'cents' },
    },
    primaryKey: ['payment_id', 'invoice_id', 'line_id', 'fiscal_year'],
    indexes: { fy: ['payment_fy', 'paid_on'] },
  },
  {
    // g2 id ↔ Gloux auto-increment id; written in the same transaction as the Gloux row (InnoDB).
    name: 'g2_legacy_map',
    columns: {
      kind: { kind: 'string(20)' },
      g2_id: { kind: 'string(191)' },
      legacy_id: { kind: 'bigint' },
    },
    primaryKey: ['kind', 'g2_id'],
    unique: { legacy: ['kind', 'legacy_id'] },
  },
];

export class ReadModels1764900000001 implements MigrationInterface {
  name = 'ReadModels1764900000001';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of readModelTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...readModelTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
