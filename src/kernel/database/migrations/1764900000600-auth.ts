import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Sign-in state of gloux2 (not events: credentials and sessions are not business facts).
 * Times are epoch milliseconds.
 */
export const authTables: TableSpec[] = [
  {
    // The modern hash of a Gloux user's password. `legacy_md5` is Gloux's mot_de_passe when the
    // hash was made: if Gloux changes the password, they differ and the MD5 is checked again.
    name: 'g2_auth_passwords',
    columns: {
      user_id: { kind: 'string(20)' },
      hash: { kind: 'string(255)' },
      legacy_md5: { kind: 'string(64)' },
      updated_at: { kind: 'bigint' },
    },
    primaryKey: ['user_id'],
  },
  {
    // Server-side sessions: the cookie holds a random token, the table its SHA-256.
    name: 'g2_auth_sessions',
    columns: {
      token_hash: { kind: 'string(64)' },
      user_id: { kind: 'string(20)' },
      csrf_token: { kind: 'string(64)' },
      created_at: { kind: 'bigint' },
      last_seen_at: { kind: 'bigint' },
      expires_at: { kind: 'bigint' },
      revoked_at: { kind: 'bigint', nullable: true },
      ip: { kind: 'string(64)' },
      user_agent: { kind: 'string(255)' },
    },
    primaryKey: ['token_hash'],
    indexes: { user: ['user_id'], expires: ['expires_at'] },
  },
  {
    // Failed sign-ins per key ('login:<login>' or 'ip:<address>') within the current window.
    name: 'g2_auth_throttle',
    columns: {
      throttle_key: { kind: 'string(191)' },
      failures: { kind: 'int' },
      window_start: { kind: 'bigint' },
      last_failure_at: { kind: 'bigint' },
    },
    primaryKey: ['throttle_key'],
  },
];

export class Auth1764900000600 implements MigrationInterface {
  name = 'Auth1764900000600';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of authTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...authTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
