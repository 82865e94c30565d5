import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Account lifecycle: the account read models (state, suspension reasons kept apart, dunning of
 * invoices), and the after-commit queues of e-mails (outbox) and provisioning-hook runs.
 */
export const accountTables: TableSpec[] = [
  {
    name: 'g2_rm_accounts',
    columns: {
      account_id: { kind: 'string(20)' },
      customer_id: { kind: 'string(20)' },
      name: { kind: 'string(64)' },
      // active | suspended | closed
      status: { kind: 'string(16)' },
      opened_on: { kind: 'day', nullable: true },
      trial_ends_on: { kind: 'day', nullable: true },
      converted_on: { kind: 'day', nullable: true },
      converted_by: { kind: 'string(16)', nullable: true },
      notice_on: { kind: 'day', nullable: true },
      closes_on: { kind: 'day', nullable: true },
      closed_on: { kind: 'day', nullable: true },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['account_id'],
    indexes: { customer: ['customer_id'], opened: ['opened_on'], closes: ['closes_on'] },
  },
  {
    // One row per reason an account is suspended for now.
    name: 'g2_rm_account_suspensions',
    columns: {
      account_id: { kind: 'string(20)' },
      reason: { kind: 'string(16)' },
      note: { kind: 'string(255)' },
      since: { kind: 'day' },
      position: { kind: 'bigint' },
    },
    primaryKey: ['account_id', 'reason'],
  },
  {
    // What was sent about each invoice: the notice and the latest reminder.
    name: 'g2_rm_dunning',
    columns: {
      invoice_id: { kind: 'string(64)' },
      customer_id: { kind: 'string(20)' },
      number: { kind: 'string(32)' },
      notice_on: { kind: 'day', nullable: true },
      reminders: { kind: 'int', default: 0 },
      last_reminder_on: { kind: 'day', nullable: true },
      last_position: { kind: 'bigint' },
    },
    primaryKey: ['invoice_id'],
    indexes: { customer: ['customer_id'] },
  },
  {
    // E-mails to send, one per causing event and kind (message_key): never twice.
    name: 'g2_outbox',
    columns: {
      id: { kind: 'position' },
      message_key: { kind: 'string(191)' },
      event_position: { kind: 'bigint' },
      kind: { kind: 'string(32)' },
      customer_id: { kind: 'string(20)' },
      recipient: { kind: 'string(255)' },
      subject: { kind: 'string(255)' },
      body_text: { kind: 'text' },
      body_html: { kind: 'text' },
      // pending | sent | failed (no recipient: never sendable)
      status: { kind: 'string(16)' },
      attempts: { kind: 'int', default: 0 },
      next_attempt_at: { kind: 'timestamp' },
      last_error: { kind: 'text', nullable: true },
      created_at: { kind: 'timestamp' },
      sent_at: { kind: 'timestamp', nullable: true },
    },
    unique: { message_key: ['message_key'] },
    indexes: { pending: ['status', 'next_attempt_at'] },
  },
  {
    // Provisioning-hook runs, one per causing event and action (run_key).
    name: 'g2_provisioning_runs',
    columns: {
      id: { kind: 'position' },
      run_key: { kind: 'string(191)' },
      event_position: { kind: 'bigint' },
      action: { kind: 'string(16)' },
      account_id: { kind: 'string(20)' },
      customer_id: { kind: 'string(20)' },
      account_name: { kind: 'string(64)' },
      reason: { kind: 'string(255)' },
      // pending | done | failed (after the last attempt) | skipped (no script configured)
      status: { kind: 'string(16)' },
      attempts: { kind: 'int', default: 0 },
      next_attempt_at: { kind: 'timestamp' },
      output: { kind: 'text', nullable: true },
      last_error: { kind: 'text', nullable: true },
      created_at: { kind: 'timestamp' },
      finished_at: { kind: 'timestamp', nullable: true },
    },
    unique: { run_key: ['run_key'] },
    indexes: { pending: ['status', 'next_attempt_at'] },
  },
];

export class Accounts1764900000700 implements MigrationInterface {
  name = 'Accounts1764900000700';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of accountTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...accountTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
