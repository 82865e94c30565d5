import { addDays, maxDay, type Day } from '../shared/day.js';
import type {
  MailboxDeletionRequested,
  MailboxEvent,
  MailboxPurged,
  MailboxPurgeStarted,
} from './mailbox-events.js';

/**
 * The purge half of deferred deletion (HOSTING.md, "Deferred deletion"): which boxes the daily
 * run starts purging, whether a queued purge may still run, when it is over, and the boxes a
 * closing hosting sends into deletion. Pure: the day and the boxes are given.
 *
 * Per box, from the hosting's mailbox events: live → pending (DeletionRequested, until
 * `purgeAfter`) → live again (DeletionCancelled) | purging (PurgeStarted: no cancel now) →
 * purged (Purged: the address is free).
 */
export type DeletionStatus = 'live' | 'pending' | 'purging' | 'purged';

export interface BoxDeletion {
  readonly mailboxId: string;
  readonly address: string;
  readonly status: DeletionStatus;
  /** The day from which the box may be purged (null while live or once purged). */
  readonly purgeAfter: Day | null;
}

export type MailboxDeletions = ReadonlyMap<string, BoxDeletion>;

/** Folds a hosting's mailbox events (other events are ignored by the caller's filter). */
export function evolveMailboxDeletions(
  state: MailboxDeletions,
  event: MailboxEvent,
): MailboxDeletions {
  const { mailboxId, address } = event.data;
  const set = (status: DeletionStatus, purgeAfter: Day | null) =>
    new Map(state).set(mailboxId, { mailboxId, address, status, purgeAfter });
  switch (event.type) {
    case 'MailboxCreated':
      return set('live', null);
    case 'MailboxDeletionRequested':
      return set('pending', event.data.purgeAfter);
    case 'MailboxDeletionCancelled':
      return set('live', null);
    case 'MailboxPurgeStarted':
      return set('purging', state.get(mailboxId)?.purgeAfter ?? null);
    case 'MailboxPurged':
      return set('purged', null);
    case 'MailboxPasswordChanged':
    case 'MailboxQuotaChanged':
    case 'MailboxAccessChanged':
    case 'MailboxAutoReplyChanged':
      return state.has(mailboxId) ? state : set('live', null);
  }
}

export const foldMailboxDeletions = (events: readonly MailboxEvent[]): MailboxDeletions =>
  events.reduce(evolveMailboxDeletions, new Map() as MailboxDeletions);

/**
 * The daily run (`mailbox:purge-due --on <day>`): every box whose deletion is pending and whose
 * `purgeAfter` is on or before `day` starts its purge, once. A cancelled box is live again and
 * never due; a box already purging or purged is not started again.
 */
export function decidePurgeDue(
  hostingId: number,
  state: MailboxDeletions,
  day: Day,
  actor: string,
): MailboxPurgeStarted[] {
  return [...state.values()]
    .filter((b) => b.status === 'pending' && b.purgeAfter !== null && b.purgeAfter <= day)
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
    .map((b) => ({
      type: 'MailboxPurgeStarted',
      data: { hostingId, mailboxId: b.mailboxId, address: b.address, actor },
    }));
}

/** The purge job succeeded: the box is purged, once (a replayed outcome appends nothing). */
export function decidePurged(
  hostingId: number,
  state: MailboxDeletions,
  mailboxId: string,
  actor: string,
): MailboxPurged[] {
  const box = state.get(mailboxId);
  if (box?.status !== 'purging') return [];
  return [
    {
      type: 'MailboxPurged',
      data: { hostingId, mailboxId, address: box.address, actor },
    },
  ];
}

/** What Gloux's tables say of the box when its purge job is about to run. */
export interface PurgeGuardFacts {
  /** Its `g2_mailbox_deletions` row is there (the daemons refuse the box). */
  readonly deletionRow: boolean;
  /** Gloux's `mails.actif` ('Y' / 'N'), null when Gloux has no row any more. */
  readonly glouxActive: 'Y' | 'N' | null;
}

/**
 * Whether a queued purge may delete the files now: only a box still purging in the log whose
 * deletion still stands in Gloux's tables (no one put it back into service by hand, in Gloux's
 * screens or by removing the deletion row). A box already purged: `superseded`; anything else:
 * `cancelled`, and its files stay.
 */
export function purgeJobVerdict(
  box: BoxDeletion | undefined,
  facts: PurgeGuardFacts,
): 'run' | 'cancelled' | 'superseded' {
  if (box?.status === 'purged') return 'superseded';
  if (box?.status !== 'purging') return 'cancelled';
  if (!facts.deletionRow || facts.glouxActive === 'Y') return 'cancelled';
  return 'run';
}

/** A box of a hosting as its owner sees it (the live ones are sent into deletion on closure). */
export interface HostedBox {
  readonly mailboxId: string;
  readonly address: string;
}

/**
 * A closing hosting sends every live box into deferred deletion with the usual retention,
 * counted from the closure day or from today if gloux2 learns of it later (a closure ingested
 * from Gloux days after keeps its full retention). A box whose deletion is already pending,
 * purging or purged is left as it is.
 */
export function decideClosureDeletions(
  hostingId: number,
  boxes: readonly HostedBox[],
  state: MailboxDeletions,
  closedOn: Day,
  today: Day,
  retentionDays: number,
  actor: string,
): MailboxDeletionRequested[] {
  const purgeAfter = addDays(maxDay(closedOn, today), retentionDays);
  const seen = new Set<string>();
  const out: MailboxDeletionRequested[] = [];
  for (const box of boxes) {
    const status = state.get(box.mailboxId)?.status ?? 'live';
    if (status !== 'live' || seen.has(box.mailboxId)) continue;
    seen.add(box.mailboxId);
    out.push({
      type: 'MailboxDeletionRequested',
      data: {
        hostingId,
        mailboxId: box.mailboxId,
        address: box.address,
        purgeAfter,
        reason: 'hosting_closed',
        actor,
      },
    });
  }
  return out;
}
