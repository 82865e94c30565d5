import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable, dialectOf, type TableSpec } from '../ddl.js';
import { accountTables } from './1764900000700-accounts.js';

/**
 * The provisioning job queue (docs/hosting-jobs.md): every piece of work outside MySQL, the
 * account hooks (PROVISIONING_HOOK_*) and the hosting jobs (HOSTING_HOOK_*), in one table. The
 * account hooks' runs move in from g2_provisioning_runs, which goes: no two queues.
 */
export const jobTables: TableSpec[] = [
  {
    name: 'g2_jobs',
    columns: {
      id: { kind: 'position' },
      // `<event position>:<kind>`: a replayed event or a restarted follower queues nothing twice.
      job_key: { kind: 'string(191)' },
      event_position: { kind: 'bigint' },
      kind: { kind: 'string(64)' },
      target_kind: { kind: 'string(32)' },
      target_id: { kind: 'string(64)' },
      // The machine (hebergements.serveur …); '' when there is one.
      server: { kind: 'string(64)', default: '' },
      // Ids and validated paths only, never a secret.
      payload: { kind: 'text' },
      // pending | running | done | failed | cancelled | superseded | skipped (no script)
      status: { kind: 'string(16)' },
      attempts: { kind: 'int', default: 0 },
      next_attempt_at: { kind: 'timestamp' },
      lease_until: { kind: 'timestamp', nullable: true },
      worker: { kind: 'string(128)', nullable: true },
      output: { kind: 'text', nullable: true },
      last_error: { kind: 'text', nullable: true },
      created_at: { kind: 'timestamp' },
      finished_at: { kind: 'timestamp', nullable: true },
    },
    unique: { job_key: ['job_key'] },
    indexes: {
      due: ['status', 'next_attempt_at'],
      target: ['target_kind', 'target_id', 'id'],
    },
  },
];

interface RunRow {
  run_key: string;
  event_position: number | string;
  action: string;
  account_id: string;
  customer_id: string;
  account_name: string;
  reason: string;
  status: string;
  attempts: number | string;
  next_attempt_at: string;
  output: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export class Jobs1764900002900 implements MigrationInterface {
  name = 'Jobs1764900002900';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of jobTables)
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
    const runs = (await runner.query(`SELECT * FROM g2_provisioning_runs ORDER BY id`)) as RunRow[];
    for (const r of runs) {
      await runner.query(
        `INSERT INTO g2_jobs (job_key, event_position, kind, target_kind, target_id, server, payload, status, attempts, next_attempt_at, output, last_error, created_at, finished_at)
         VALUES (?, ?, ?, 'account', ?, '', ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          r.run_key.replace(/:(\w+)$/, ':account.$1'),
          r.event_position,
          `account.${r.action}`,
          r.account_id,
          JSON.stringify({
            accountId: r.account_id,
            accountName: r.account_name,
            customerId: r.customer_id,
            reason: r.reason,
          }),
          r.status,
          r.attempts,
          r.next_attempt_at,
          r.output,
          r.last_error,
          r.created_at,
          r.finished_at,
        ],
      );
    }
    await runner.query(`DROP TABLE g2_provisioning_runs`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const dialect = dialectOf(runner.connection.options.type);
    for (const spec of accountTables.filter((t) => t.name === 'g2_provisioning_runs'))
      for (const sql of createTable(spec, dialect)) await runner.query(sql);
    for (const spec of [...jobTables].reverse()) await runner.query(`DROP TABLE ${spec.name}`);
  }
}
