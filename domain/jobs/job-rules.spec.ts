import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import type { JobEvent } from './events.js';
import { JOB_KINDS } from './job-kinds.js';
import {
  decideRecordJobOutcome,
  evolveJobOutcomes,
  initialJobOutcomesState,
  jobProgress,
  type RecordJobOutcome,
} from './job-outcomes.js';
import {
  afterFailure,
  backoffMs,
  BLOCKING_STATUSES,
  claimable,
  relativeJobPath,
  type JobStatus,
  type QueuedJob,
} from './job-rules.js';

const NOW = new Date('2026-12-07T10:00:00Z');
const STATUSES: JobStatus[] = [
  'pending',
  'running',
  'done',
  'failed',
  'cancelled',
  'superseded',
  'skipped',
];

const jobArb = fc.record({
  target: fc.constantFrom('a', 'b', 'c'),
  status: fc.constantFrom(...STATUSES),
  dueIn: fc.integer({ min: -5000, max: 5000 }),
  leaseIn: fc.integer({ min: -5000, max: 5000 }),
});

const queueArb = fc.array(jobArb, { maxLength: 12 }).map((list) =>
  list.map((j, i): QueuedJob => ({
    id: i + 1,
    targetKind: 'vhost',
    targetId: j.target,
    status: j.status,
    nextAttemptAt: new Date(NOW.getTime() + j.dueIn),
    leaseUntil: j.status === 'running' ? new Date(NOW.getTime() + j.leaseIn) : null,
  })),
);

describe('claiming jobs', () => {
  it('claims only due pending jobs (or expired leases), the first of each target, never behind a pending, running or failed one', () => {
    fc.assert(
      fc.property(queueArb, (jobs) => {
        const claimed = claimable(jobs, NOW);
        const targets = claimed.map((j) => j.targetId);
        expect(new Set(targets).size).toBe(targets.length);
        for (const job of claimed) {
          const expired = job.status === 'running' && job.leaseUntil! <= NOW;
          expect(job.status === 'pending' || expired).toBe(true);
          expect(job.nextAttemptAt <= NOW).toBe(true);
          const before = jobs.filter((j) => j.targetId === job.targetId && j.id < job.id);
          for (const b of before) {
            const live = b.status === 'running' && b.leaseUntil! <= NOW ? 'pending' : b.status;
            expect(BLOCKING_STATUSES).not.toContain(live);
          }
        }
      }),
    );
  });

  it('one stuck target never blocks the others', () => {
    const job = (id: number, targetId: string, status: JobStatus): QueuedJob => ({
      id,
      targetKind: 'vhost',
      targetId,
      status,
      nextAttemptAt: NOW,
      leaseUntil: null,
    });
    const claimed = claimable(
      [job(1, 'a', 'failed'), job(2, 'a', 'pending'), job(3, 'b', 'pending')],
      NOW,
    );
    expect(claimed.map((j) => j.id)).toEqual([3]);
  });
});

describe('retries', () => {
  it('wait twice as long each time, at most a day, and give up after the last attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (base, attempts, max) => {
          const delay = backoffMs(base, attempts);
          expect(delay).toBeLessThanOrEqual(86_400_000);
          expect(backoffMs(base, attempts + 1)).toBeGreaterThanOrEqual(delay);
          if (base * 2 ** attempts <= 86_400_000)
            expect(backoffMs(base, attempts + 1)).toBe(2 * delay);
          const next = afterFailure(attempts, max, base, NOW);
          expect(next.status).toBe(attempts >= max ? 'failed' : 'pending');
          expect(next.nextAttemptAt.getTime() - NOW.getTime()).toBe(delay);
        },
      ),
    );
  });
});

describe('job payloads', () => {
  it('refuse a path leaving the hosting, naming the field', () => {
    for (const path of ['../etc', 'a/../../b', '/etc', '', 'a//b', './a', 'a\\b', 'a\nb'])
      expect(() => relativeJobPath('path', path)).toThrow(
        expect.objectContaining({ code: 'invalid_input', field: 'path' }),
      );
    expect(relativeJobPath('path', 'sites/blog/')).toBe('sites/blog');
  });

  it('never accept a `..` segment, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z.]{1,4}$/), { minLength: 1, maxLength: 5 }),
        (segments) => {
          const path = segments.join('/');
          let accepted: string | null;
          try {
            accepted = relativeJobPath('path', path);
          } catch {
            accepted = null;
          }
          if (accepted !== null)
            expect(accepted.split('/').some((s) => s === '..' || s === '.')).toBe(false);
        },
      ),
    );
  });

  it('give the file scripts their argv, never a shell string', () => {
    const spec = JOB_KINDS['vhost.mkdir'];
    const payload = spec.validate({
      hostingRoot: '/srv/web/h1',
      path: 'un site; rm -rf $HOME',
      uid: 1001,
      gid: 1002,
    });
    expect(spec.argv(payload)).toEqual(['/srv/web/h1', 'un site; rm -rf $HOME', '1001', '1002']);
    expect(() => spec.validate({ hostingRoot: '/srv/../etc', path: 'a', uid: 1, gid: 1 })).toThrow(
      expect.objectContaining({ field: 'hostingRoot' }),
    );
    expect(() => spec.validate({ hostingRoot: '/srv', path: 'a', uid: 0, gid: 1 })).toThrow(
      expect.objectContaining({ field: 'uid' }),
    );
  });
});

describe('the mail.purge payload', () => {
  const spec = JOB_KINDS['mail.purge'];
  const good = {
    hostingId: 1,
    mailRoot: '/var/mail',
    domain: 'example.org',
    localPart: 'anne.lefevre',
    maildir: '/var/mail/example.org/anne.lefevre/',
    mailboxId: '0b6c1f2e-5d1a-4c1e-9d0f-3f2a1b4c5d6e',
  };

  it('carries ids and paths only, given to the script as argv', () => {
    const payload = spec.validate(good);
    expect(spec.targetKind).toBe('mailbox');
    expect(spec.argv(payload)).toEqual([
      '/var/mail',
      'example.org',
      'anne.lefevre',
      '/var/mail/example.org/anne.lefevre',
      good.mailboxId,
    ]);
    expect(spec.env(payload).GLOUX2_MAILDIR).toBe('/var/mail/example.org/anne.lefevre');
  });

  it('refuses .., a relative or root maildir, a slash or a leading dot in a name, naming the field', () => {
    const refused = (change: Record<string, unknown>, field: string) =>
      expect(() => spec.validate({ ...good, ...change } as never)).toThrow(
        expect.objectContaining({ field }),
      );
    refused({ mailRoot: 'var/mail' }, 'mailRoot');
    refused({ mailRoot: '/' }, 'mailRoot');
    refused({ maildir: '/var/mail/example.org/../../etc' }, 'maildir');
    refused({ domain: '../etc' }, 'domain');
    refused({ domain: 'Example.org' }, 'domain');
    refused({ localPart: 'a/b' }, 'localPart');
    refused({ localPart: '.deleted-x' }, 'localPart');
    refused({ localPart: 'a..b' }, 'localPart');
    refused({ mailboxId: '../x' }, 'mailboxId');
    refused({ hostingId: 0 }, 'hostingId');
    refused({ password: undefined, mailboxId: 7 }, 'mailboxId');
  });
});

describe('job outcomes', () => {
  const spec = deciderSpec({
    initial: initialJobOutcomesState,
    evolve: evolveJobOutcomes,
    decide: (state, command: RecordJobOutcome) => decideRecordJobOutcome(state, command),
  });
  const command = (outcome: 'succeeded' | 'failed', attempts = 1): RecordJobOutcome => ({
    jobKey: '12:vhost.mkdir',
    kind: 'vhost.mkdir',
    targetKind: 'vhost',
    targetId: '7',
    attempts,
    outcome,
    message: 'ok',
  });
  const data = (attempts: number) => ({
    jobKey: '12:vhost.mkdir',
    kind: 'vhost.mkdir',
    targetKind: 'vhost',
    targetId: '7',
    attempts,
    message: 'ok',
  });
  const failed: JobEvent = { type: 'JobFailed', data: data(5) };

  it('records a success, a failure then a success after « relancer », never the same twice', () => {
    spec
      .given()
      .when(command('succeeded', 3), undefined)
      .then([{ type: 'JobSucceeded', data: data(3) }]);
    spec
      .given(failed)
      .when(command('succeeded'), undefined)
      .then([{ type: 'JobSucceeded', data: data(1) }]);
    spec.given(failed).when(command('failed', 5), undefined).then([]);
  });

  it('tells the cooperator en cours, fait or échec', () => {
    expect(jobProgress([])).toBeNull();
    expect(jobProgress(['skipped'])).toBeNull();
    expect(jobProgress(['done', 'pending'])).toBe('en cours');
    expect(jobProgress(['done', 'running'])).toBe('en cours');
    expect(jobProgress(['failed', 'pending'])).toBe('échec');
    expect(jobProgress(['done', 'superseded', 'done'])).toBe('fait');
  });
});
