import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { MailboxEvent } from './mailbox-events.js';
import {
  decideClosureDeletions,
  decidePurgeDue,
  decidePurged,
  evolveMailboxDeletions,
  foldMailboxDeletions,
  purgeJobVerdict,
  type MailboxDeletions,
} from './mailbox-purge.js';

const H = 1;
const base = (id: string) => ({ hostingId: H, mailboxId: id, address: `${id}@example.org` });
const created = (id: string): MailboxEvent => ({
  type: 'MailboxCreated',
  data: { ...base(id), domainId: 1, quotaMb: 100, pop: true, imap: true, actor: 't' },
});
const requested = (id: string, purgeAfter: string): MailboxEvent => ({
  type: 'MailboxDeletionRequested',
  data: { ...base(id), purgeAfter, reason: 'requested', actor: 't' },
});
const cancelled = (id: string): MailboxEvent => ({
  type: 'MailboxDeletionCancelled',
  data: { ...base(id), actor: 't' },
});
const started = (id: string): MailboxEvent => ({
  type: 'MailboxPurgeStarted',
  data: { ...base(id), actor: 't' },
});
const purged = (id: string): MailboxEvent => ({
  type: 'MailboxPurged',
  data: { ...base(id), actor: 't' },
});

describe('decidePurgeDue', () => {
  it('starts a pending box on its purge day, not the day before, in address order', () => {
    const state = foldMailboxDeletions([
      created('zoe'),
      created('anne'),
      requested('zoe', '2026-12-14'),
      requested('anne', '2026-12-10'),
    ]);
    expect(decidePurgeDue(H, state, '2026-12-09', 'cron')).toEqual([]);
    expect(decidePurgeDue(H, state, '2026-12-14', 'cron')).toEqual([
      { type: 'MailboxPurgeStarted', data: { ...base('anne'), actor: 'cron' } },
      { type: 'MailboxPurgeStarted', data: { ...base('zoe'), actor: 'cron' } },
    ]);
  });

  it('never starts a cancelled box, a live one, or one already purging or purged', () => {
    const state = foldMailboxDeletions([
      created('a'),
      requested('a', '2026-12-01'),
      cancelled('a'),
      created('b'),
      requested('b', '2026-12-01'),
      started('b'),
      created('c'),
      requested('c', '2026-12-01'),
      started('c'),
      purged('c'),
      created('d'),
    ]);
    expect(decidePurgeDue(H, state, '2027-01-01', 'cron')).toEqual([]);
  });

  it('a box requested again after a cancellation is due on its new day', () => {
    const state = foldMailboxDeletions([
      requested('a', '2026-12-01'),
      cancelled('a'),
      requested('a', '2026-12-20'),
    ]);
    expect(decidePurgeDue(H, state, '2026-12-19', 'cron')).toEqual([]);
    expect(decidePurgeDue(H, state, '2026-12-20', 'cron')).toHaveLength(1);
  });

  type Step =
    | { kind: 'request'; id: string; day: string }
    | { kind: 'cancel'; id: string }
    | { kind: 'run'; day: string };

  // Any history of requests, cancellations, purge runs and purges over a few boxes.
  const ids = ['a', 'b', 'c'] as const;
  const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-12-${String(d).padStart(2, '0')}`);
  const step = fc.oneof(
    fc.record({ kind: fc.constant('request' as const), id: fc.constantFrom(...ids), day }),
    fc.record({ kind: fc.constant('cancel' as const), id: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('run' as const), day }),
  );

  /** Plays a history as the commands would: cancel refused once purging, the run deciding. */
  function play(steps: readonly Step[]): {
    events: MailboxEvent[];
    cancelledLast: Set<string>;
  } {
    let state: MailboxDeletions = new Map();
    const events: MailboxEvent[] = [];
    const cancelledLast = new Set<string>();
    const add = (e: MailboxEvent) => {
      events.push(e);
      state = evolveMailboxDeletions(state, e);
    };
    for (const s of steps) {
      if (s.kind === 'request') {
        const status = state.get(s.id)?.status ?? 'live';
        if (status === 'live') add(requested(s.id, s.day));
        cancelledLast.delete(s.id);
      } else if (s.kind === 'cancel') {
        if (state.get(s.id)?.status === 'pending') {
          add(cancelled(s.id));
          cancelledLast.add(s.id);
        }
      } else {
        for (const e of decidePurgeDue(H, state, s.day, 'cron')) {
          // Due: its purge day has come.
          expect(state.get(e.data.mailboxId)!.purgeAfter! <= s.day).toBe(true);
          add(e);
        }
      }
    }
    return { events, cancelledLast };
  }
  it('property: a box cancelled last is never started after its cancellation', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const { events, cancelledLast } = play(steps);
        for (const id of cancelledLast) {
          const lastCancel = events.findLastIndex(
            (e) => e.type === 'MailboxDeletionCancelled' && e.data.mailboxId === id,
          );
          const startedAfter = events
            .slice(lastCancel + 1)
            .some((e) => e.type === 'MailboxPurgeStarted' && e.data.mailboxId === id);
          expect(startedAfter).toBe(false);
        }
      }),
    );
  });

  it('property: each deletion request leads to at most one purge start, and only once due', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const { events } = play(steps);
        const pendingSince = new Map<string, string>();
        const startedFor = new Set<string>();
        for (const e of events) {
          const id = e.data.mailboxId;
          if (e.type === 'MailboxDeletionRequested') {
            pendingSince.set(id, e.data.purgeAfter);
            startedFor.delete(id);
          }
          if (e.type === 'MailboxDeletionCancelled') pendingSince.delete(id);
          if (e.type === 'MailboxPurgeStarted') {
            expect(pendingSince.has(id)).toBe(true);
            expect(startedFor.has(id)).toBe(false);
            startedFor.add(id);
          }
        }
        // Running the same day again starts nothing more.
        const state = foldMailboxDeletions(events);
        const again = decidePurgeDue(H, state, '2026-12-31', 'cron');
        const twice = decidePurgeDue(
          H,
          again.reduce(evolveMailboxDeletions, state),
          '2026-12-31',
          'cron',
        );
        expect(twice).toEqual([]);
      }),
    );
  });
});

describe('decidePurged and the job guard', () => {
  const purging = foldMailboxDeletions([created('a'), requested('a', '2026-12-01'), started('a')]);

  it('records the purge once, only for a box purging', () => {
    const events = decidePurged(H, purging, 'a', 'system:jobs');
    expect(events).toEqual([
      { type: 'MailboxPurged', data: { ...base('a'), actor: 'system:jobs' } },
    ]);
    const after = events.reduce(evolveMailboxDeletions, purging);
    expect(decidePurged(H, after, 'a', 'system:jobs')).toEqual([]);
    expect(decidePurged(H, foldMailboxDeletions([created('b')]), 'b', 'x')).toEqual([]);
  });

  it('runs only while the log says purging and Gloux still has the box deleted', () => {
    const box = purging.get('a');
    const ok = { deletionRow: true, glouxActive: 'N' as const };
    expect(purgeJobVerdict(box, ok)).toBe('run');
    expect(purgeJobVerdict(box, { deletionRow: true, glouxActive: null })).toBe('run');
    expect(purgeJobVerdict(box, { deletionRow: false, glouxActive: 'N' })).toBe('cancelled');
    expect(purgeJobVerdict(box, { deletionRow: true, glouxActive: 'Y' })).toBe('cancelled');
    const live = foldMailboxDeletions([requested('a', '2026-12-01'), cancelled('a')]);
    expect(purgeJobVerdict(live.get('a'), ok)).toBe('cancelled');
    expect(purgeJobVerdict(undefined, ok)).toBe('cancelled');
    const gone = evolveMailboxDeletions(purging, purged('a'));
    expect(purgeJobVerdict(gone.get('a'), ok)).toBe('superseded');
  });
});

describe('decideClosureDeletions', () => {
  const boxes = [
    { mailboxId: 'a', address: 'a@example.org' },
    { mailboxId: 'b', address: 'b@example.org' },
    { mailboxId: 'c', address: 'c@example.org' },
  ];

  it('sends every live box into deletion with the retention, leaving pending ones as they are', () => {
    const state = foldMailboxDeletions([requested('b', '2026-12-03')]);
    expect(
      decideClosureDeletions(H, boxes, state, '2026-12-07', '2026-12-07', 7, 'system:closure'),
    ).toEqual(
      ['a', 'c'].map((id) => ({
        type: 'MailboxDeletionRequested',
        data: {
          ...base(id),
          purgeAfter: '2026-12-14',
          reason: 'hosting_closed',
          actor: 'system:closure',
        },
      })),
    );
  });

  it('counts the retention from today when the closure is learnt later, and nothing twice', () => {
    const [first] = decideClosureDeletions(H, boxes, new Map(), '2026-11-01', '2026-12-07', 7, 'x');
    expect(first!.data.purgeAfter).toBe('2026-12-14');
    const all = decideClosureDeletions(H, boxes, new Map(), '2026-12-07', '2026-12-07', 7, 'x');
    const after = foldMailboxDeletions(all);
    expect(decideClosureDeletions(H, boxes, after, '2026-12-07', '2026-12-07', 7, 'x')).toEqual([]);
  });
});
