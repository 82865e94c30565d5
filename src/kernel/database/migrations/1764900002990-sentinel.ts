import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';

/**
 * The sentinel's alerts (issue 19, domain/hosting/sentinel.ts): one row per box × day × level
 * it told the cooperator of, written by `sentinel:run` in the same transaction as the e-mail's
 * outbox row, so a second run of the same day finds the row and sends nothing twice. Read by
 * the top over-users page (the alerts sent).
 */
export const sentinelTables: TableSpec[] = [
  {
    name: 'g2_sentinel_alerts',
    columns: {
      id: { kind: 'position' },
      address: { kind: 'string(255)' },
      // The day the level was measured (g2_mail_usage.day), and its level: near | full.
      day: { kind: 'day' },
      level: { kind: 'string(8)' },
      // started | worse (domain/hosting/sentinel.ts)
      reason: { kind: 'string(8)' },
      episode_started_on: { kind: 'day' },
      hosting_id: { kind: 'bigint' },
      domain: { kind: 'string(255)' },
      // Gloux's hebergements.id_client when the alert was recorded ('' if none).
      customer_id: { kind: 'string(20)' },
      used_kb: { kind: 'bigint' },
      quota_mb: { kind: 'bigint' },
      // The run that recorded it (its --on day) and when.
      run_on: { kind: 'day' },
      recorded_at: { kind: 'timestamp' },
    },
    unique: { box_day_level: ['address', 'day', 'level'] },
    indexes: { day: ['day'], hosting: ['hosting_id', 'day'], run: ['run_on'] },
  },
];

export class Sentinel1764900002990 implements MigrationInterface {
  name = 'Sentinel1764900002990';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of sentinelTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const spec of [...sentinelTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
