import { Logger } from '@nestjs/common';
import type { AccountClosed } from '../../../domain/accounts/events.js';
import { hostingStream } from '../../../domain/hosting/events.js';
import { isMailboxEvent, type MailboxEvent } from '../../../domain/hosting/mailbox-events.js';
import {
  decideClosureDeletions,
  decidePurgeDue,
  decidePurged,
  foldMailboxDeletions,
  purgeJobVerdict,
  type HostedBox,
  type MailboxDeletions,
} from '../../../domain/hosting/mailbox-purge.js';
import { parseDay, type Day } from '../../../domain/shared/day.js';
import { DomainError, parseField } from '../../../domain/shared/errors.js';
import { hostingById } from '../../../legacy-sync/legacy-hosting-inventory.js';
import type { Clock } from '../../kernel/clock.js';
import type { Db, Queryable, Tx } from '../../kernel/database/db.js';
import type { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { readStream, type RecordedEvent } from '../../kernel/event-store/event-store.js';
import { releaseHostingName } from '../../kernel/hosting-names.js';
import type { JobQueue, JobRequest, JobRow } from '../../kernel/jobs/job-queue.js';
import type { JobFollowers } from '../../lifecycle/job-followers.js';
import { LogFollower } from '../../lifecycle/log-follower.js';

/**
 * The purge half of deferred deletion (HOSTING.md, "Deferred deletion"; docs/hosting-jobs.md):
 * the daily `mailbox:purge-due` appends `MailboxPurgeStarted` for the boxes due, a follower
 * queues a `mail.purge` job per box (keyed per address), the job checks before it runs that the
 * deletion still stands, and its success appends `MailboxPurged` and releases the address in
 * the same transaction. A closing hosting sends its boxes into deferred deletion.
 */
const logger = new Logger('MailPurge');

/** The mailbox part of a hosting's stream, read in `q` (a transaction when deciding). */
async function hostingMailbox(
  q: Queryable,
  hostingId: number,
): Promise<{ state: MailboxDeletions; version: number }> {
  const history = await readStream(q, hostingStream(hostingId));
  const events = history
    .filter((e) => isMailboxEvent(e))
    .map((e) => ({ type: e.type, data: e.data }) as MailboxEvent);
  const version = history.length > 0 ? history[history.length - 1]!.streamVersion : -1;
  return { state: foldMailboxDeletions(events), version };
}

export interface PurgeDueSummary {
  readonly day: Day;
  readonly started: readonly { readonly hostingId: number; readonly address: string }[];
  readonly errors: readonly { readonly hostingId: number; readonly message: string }[];
}

/**
 * `mailbox:purge-due --on <day>`: each hosting that ever had a deletion request decides on its
 * own stream (one transaction each), so a failure on one hosting stops none of the others.
 */
export async function startDuePurges(
  db: Db,
  pipeline: CommandPipeline,
  clock: Clock,
  on: string | undefined,
  actor: string,
): Promise<PurgeDueSummary> {
  const today = clock.today();
  const day =
    on === undefined ? today : parseField('on', () => parseDay(on), 'Date invalide (AAAA-MM-JJ).');
  // A day to come would purge boxes before the end of their retention.
  if (day > today)
    throw new DomainError(
      'invalid_input',
      'La purge ne peut pas être datée dans le futur : les boîtes seraient supprimées trop tôt.',
      'on',
    );
  const now = clock.now();
  const streams = await db.query<{ stream_id: string }>(
    `SELECT DISTINCT stream_id FROM g2_events WHERE type = 'MailboxDeletionRequested' ORDER BY stream_id`,
  );
  const started: { hostingId: number; address: string }[] = [];
  const errors: { hostingId: number; message: string }[] = [];
  for (const { stream_id: stream } of streams) {
    const hostingId = Number(stream.slice('hosting-'.length));
    if (!stream.startsWith('hosting-') || !Number.isSafeInteger(hostingId)) continue;
    try {
      const events = await pipeline.run({
        commandType: 'StartDueMailboxPurges',
        actor,
        now,
        request: { hostingId, day },
        decide: async (tx) => {
          const { state, version } = await hostingMailbox(tx, hostingId);
          const due = decidePurgeDue(hostingId, state, day, actor);
          return {
            appends:
              due.length > 0 ? [{ streamId: stream, expectedVersion: version, events: due }] : [],
            result: due,
          };
        },
      });
      for (const e of events) started.push({ hostingId, address: e.data.address });
    } catch (error) {
      errors.push({ hostingId, message: (error as Error).message });
    }
  }
  return { day, started, errors };
}

/**
 * `MailboxPurgeStarted` → a `mail.purge` job on the hosting's server, keyed per address: the
 * maildir Gloux's row names (the script refuses it unless it is `<mail root>/<domain>/<local>`),
 * or that expected path when Gloux has no row any more.
 */
export function mailPurgeJobs(mailRoot: string) {
  return async (q: Queryable, event: RecordedEvent): Promise<JobRequest[]> => {
    if (event.type !== 'MailboxPurgeStarted') return [];
    const { hostingId, mailboxId, address } = (event as unknown as MailboxEvent).data;
    const at = address.lastIndexOf('@');
    const [localPart, domain] = [address.slice(0, at), address.slice(at + 1)];
    const [row] = await q.query<{ maildir: string }>(
      `SELECT maildir FROM mails WHERE adresse = ?`,
      [address],
    );
    const hosting = await hostingById(q, String(hostingId));
    return [
      {
        eventPosition: event.position,
        kind: 'mail.purge',
        targetId: address,
        server: hosting?.server ?? '',
        payload: {
          hostingId,
          mailRoot,
          domain,
          localPart,
          maildir: row?.maildir ?? `${mailRoot}/${domain}/${localPart}/`,
          mailboxId,
        },
      },
    ];
  };
}

interface PurgePayload {
  readonly hostingId: number;
  readonly mailboxId: string;
}

/** Before the script runs: the log says purging and Gloux's tables still have it deleted. */
export async function mailPurgeGuard(
  q: Queryable,
  row: JobRow,
): Promise<'run' | 'cancelled' | 'superseded'> {
  const { hostingId, mailboxId } = JSON.parse(row.payload) as PurgePayload;
  const { state } = await hostingMailbox(q, hostingId);
  const [deletion] = await q.query(`SELECT 1 AS one FROM g2_mailbox_deletions WHERE address = ?`, [
    row.target_id,
  ]);
  const [mail] = await q.query<{ actif: string }>(`SELECT actif FROM mails WHERE adresse = ?`, [
    row.target_id,
  ]);
  const verdict = purgeJobVerdict(state.get(mailboxId), {
    deletionRow: deletion !== undefined,
    glouxActive: mail ? (mail.actif === 'Y' ? 'Y' : 'N') : null,
  });
  if (verdict === 'cancelled')
    logger.warn(
      `mail.purge ${row.target_id}: the deletion no longer stands (cancelled, or the box was put back in Gloux): its files are kept`,
    );
  return verdict;
}

/** The files are gone: `MailboxPurged` on the hosting's stream and the address free again. */
export async function mailPurgeSucceeded(tx: Tx, row: JobRow) {
  const { hostingId, mailboxId } = JSON.parse(row.payload) as PurgePayload;
  const { state, version } = await hostingMailbox(tx, hostingId);
  const events = decidePurged(hostingId, state, mailboxId, 'system:jobs');
  if (events.length === 0) return [];
  await releaseHostingName(tx, 'mailbox', events[0]!.data.address, hostingStream(hostingId));
  return [{ streamId: hostingStream(hostingId), expectedVersion: version, events }];
}

export const MAIL_CLOSURE_CHECKPOINT = 'mail-closure';

/**
 * A hosting closed by gloux2 (AccountClosed: the lifecycle or an admin) sends every
 * live box of the hosting into deferred deletion (`reason: 'hosting_closed'`), with the usual
 * retention. A suspension changes nothing for mail. Idempotent: boxes already pending are left.
 */
export function mailClosureFollower(
  db: Db,
  pipeline: CommandPipeline,
  clock: Clock,
  retentionDays: number,
  boxesOf: (tx: Tx, hostingId: number) => Promise<readonly HostedBox[]>,
): LogFollower {
  return new LogFollower(
    db,
    MAIL_CLOSURE_CHECKPOINT,
    // gloux2's own closures, as the account hooks (provisioning.ts): an old closure in Gloux's
    // history, ingested, never sends boxes into deletion at the first start.
    (e) => e.type === 'AccountClosed' && e.metadata.source === 'g2',
    async (event) => {
      const { accountId, on } = (event as unknown as AccountClosed).data;
      const hostingId = Number(accountId);
      if (!Number.isSafeInteger(hostingId) || hostingId < 1) return;
      const actor = 'system:closure';
      await pipeline.run({
        commandType: 'DeleteMailboxesOfClosedHosting',
        actor,
        now: clock.now(),
        idempotencyKey: `mail-closure:${event.position}`,
        request: { hostingId, closedOn: on },
        decide: async (tx) => {
          const { state, version } = await hostingMailbox(tx, hostingId);
          const boxes = await boxesOf(tx, hostingId);
          const events = decideClosureDeletions(
            hostingId,
            boxes,
            state,
            on,
            clock.today(),
            retentionDays,
            actor,
          );
          return {
            appends:
              events.length > 0
                ? [{ streamId: hostingStream(hostingId), expectedVersion: version, events }]
                : [],
            result: events.length,
          };
        },
      });
    },
  );
}

/** Wires the purge into the job queue and the log followers (HostingModule's start). */
export function followMailPurges(
  followers: JobFollowers,
  jobs: JobQueue,
  mailRoot: string,
  closure: LogFollower,
): void {
  followers.follow(
    'mail-purge-jobs',
    (e) => e.type === 'MailboxPurgeStarted',
    mailPurgeJobs(mailRoot),
  );
  jobs.guard('mail.purge', mailPurgeGuard);
  jobs.onSuccess('mail.purge', mailPurgeSucceeded);
  followers.add(closure);
}
