import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The mail foundation (issue 19). `g2_mailbox_deletions`: one row per box whose deletion is
 * pending (HOSTING.md, "Deferred deletion"); the Dovecot and Postfix queries gloux2 renders
 * refuse a box that has one, so logins and delivery stop the moment the mirror writes it, and
 * start again when a cancellation deletes it. `g2_mail_usage`: the disk each box uses, one row
 * per day and address, written by `mail-usage:collect` (bigint ko: AlternC showed negative
 * sizes past 2 GB), read by the accounting pages, the sentinel and the top over-users.
 */
export const mailTables: TableSpec[] = [
  {
    name: 'g2_mailbox_deletions',
    columns: {
      // Gloux's mails.id_mail, which the daemon queries join on.
      id_mail: { kind: 'bigint' },
      mailbox_id: { kind: 'string(36)' },
      address: { kind: 'string(255)' },
      hosting_id: { kind: 'bigint' },
      requested_at: { kind: 'timestamp' },
      purge_after: { kind: 'day' },
      requested_by: { kind: 'string(64)' },
    },
    primaryKey: ['id_mail'],
    indexes: { due: ['purge_after'], hosting: ['hosting_id'] },
  },
  {
    name: 'g2_mail_usage',
    columns: {
      day: { kind: 'day' },
      address: { kind: 'string(255)' },
      hosting_id: { kind: 'bigint' },
      domain: { kind: 'string(255)' },
      used_kb: { kind: 'bigint' },
      // The box's quota that day (mails.quota_mo; 0 = none).
      quota_mb: { kind: 'bigint' },
    },
    primaryKey: ['day', 'address'],
    indexes: { hosting_day: ['hosting_id', 'day'], address_day: ['address', 'day'] },
  },
];

export class Mail1764900002940 implements MigrationInterface {
  name = 'Mail1764900002940';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of mailTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...mailTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
