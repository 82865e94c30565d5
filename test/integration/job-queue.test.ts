import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { jobStream } from '../../domain/jobs/events.js';
import { claimable, type JobStatus, type QueuedJob } from '../../domain/jobs/job-rules.js';
import type { JobKind, Payload } from '../../domain/jobs/job-kinds.js';
import {
  LIFECYCLE_CONFIG,
  loadLifecycleConfig,
  type LifecycleConfig,
} from '../../src/kernel/config.js';
import { readStream, sqlTimestamp } from '../../src/kernel/event-store/event-store.js';
import { JobQueue, queueJob } from '../../src/kernel/jobs/job-queue.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { JobFollowers } from '../../src/lifecycle/job-followers.js';
import { LifecycleAdminController } from '../../src/lifecycle/lifecycle-admin.controller.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(120_000);

const T0 = '2026-12-07T10:00:00.000Z';

/**
 * A job script for the tests: logs `<job id> <target id> <attempt>` and fails (JSON error line,
 * exit 1) while the target's counter of failures to come is above zero, or always while a
 * `stuck-<target>` file exists; sleeps a little so that two workers overlap.
 */
function flakyScript(dir: string): { path: string; calls: () => string[] } {
  const path = join(dir, 'job.sh');
  const log = join(dir, 'calls.log');
  writeFileSync(
    path,
    `#!/bin/sh
set -u
echo "$GLOUX2_JOB_ID $GLOUX2_TARGET_ID $GLOUX2_PATH" >> '${log}'
sleep 0.2
left='${dir}'/"fail-$GLOUX2_TARGET_ID"
if [ -e '${dir}'/"stuck-$GLOUX2_TARGET_ID" ]; then echo '{"status":"error","message":"disque plein"}'; exit 1; fi
if [ -s "$left" ]; then n=$(cat "$left"); echo $((n - 1)) > "$left"
  if [ "$n" -gt 0 ]; then echo '{"status":"error","message":"panne numéro '"$n"'"}'; exit 1; fi
fi
echo '{"status":"ok","message":"fait pour '"$GLOUX2_PATH"'"}'
`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : [],
  };
}

describe.each(dialects)('the provisioning job queue on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let dir: string;
  let script: ReturnType<typeof flakyScript>;
  let config: LifecycleConfig;
  let position = 1000;
  const queue = () => app.context.get(JobQueue);

  const job = async (
    targetId: string,
    path = `site-${targetId}`,
    kind: JobKind = 'vhost.mkdir',
    payload?: Payload,
  ): Promise<number> => {
    position += 1;
    await app.db.run((q) =>
      queueJob(
        q,
        {
          eventPosition: position,
          kind,
          targetId,
          payload: payload ?? { hostingRoot: '/srv/web/h1', path, uid: 1001, gid: 1001 },
        },
        app.clock.now(),
      ),
    );
    const [row] = await app.db.query<{ id: number | string }>(
      `SELECT id FROM g2_jobs WHERE job_key = ?`,
      [`${position}:${kind}`],
    );
    return Number(row!.id);
  };
  const row = async (id: number): Promise<Record<string, unknown> & { attempts: number }> => {
    const [r] = await app.db.query<Record<string, unknown>>(`SELECT * FROM g2_jobs WHERE id = ?`, [
      id,
    ]);
    return { ...r, attempts: Number(r!.attempts) };
  };
  const outcomes = async (targetId: string) =>
    (await app.db.run((q) => readStream(q, jobStream('vhost', targetId)))).map(
      (e) => `${e.type} ${(e.data as { attempts: number }).attempts}`,
    );
  const later = (ms: number) => app.clock.set(new Date(app.clock.now().getTime() + ms));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-jobs-'));
    script = flakyScript(dir);
    const base = loadLifecycleConfig({ NODE_ENV: 'test' });
    config = {
      ...base,
      retryBaseMs: 1000,
      provisioningMaxAttempts: 3,
      afterCommitIntervalMs: 3_600_000,
      hookTimeoutMs: 10_000,
      hostingHooks: {
        'vhost.mkdir': script.path,
        'files.delete': script.path,
        'ftp.mkdir': script.path,
        'mail.purge': script.path,
      },
    };
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: T0, overrides: [[LIFECYCLE_CONFIG, config]] });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // A pass woken by the last test's outcome event ends first.
    await app.settle();
    // Each test starts with an empty queue (the account hooks of other tests are not here).
    await app.db.run((q) => q.execute(`DELETE FROM g2_jobs`));
    app.clock.set(new Date(T0));
  });

  it('a script that fails twice then succeeds: done after 3 attempts, each retry later and visible', async () => {
    writeFileSync(join(dir, 'fail-10'), '2');
    const id = await job('10');
    await queue().runDue();
    expect(await row(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'panne numéro 2',
      next_attempt_at: sqlTimestamp(new Date(Date.parse(T0) + 1000)),
    });
    // Not due yet: nothing runs.
    await queue().runDue();
    expect((await row(id)).attempts).toBe(1);
    later(1000);
    await queue().runDue();
    expect(await row(id)).toMatchObject({
      status: 'pending',
      attempts: 2,
      last_error: 'panne numéro 1',
    });
    const page = await app.context.get(LifecycleAdminController).runs();
    expect(page.runs[0]).toMatchObject({ id, statusLabel: 'en attente', attempts: 2 });
    expect(await queue().progressOf('vhost', '10')).toBe('en cours');
    // The second delay is twice the first.
    later(1999);
    await queue().runDue();
    expect((await row(id)).attempts).toBe(2);
    later(1);
    await queue().runDue();
    expect(await row(id)).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect(String((await row(id)).output)).toContain('fait pour site-10');
    expect(script.calls().filter((c) => c.startsWith(`${id} `))).toHaveLength(3);
    expect(await outcomes('10')).toEqual(['JobSucceeded 3']);
    expect(await queue().progressOf('vhost', '10')).toBe('fait');
  });

  it('fails after the last attempt, is shown with « Relancer », and runs once more when asked', async () => {
    writeFileSync(join(dir, 'stuck-11'), '');
    const id = await job('11');
    for (const wait of [0, 1000, 2000]) {
      later(wait);
      await queue().runDue();
    }
    expect(await row(id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'disque plein',
    });
    expect(await outcomes('11')).toEqual(['JobFailed 3']);
    expect(await queue().progressOf('vhost', '11')).toBe('échec');
    // Failed jobs stay until an admin acts: time alone does nothing.
    later(86_400_000);
    await queue().runDue();
    expect((await row(id)).attempts).toBe(3);
    const page = await app.context.get(LifecycleAdminController).runs();
    expect(page.runs[0]).toMatchObject({ id, status: 'failed', statusLabel: 'échec' });
    rmSync(join(dir, 'stuck-11'));
    expect(await queue().retry(id)).toBe(true);
    expect(await queue().retry(id)).toBe(false);
    await queue().runDue();
    expect(await row(id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(await outcomes('11')).toEqual(['JobFailed 3', 'JobSucceeded 1']);
  });

  it('two workers racing: the job runs once', async () => {
    const id = await job('12');
    const other = new JobQueue(app.db, config, app.clock, app.pipeline);
    expect(other.worker).not.toBe(queue().worker);
    await Promise.all([queue().runDue(), other.runDue()]);
    expect(script.calls().filter((c) => c.startsWith(`${id} `))).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: 'done', attempts: 1, worker: null });
    expect(await outcomes('12')).toEqual(['JobSucceeded 1']);
  });

  it('one target’s jobs run in order; a stuck target blocks only itself', async () => {
    writeFileSync(join(dir, 'stuck-13'), '');
    const first = await job('13', 'a');
    const second = await job('13', 'b');
    const elsewhere = await job('14', 'c');
    await queue().runDue();
    expect((await row(first)).status).toBe('pending');
    expect(await row(second)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await row(elsewhere)).status).toBe('done');
    later(1000);
    await queue().runDue();
    later(2000);
    await queue().runDue();
    // Failed still blocks: the second never runs before the first.
    expect((await row(first)).status).toBe('failed');
    later(86_400_000);
    await queue().runDue();
    expect(await row(second)).toMatchObject({ status: 'pending', attempts: 0 });
    rmSync(join(dir, 'stuck-13'));
    await queue().retry(first);
    await queue().runDue();
    expect((await row(first)).status).toBe('done');
    expect((await row(second)).status).toBe('done');
    const order = script
      .calls()
      .filter((c) => c.split(' ')[1] === '13')
      .map((c) => c.split(' ')[2]);
    expect(order).toEqual(['a', 'a', 'a', 'a', 'b']);
  });

  it('an expired lease is taken again; a live one is not', async () => {
    const id = await job('15');
    const lease = (until: Date) =>
      app.db.run((q) =>
        q.execute(
          `UPDATE g2_jobs SET status = 'running', attempts = 1, worker = 'dead-host:1:x', lease_until = ? WHERE id = ?`,
          [sqlTimestamp(until), id],
        ),
      );
    // Another instance holds it (its script still running).
    await lease(new Date(Date.parse(T0) + 60_000));
    await queue().runDue();
    expect(await row(id)).toMatchObject({ status: 'running', worker: 'dead-host:1:x' });
    expect(script.calls().some((c) => c.startsWith(`${id} `))).toBe(false);
    // That instance was killed: its lease ends and the job runs here.
    later(60_000);
    await queue().runDue();
    expect(await row(id)).toMatchObject({ status: 'done', attempts: 2, worker: null });
    expect(script.calls().filter((c) => c.startsWith(`${id} `))).toHaveLength(1);
  });

  it('a replayed event or a restarted follower queues nothing twice', async () => {
    const followers = app.context.get(JobFollowers);
    const follower = followers.follow(
      `test-jobs-${dialect}`,
      (e) => e.type === 'TestVhostCreated',
      async (_q, e) => [
        {
          eventPosition: e.position,
          kind: 'vhost.mkdir',
          targetId: '16',
          payload: { hostingRoot: '/srv/web/h1', path: 'www', uid: 1001, gid: 1001 },
        },
      ],
    );
    await app.pipeline.execute({
      commandType: 'Test',
      actor: 'test',
      now: app.clock.now(),
      request: {},
      decide: async () => ({
        appends: [
          {
            streamId: 'test-vhost-16',
            expectedVersion: 'any',
            events: [{ type: 'TestVhostCreated', data: {} }],
          },
        ],
        result: null,
      }),
    });
    await follower.drain();
    // A crash before the checkpoint moved: the follower reads the event again.
    await app.db.run((q) =>
      q.execute(`UPDATE g2_checkpoints SET position = 0 WHERE name = ?`, [follower.name]),
    );
    await follower.drain();
    expect(await app.count('g2_jobs', `target_id = '16'`)).toBe(1);
    await app.settle();
    expect(await app.count('g2_jobs', `target_id = '16' AND status = 'done'`)).toBe(1);
  });

  it('a kind’s guard ends a job unwanted any more without running it; its success reaction appends in the outcome’s transaction', async () => {
    const own = new JobQueue(app.db, config, app.clock, app.pipeline);
    const verdicts: Record<string, 'run' | 'cancelled' | 'superseded'> = {
      '20': 'cancelled',
      '21': 'superseded',
      '22': 'run',
    };
    own.guard('vhost.mkdir', async (_q, r) => verdicts[r.target_id]!);
    own.onSuccess('vhost.mkdir', async (tx, r) => {
      const [n] = await tx.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM g2_jobs WHERE id = ? AND status = 'done'`,
        [r.id],
      );
      return [
        {
          streamId: `test-done-${r.target_id}`,
          expectedVersion: 'any',
          events: [{ type: 'TestWorkDone', data: { doneInSameTx: Number(n!.n) === 1 } }],
        },
      ];
    });
    expect(() => own.guard('vhost.mkdir', async () => 'run')).toThrow('already');
    expect(() => own.onSuccess('account.open', async () => [])).toThrow('no outcome');
    const [cancelled, superseded, ran] = [await job('20'), await job('21'), await job('22')];
    await own.runDue();
    expect(await row(cancelled)).toMatchObject({ status: 'cancelled', worker: null });
    expect(await row(superseded)).toMatchObject({ status: 'superseded', worker: null });
    expect((await row(ran)).status).toBe('done');
    const calls = script.calls().map((c) => c.split(' ')[0]);
    expect([calls.includes(String(cancelled)), calls.includes(String(ran))]).toEqual([false, true]);
    const done = async (target: string) =>
      (await app.db.run((q) => readStream(q, `test-done-${target}`))).map((e) => e.data);
    expect(await done('22')).toEqual([{ doneInSameTx: true }]);
    expect(await done('20')).toEqual([]);
  });

  it('a runDue call made during a run looks again once it ends, without retrying what that run tried', async () => {
    writeFileSync(join(dir, 'stuck-23'), '');
    const stuck = await job('23');
    const first = queue().runDue();
    // The run has listed its due jobs and is running the stuck one's script.
    const deadline = Date.now() + 30_000;
    while ((await row(stuck)).status !== 'running') {
      if (Date.now() > deadline) throw new Error('the first run never started its job');
      await new Promise((r) => setTimeout(r, 10));
    }
    const late = await job('24');
    const second = queue().runDue();
    await Promise.all([first, second]);
    expect((await row(late)).status).toBe('done');
    expect(await row(stuck)).toMatchObject({ status: 'pending', attempts: 1 });
    rmSync(join(dir, 'stuck-23'));
  });

  it('claims exactly the jobs the ordering rule allows, on random queues', async () => {
    const now = new Date(T0);
    const statuses: JobStatus[] = ['pending', 'running', 'done', 'failed', 'cancelled', 'skipped'];
    const queueArb = fc.array(
      fc.record({
        target: fc.constantFrom('a', 'b', 'c'),
        status: fc.constantFrom(...statuses),
        dueIn: fc.constantFrom(-5000, 0, 5000),
        leaseIn: fc.constantFrom(-5000, 5000),
      }),
      { maxLength: 10 },
    );
    await fc.assert(
      fc.asyncProperty(queueArb, async (list) => {
        await app.db.run((q) => q.execute(`DELETE FROM g2_jobs`));
        const jobs: QueuedJob[] = [];
        for (const [i, j] of list.entries()) {
          const nextAttemptAt = new Date(now.getTime() + j.dueIn);
          const leaseUntil = j.status === 'running' ? new Date(now.getTime() + j.leaseIn) : null;
          const { insertId } = await app.db.run((q) =>
            q.execute(
              `INSERT INTO g2_jobs (job_key, event_position, kind, target_kind, target_id, payload, status, attempts, next_attempt_at, lease_until, created_at)
               VALUES (?, 0, 'vhost.mkdir', 'vhost', ?, '{}', ?, 0, ?, ?, ?)`,
              [
                `rule-${i}`,
                j.target,
                j.status,
                sqlTimestamp(nextAttemptAt),
                leaseUntil && sqlTimestamp(leaseUntil),
                sqlTimestamp(now),
              ],
            ),
          );
          jobs.push({
            id: Number(insertId),
            targetKind: 'vhost',
            targetId: j.target,
            status: j.status,
            nextAttemptAt,
            leaseUntil,
          });
        }
        const picked = (await queue().due(now, 1000)).map((r) => Number(r.id));
        expect(picked).toEqual(claimable(jobs, now).map((j) => j.id));
      }),
      { numRuns: 25 },
    );
    await app.db.run((q) => q.execute(`DELETE FROM g2_jobs`));
  });

  it('refuses a payload with a path out of the hosting, nothing queued', async () => {
    await expect(job('17', '../etc')).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'path',
    });
    await expect(
      job('17', 'www', 'vhost.mkdir', { hostingRoot: 'relative', path: 'www', uid: 1, gid: 1 }),
    ).rejects.toMatchObject({ field: 'hostingRoot' });
    expect(await app.count('g2_jobs')).toBe(0);
  });

  it('runs the reference scripts: the web space directory is created, then its files deleted', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gloux2-web-'));
    // As root the scripts work as the hosting's uid: give it the root, as an install would.
    const uid = process.getuid?.() === 0 ? 65534 : process.getuid!();
    const gid = process.getgid?.() === 0 ? 65534 : process.getgid!();
    chmodSync(root, 0o755);
    if (process.getuid?.() === 0) chownSync(root, uid, gid);
    const scripts = join(projectRoot, 'scripts', 'hosting');
    const real = new JobQueue(
      app.db,
      {
        ...config,
        hostingHooks: {
          'vhost.mkdir': join(scripts, 'vhost-mkdir'),
          'files.delete': join(scripts, 'files-delete'),
          'ftp.mkdir': join(scripts, 'vhost-mkdir'),
          'mail.purge': join(scripts, 'mail-purge'),
        },
      },
      app.clock,
      app.pipeline,
    );
    try {
      const payload = { hostingRoot: root, path: 'sites/blog', uid, gid };
      const mkdir = await job('18', '', 'vhost.mkdir', payload);
      await real.runDue();
      expect(await row(mkdir)).toMatchObject({ status: 'done' });
      expect(statSync(join(root, 'sites/blog')).uid).toBe(uid);
      writeFileSync(join(root, 'sites/blog/index.html'), '<p>bonjour</p>');
      const del = await job('18', '', 'files.delete', payload);
      await real.runDue();
      expect(await row(del)).toMatchObject({ status: 'done' });
      expect(String((await row(del)).output)).toContain('fichiers supprimés : sites/blog');
      expect(existsSync(join(root, 'sites/blog'))).toBe(false);
      expect(await outcomes('18')).toEqual(['JobSucceeded 1', 'JobSucceeded 1']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
