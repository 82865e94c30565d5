import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * Sign-ups by idempotency key: the Gloux rows a sign-up wrote (MyISAM, no rollback), so a
 * retry with the same key reuses them instead of writing a second member.
 */
export const signUpTables: TableSpec[] = [
  {
    name: 'g2_sign_ups',
    columns: {
      idempotency_key: { kind: 'string(191)' },
      tiers_id: { kind: 'string(20)' },
      customer_id: { kind: 'string(20)' },
      user_id: { kind: 'string(20)' },
      hosting_id: { kind: 'string(20)' },
      created_at: { kind: 'bigint' },
    },
    primaryKey: ['idempotency_key'],
  },
];

export class SignUps1764900000601 implements MigrationInterface {
  name = 'SignUps1764900000601';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of signUpTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...signUpTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
