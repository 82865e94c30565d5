import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Password hashes waiting for the mirror (HOSTING.md principle 3): never in the event log. The
 * command writes the row in its transaction; the mirror copies the hash into Gloux's row and
 * deletes it, so the table only ever holds hashes not yet written.
 */
export const hostingSecretTables: TableSpec[] = [
  {
    name: 'g2_hosting_secrets',
    columns: {
      /** 'ftp' (a mailbox's will be 'mail'). */
      secret_kind: { kind: 'string(16)' },
      /** The account's g2 id (FtpAccountCreated.accountId). */
      subject_id: { kind: 'string(64)' },
      hash: { kind: 'string(128)' },
      created_at: { kind: 'timestamp' },
    },
    primaryKey: ['secret_kind', 'subject_id'],
  },
];

export class HostingSecrets1764900002910 implements MigrationInterface {
  name = 'HostingSecrets1764900002910';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of hostingSecretTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...hostingSecretTables].reverse())
      await runner.query(`DROP TABLE ${spec.name}`);
  }
}
