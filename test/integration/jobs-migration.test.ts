import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { createTable } from '../../src/kernel/database/ddl.js';
import type { Db } from '../../src/kernel/database/db.js';
import { accountTables } from '../../src/kernel/database/migrations/1764900000700-accounts.js';
import { Jobs1764900002900 } from '../../src/kernel/database/migrations/1764900002900-jobs.js';
import { dialects, migratedTestDatabase } from '../support/databases.js';

jest.setTimeout(120_000);

/**
 * The upgrade: an install with account-hook runs in g2_provisioning_runs gets them as jobs in
 * g2_jobs (same key with the kind, status, attempts and output), and the old table goes.
 */
describe.each(dialects)('the job queue migration on %s', (dialect) => {
  let opened: Awaited<ReturnType<typeof migratedTestDatabase>> | undefined;
  let db: Db;

  beforeAll(async () => {
    opened = await migratedTestDatabase(dialect);
    db = opened.db;
    // Back to the state before the migration.
    await db.run((q) => q.execute(`DROP TABLE g2_jobs`));
    for (const spec of accountTables.filter((t) => t.name === 'g2_provisioning_runs'))
      for (const sql of createTable(spec, dialect)) await db.run((q) => q.execute(sql));
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('moves each run into g2_jobs and drops g2_provisioning_runs', async () => {
    const insert = `INSERT INTO g2_provisioning_runs (run_key, event_position, action, account_id, customer_id, account_name, reason, status, attempts, next_attempt_at, output, last_error, created_at, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    await db.run((q) =>
      q.execute(insert, [
        '37:open',
        37,
        'open',
        '4',
        '4',
        'jdupont',
        '',
        'done',
        1,
        '2026-12-01 10:00:00.000',
        'ok open jdupont',
        null,
        '2026-12-01 10:00:00.000',
        '2026-12-01 10:00:01.000',
      ]),
    );
    await db.run((q) =>
      q.execute(insert, [
        '39:suspend',
        39,
        'suspend',
        '3',
        '3',
        'webcoop',
        'impayé > 60 jours',
        'failed',
        5,
        '2026-12-02 10:00:00.000',
        'panne',
        'Command failed',
        '2026-12-01 10:00:00.000',
        '2026-12-02 10:00:00.000',
      ]),
    );
    const runner = {
      connection: { options: { type: dialect === 'mysql' ? 'mysql' : 'better-sqlite3' } },
      query: (sql: string, params: unknown[] = []) =>
        /^\s*SELECT/i.test(sql) ? db.query(sql, params) : db.run((q) => q.execute(sql, params)),
    } as unknown as QueryRunner;
    await new Jobs1764900002900().up(runner);

    const jobs = await db.query<Record<string, unknown>>(
      `SELECT job_key, event_position, kind, target_kind, target_id, payload, status, attempts, output, last_error, finished_at FROM g2_jobs ORDER BY id`,
    );
    expect(
      jobs.map((j) => ({
        ...j,
        event_position: Number(j.event_position),
        attempts: Number(j.attempts),
        payload: JSON.parse(String(j.payload)) as unknown,
      })),
    ).toEqual([
      {
        job_key: '37:account.open',
        event_position: 37,
        kind: 'account.open',
        target_kind: 'account',
        target_id: '4',
        payload: { accountId: '4', accountName: 'jdupont', customerId: '4', reason: '' },
        status: 'done',
        attempts: 1,
        output: 'ok open jdupont',
        last_error: null,
        finished_at: '2026-12-01 10:00:01.000',
      },
      {
        job_key: '39:account.suspend',
        event_position: 39,
        kind: 'account.suspend',
        target_kind: 'account',
        target_id: '3',
        payload: {
          accountId: '3',
          accountName: 'webcoop',
          customerId: '3',
          reason: 'impayé > 60 jours',
        },
        status: 'failed',
        attempts: 5,
        output: 'panne',
        last_error: 'Command failed',
        finished_at: '2026-12-02 10:00:00.000',
      },
    ]);
    await expect(db.query(`SELECT COUNT(*) AS n FROM g2_provisioning_runs`)).rejects.toThrow();
  });
});
