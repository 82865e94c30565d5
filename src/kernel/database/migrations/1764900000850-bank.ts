import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/** Bank read models: cheque deposit slips, imported statement lines and their matches. */
export const bankTables: TableSpec[] = [
  {
    // One row per slip, cancelled ones included (a cancellation is a reversal, not a delete).
    name: 'g2_rm_deposit_slips',
    columns: {
      slip_id: { kind: 'string(64)' },
      number: { kind: 'int' },
      deposit_on: { kind: 'day' },
      cheque_count: { kind: 'int' },
      total_cents: { kind: 'cents' },
      status: { kind: 'string(16)' },
      cancelled_on: { kind: 'day', nullable: true },
      cancel_reason: { kind: 'string(255)', nullable: true },
      position: { kind: 'bigint' },
    },
    primaryKey: ['slip_id'],
    unique: { number: ['number'] },
    indexes: { deposit: ['deposit_on'] },
  },
  {
    // The cheques as printed on the slip (a later bounce shows through g2_rm_payments.status).
    name: 'g2_rm_deposit_slip_cheques',
    columns: {
      slip_id: { kind: 'string(64)' },
      payment_id: { kind: 'string(64)' },
      seq: { kind: 'int' },
      customer_id: { kind: 'string(20)' },
      amount_cents: { kind: 'cents' },
      received_on: { kind: 'day' },
      reference: { kind: 'string(64)' },
      bank: { kind: 'string(64)' },
    },
    primaryKey: ['slip_id', 'payment_id'],
    indexes: { payment: ['payment_id'] },
  },
  {
    name: 'g2_rm_bank_imports',
    columns: {
      import_id: { kind: 'string(64)' },
      account: { kind: 'string(64)' },
      format: { kind: 'string(16)' },
      file_name: { kind: 'string(255)' },
      file_hash: { kind: 'string(64)' },
      imported_on: { kind: 'day' },
      line_count: { kind: 'int' },
      skipped: { kind: 'int' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['import_id'],
    indexes: { file: ['account', 'file_hash'] },
  },
  {
    // Each bank movement once, whatever the number of statements that list it.
    name: 'g2_rm_bank_lines',
    columns: {
      line_id: { kind: 'string(64)' },
      account: { kind: 'string(64)' },
      import_id: { kind: 'string(64)' },
      booked_on: { kind: 'day' },
      value_on: { kind: 'day' },
      amount_cents: { kind: 'cents' },
      label: { kind: 'string(255)' },
      reference: { kind: 'string(128)' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['line_id'],
    indexes: { booked: ['booked_on'] },
  },
  {
    // Confirmed matches in force (an undone one is deleted here; the log keeps it).
    name: 'g2_rm_bank_matches',
    columns: {
      match_id: { kind: 'string(64)' },
      line_id: { kind: 'string(64)' },
      target_kind: { kind: 'string(16)' },
      // The card day ('YYYY-MM-DD') or the slip id.
      target_key: { kind: 'string(64)' },
      slip_number: { kind: 'int', nullable: true },
      line_cents: { kind: 'cents' },
      expected_cents: { kind: 'cents' },
      difference_cents: { kind: 'cents' },
      matched_on: { kind: 'day' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['match_id'],
    unique: { line: ['line_id'], target: ['target_kind', 'target_key'] },
  },
];

export class Bank1764900000850 implements MigrationInterface {
  name = 'Bank1764900000850';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of bankTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...bankTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
