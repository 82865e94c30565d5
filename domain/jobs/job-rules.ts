import { DomainError } from '../shared/errors.js';

/**
 * The provisioning job queue's rules (docs/hosting-jobs.md): pure, so the claim, ordering and
 * retry decisions are the same on SQLite and MariaDB and testable without a database.
 */

/**
 * pending → running (a lease) → done | failed | cancelled | superseded; skipped: no script is
 * configured for the kind (recorded, never run).
 */
export type JobStatus =
  'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'superseded' | 'skipped';

/** The statuses of an earlier job that keep a later one of the same target waiting. */
export const BLOCKING_STATUSES: readonly JobStatus[] = ['pending', 'running', 'failed'];

/** The delay before attempt n + 1: the base doubled each time, at most a day. */
export function backoffMs(baseMs: number, attempts: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 86_400_000);
}

/** What a failed attempt leads to: another try later, or `failed` once the attempts are spent. */
export function afterFailure(
  attempts: number,
  maxAttempts: number,
  baseMs: number,
  now: Date,
): { status: 'pending' | 'failed'; nextAttemptAt: Date } {
  return {
    status: attempts >= maxAttempts ? 'failed' : 'pending',
    nextAttemptAt: new Date(now.getTime() + backoffMs(baseMs, attempts)),
  };
}

/** The part of a job the ordering rule reads. */
export interface QueuedJob {
  readonly id: number;
  readonly targetKind: string;
  readonly targetId: string;
  readonly status: JobStatus;
  readonly nextAttemptAt: Date;
  /** A running job's lease end (null otherwise). */
  readonly leaseUntil: Date | null;
}

/** A running job whose worker stopped renewing it (killed, host gone): it goes back to pending. */
export function leaseExpired(job: QueuedJob, now: Date): boolean {
  return job.status === 'running' && job.leaseUntil !== null && job.leaseUntil <= now;
}

/**
 * The jobs a worker may claim now, in queue order: pending and due, with no earlier job of the
 * same target pending, running or failed (one stuck target never blocks the others). The SQL
 * in src/kernel/jobs/job-queue.ts says the same.
 */
export function claimable(jobs: readonly QueuedJob[], now: Date): QueuedJob[] {
  const blocked = new Set<string>();
  const out: QueuedJob[] = [];
  for (const job of [...jobs].sort((a, b) => a.id - b.id)) {
    const target = `${job.targetKind}\u0000${job.targetId}`;
    const status = leaseExpired(job, now) ? 'pending' : job.status;
    if (status === 'pending' && job.nextAttemptAt <= now && !blocked.has(target)) out.push(job);
    if (BLOCKING_STATUSES.includes(status)) blocked.add(target);
  }
  return out;
}

/** A job key: the causing event's position and the kind (a replayed event queues nothing twice). */
export function jobKey(eventPosition: number, kind: string): string {
  return `${eventPosition}:${kind}`;
}

/**
 * A path below a hosting's root as a job may carry it: relative, no `..`, no `.` segment, no
 * empty segment, printable, at most 255 characters. The scripts check it again on the disk.
 */
export function relativeJobPath(field: string, path: string): string {
  const refuse = (why: string) =>
    new DomainError('invalid_input', `Chemin « ${path} » refusé : ${why}.`, field);
  if (path === '') throw refuse('il est vide');
  if (path.length > 255) throw refuse('il dépasse 255 caractères');
  if (path.startsWith('/')) throw refuse('il doit être relatif au dossier de l’hébergement');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) throw refuse('il contient un caractère interdit');
  const segments = path.replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '..')) throw refuse('« .. » n’est pas permis');
  if (segments.some((s) => s === '' || s === '.'))
    throw refuse('il contient un élément vide ou « . »');
  return segments.join('/');
}
