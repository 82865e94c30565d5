import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { jobStream, type JobEvent } from '../../../domain/jobs/events.js';
import {
  decideRecordJobOutcome,
  evolveJobOutcomes,
  initialJobOutcomesState,
  jobProgress,
  type JobProgress,
} from '../../../domain/jobs/job-outcomes.js';
import { JOB_KINDS, type JobKind, type Payload } from '../../../domain/jobs/job-kinds.js';
import { afterFailure, BLOCKING_STATUSES, type JobStatus } from '../../../domain/jobs/job-rules.js';
import type { Clock } from '../clock.js';
import { processEnvironment, type LifecycleConfig } from '../config.js';
import type { Db, Queryable, Tx } from '../database/db.js';
import type { CommandPipeline } from '../event-store/command-pipeline.js';
import { readStream, sqlTimestamp, type AppendRequest } from '../event-store/event-store.js';

/** A job to queue, from a follower reacting to the event at `eventPosition`. */
export interface JobRequest {
  readonly eventPosition: number;
  readonly kind: JobKind;
  readonly targetId: string;
  /** The machine it runs for (hebergements.serveur …); '' on a single machine. */
  readonly server?: string;
  /** Ids and validated paths only, never a secret (checked by the kind's validate). */
  readonly payload: Payload;
}

export interface JobRow {
  id: number;
  job_key: string;
  kind: JobKind;
  target_kind: string;
  target_id: string;
  server: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  worker: string | null;
  output: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/**
 * Queues a job in the caller's transaction (a follower's reaction). The key is
 * `<event position>:<kind>`: a replayed event or a follower restarted after a crash queues
 * nothing twice. Answers false when the job was already queued.
 */
export async function queueJob(q: Queryable, request: JobRequest, now: Date): Promise<boolean> {
  const spec = JOB_KINDS[request.kind];
  const payload = spec.validate(request.payload);
  const at = sqlTimestamp(now);
  const insert = q.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  const { affected } = await q.execute(
    `${insert} INTO g2_jobs (job_key, event_position, kind, target_kind, target_id, server, payload, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    [
      `${request.eventPosition}:${request.kind}`,
      request.eventPosition,
      request.kind,
      spec.targetKind,
      request.targetId,
      request.server ?? '',
      JSON.stringify(payload),
      at,
      at,
    ],
  );
  return affected > 0;
}

/** The script's verdict: its exit status and its last JSON line (`{"status", "message"}`). */
export function readScriptOutput(
  exitedOk: boolean,
  stdout: string,
): { ok: boolean; message: string } {
  let status: string | null = null;
  let message = '';
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) {
      if (text !== '') message = text;
      continue;
    }
    try {
      const parsed = JSON.parse(text) as { status?: unknown; message?: unknown };
      if (parsed.status === 'ok' || parsed.status === 'error') status = parsed.status;
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      message = text;
    }
  }
  return { ok: exitedOk && status !== 'error', message };
}

/**
 * Asked right before a claimed job's script runs: whether the work is still wanted. A job whose
 * object changed meanwhile ends `cancelled` (nothing to do any more) or `superseded` (already
 * done another way) without running (a purge whose deletion was cancelled never deletes).
 */
export type JobGuard = (q: Queryable, row: JobRow) => Promise<'run' | 'cancelled' | 'superseded'>;

/**
 * What a kind's success appends beside its JobSucceeded, in the same transaction (e.g. the
 * purge's `MailboxPurged`); it may write in `tx` too (the address released).
 */
export type JobSuccessReaction = (tx: Tx, row: JobRow, now: Date) => Promise<AppendRequest[]>;

type JobsConfig = Pick<
  LifecycleConfig,
  'hooks' | 'hostingHooks' | 'hookTimeoutMs' | 'provisioningMaxAttempts' | 'retryBaseMs'
>;

const BLOCKING = BLOCKING_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The provisioning job queue (docs/hosting-jobs.md): claims due jobs with a conditional UPDATE
 * (two app instances never run one job), one target's jobs in order, each kind's script with
 * argv and GLOUX2_* environment, retries with a growing delay, then `failed` until an admin
 * runs it again. A kind that records its outcome gets JobSucceeded / JobFailed in the same
 * transaction as the job's new status.
 */
export class JobQueue {
  private readonly logger = new Logger('Jobs');
  private running: { readonly tried: Set<number>; readonly promise: Promise<number> } | null = null;
  private again: Promise<number> | null = null;
  /** Who holds a lease: host, process and instance (two queues in one process differ too). */
  readonly worker = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  private readonly guards = new Map<JobKind, JobGuard>();
  private readonly reactions = new Map<JobKind, JobSuccessReaction>();

  constructor(
    private readonly db: Db,
    private readonly config: JobsConfig,
    private readonly clock: Clock,
    private readonly pipeline: CommandPipeline,
  ) {}

  /** A module's check before its kind's scripts run (one per kind). */
  guard(kind: JobKind, guard: JobGuard): void {
    if (this.guards.has(kind)) throw new Error(`A guard for ${kind} is already registered`);
    this.guards.set(kind, guard);
  }

  /** A module's events on its kind's success (one per kind; kinds recording their outcome). */
  onSuccess(kind: JobKind, reaction: JobSuccessReaction): void {
    if (!JOB_KINDS[kind].recordsOutcome)
      throw new Error(`${kind} records no outcome: no reaction to its success`);
    if (this.reactions.has(kind)) throw new Error(`A reaction to ${kind} is already registered`);
    this.reactions.set(kind, reaction);
  }

  /** The script of a kind, or null: its jobs are recorded as skipped. */
  scriptOf(kind: JobKind): string | null {
    if (kind.startsWith('account.'))
      return this.config.hooks[kind.slice(8) as keyof JobsConfig['hooks']] ?? null;
    return this.config.hostingHooks[kind as keyof JobsConfig['hostingHooks']] ?? null;
  }

  /**
   * Runs the due jobs; one run at a time. A call during a run waits for it, then one more run
   * looks again (shared by every such call): the run under way may have listed the due jobs
   * before the caller's job was queued or put back (« relancer »). A job that run already tried
   * is not tried again by the next one (a failure waits for its retry delay or the next call).
   */
  runDue(): Promise<number> {
    const current = this.running;
    if (current === null) return this.start(new Set());
    this.again ??= current.promise
      .catch(() => 0)
      .then(() => {
        this.again = null;
        return this.running === null ? this.start(current.tried) : this.runDue();
      });
    return this.again;
  }

  private start(tried: Set<number>): Promise<number> {
    const run = {
      tried,
      promise: this.runPasses(tried).finally(() => {
        if (this.running === run) this.running = null;
      }),
    };
    this.running = run;
    return run.promise;
  }

  /**
   * Passes until one finishes nothing: a target's next job becomes claimable once the one
   * before it is done. A failed attempt is not tried again in the same call.
   */
  private async runPasses(tried: Set<number>): Promise<number> {
    let total = 0;
    for (let pass = 0; pass < 20; pass++) {
      const finished = await this.pass(tried);
      total += finished;
      if (finished === 0) break;
    }
    return total;
  }

  /** Claims and runs what is due; answers the jobs finished. */
  private async pass(tried: Set<number>): Promise<number> {
    const due = await this.due(this.clock.now());
    let finished = 0;
    for (const row of due) {
      const id = Number(row.id);
      if (tried.has(id)) continue;
      tried.add(id);
      if (await this.runOne(row)) finished += 1;
    }
    return finished;
  }

  /**
   * Gives expired leases back, then answers the jobs a worker may claim now: `claimable` of
   * domain/jobs/job-rules.ts in SQL (checked against it by test/integration/job-queue.test.ts).
   */
  async due(now: Date, limit = 100): Promise<JobRow[]> {
    await this.db.run((q) =>
      q.execute(
        `UPDATE g2_jobs SET status = 'pending', lease_until = NULL, worker = NULL WHERE status = 'running' AND lease_until <= ?`,
        [sqlTimestamp(now)],
      ),
    );
    return this.db.query<JobRow & Record<string, unknown>>(
      `SELECT * FROM g2_jobs j WHERE j.status = 'pending' AND j.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM g2_jobs e WHERE e.target_kind = j.target_kind AND e.target_id = j.target_id
                         AND e.id < j.id AND e.status IN (${BLOCKING}))
       ORDER BY j.id LIMIT ${Number(limit)}`,
      [sqlTimestamp(now)],
    );
  }

  /** Claims one job and runs it; true when it ended done or skipped. */
  private async runOne(row: JobRow): Promise<boolean> {
    const script = this.scriptOf(row.kind);
    const now = this.clock.now();
    if (!script) {
      // The account hooks are optional; a hosting job without its script is worth a line.
      if (!row.kind.startsWith('account.'))
        this.logger.warn(`${row.kind} ${row.target_id} skipped: no HOSTING_HOOK_* configured`);
      const { affected } = await this.db.run((q) =>
        q.execute(
          `UPDATE g2_jobs SET status = 'skipped', finished_at = ? WHERE id = ? AND status = 'pending'`,
          [sqlTimestamp(now), row.id],
        ),
      );
      return affected > 0;
    }
    const lease = new Date(now.getTime() + this.config.hookTimeoutMs + 60_000);
    const { affected } = await this.db.run((q) =>
      q.execute(
        `UPDATE g2_jobs SET status = 'running', attempts = attempts + 1, lease_until = ?, worker = ? WHERE id = ? AND status = 'pending'`,
        [sqlTimestamp(lease), this.worker, row.id],
      ),
    );
    // Another instance claimed it first.
    if (affected === 0) return false;
    const guard = this.guards.get(row.kind);
    const verdict = guard ? await this.db.run((q) => guard(q, row)) : 'run';
    if (verdict !== 'run') {
      this.logger.warn(`${row.kind} ${row.target_kind} ${row.target_id}: ${verdict}, not run`);
      await this.db.run((q) =>
        q.execute(
          `UPDATE g2_jobs SET status = ?, lease_until = NULL, worker = NULL, finished_at = ? WHERE id = ? AND status = 'running' AND worker = ?`,
          [verdict, sqlTimestamp(this.clock.now()), row.id, this.worker],
        ),
      );
      return true;
    }
    const attempts = Number(row.attempts) + 1;
    const result = await this.exec(script, row);
    const label = `${row.kind} ${row.target_kind} ${row.target_id}`;
    if (result.ok) this.logger.log(`${label}: ${result.message}`);
    else this.logger.warn(`${label} failed (attempt ${attempts}): ${result.error}`);
    const end = this.clock.now();
    const next = result.ok
      ? null
      : afterFailure(attempts, this.config.provisioningMaxAttempts, this.config.retryBaseMs, end);
    const status = next?.status ?? 'done';
    const update = (q: Queryable) =>
      q.execute(
        `UPDATE g2_jobs SET status = ?, output = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, worker = NULL, finished_at = ?
         WHERE id = ? AND status = 'running' AND worker = ?`,
        [
          status,
          result.output.slice(0, 10_000),
          result.ok ? null : result.error.slice(0, 2000),
          next ? sqlTimestamp(next.nextAttemptAt) : row.next_attempt_at,
          status === 'pending' ? null : sqlTimestamp(end),
          row.id,
          this.worker,
        ],
      );
    const outcome = status === 'done' ? 'succeeded' : status === 'failed' ? 'failed' : null;
    if (outcome === null || !JOB_KINDS[row.kind].recordsOutcome) {
      await this.db.run(update);
    } else {
      await this.pipeline.run({
        commandType: 'RecordJobOutcome',
        actor: 'system:jobs',
        now: end,
        request: { jobKey: row.job_key, outcome },
        decide: async (tx: Tx) => {
          // The lease was lost (expired and taken again): the other worker records the end.
          if ((await update(tx)).affected === 0) return { appends: [], result: null };
          const stream = jobStream(row.target_kind, row.target_id);
          const history = await readStream(tx, stream);
          const state = history
            .map((e) => e as unknown as JobEvent)
            .reduce(evolveJobOutcomes, initialJobOutcomesState);
          const events = decideRecordJobOutcome(state, {
            jobKey: row.job_key,
            kind: row.kind,
            targetKind: row.target_kind,
            targetId: row.target_id,
            attempts,
            outcome,
            message: result.ok ? result.message : result.error,
          });
          const version = history.length > 0 ? history[history.length - 1]!.streamVersion : -1;
          const reaction = outcome === 'succeeded' ? this.reactions.get(row.kind) : undefined;
          return {
            appends: [
              { streamId: stream, expectedVersion: version, events },
              ...(reaction ? await reaction(tx, row, end) : []),
            ],
            result: null,
          };
        },
      });
    }
    return status === 'done';
  }

  private exec(
    script: string,
    row: JobRow,
  ): Promise<{ ok: boolean; output: string; message: string; error: string }> {
    const spec = JOB_KINDS[row.kind];
    const payload = JSON.parse(row.payload) as Payload;
    return new Promise((resolve) => {
      execFile(
        script,
        [...spec.argv(payload)],
        {
          timeout: this.config.hookTimeoutMs,
          env: {
            // The script inherits the server's environment (PATH, its own settings…).
            ...processEnvironment(),
            GLOUX2_JOB_ID: String(row.id),
            GLOUX2_JOB_KEY: row.job_key,
            GLOUX2_JOB_KIND: row.kind,
            GLOUX2_TARGET_KIND: row.target_kind,
            GLOUX2_TARGET_ID: row.target_id,
            GLOUX2_SERVER: row.server,
            ...spec.env(payload),
          },
        },
        (error, stdout, stderr) => {
          const output = `${stdout}${stderr ? `\n${stderr}` : ''}`;
          const read = readScriptOutput(!error, stdout);
          resolve({
            ok: read.ok,
            output,
            message: read.message,
            error: read.ok ? '' : read.message || (error ? error.message : 'échec'),
          });
        },
      );
    });
  }

  /** Puts a failed job back in the queue (admin action: relancer); false if it was not failed. */
  async retry(id: number): Promise<boolean> {
    const { affected } = await this.db.run((q) =>
      q.execute(
        `UPDATE g2_jobs SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL WHERE id = ? AND status = 'failed'`,
        [sqlTimestamp(this.clock.now()), id],
      ),
    );
    return affected > 0;
  }

  /** One job, for the admin's confirmation page. */
  async job(id: number): Promise<JobRow | null> {
    const [row] = await this.db.query<JobRow & Record<string, unknown>>(
      `SELECT * FROM g2_jobs WHERE id = ?`,
      [id],
    );
    return row ?? null;
  }

  /** What the cooperator reads about a target's jobs: en cours / fait / échec (null: none). */
  async progressOf(targetKind: string, targetId: string): Promise<JobProgress | null> {
    const rows = await this.db.query<{ status: string }>(
      `SELECT status FROM g2_jobs WHERE target_kind = ? AND target_id = ? ORDER BY id`,
      [targetKind, targetId],
    );
    return jobProgress(rows.map((r) => r.status));
  }
}
