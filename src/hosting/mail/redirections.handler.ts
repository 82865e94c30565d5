import { domainToASCII } from 'node:url';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hostingStream } from '../../../domain/hosting/events.js';
import { nameTakenMessage } from '../../../domain/hosting/hosting-names.js';
import { isMailboxEvent, type MailboxEvent } from '../../../domain/hosting/mailbox-events.js';
import {
  isRedirectionEvent,
  type RedirectionEvent,
} from '../../../domain/hosting/redirection-events.js';
import {
  decideChangeRedirection,
  decideCreateRedirection,
  decideRemoveRedirection,
  foldRedirections,
  initialRedirectionsState,
  type RedirectionDecision,
  type RedirectionFacts,
  type RedirectionsState,
} from '../../../domain/hosting/redirections.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { nameTakenInGloux } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { hostingMirroredUpTo } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { readHostingRedirections } from '../../../legacy-sync/legacy-redirections.js';
import { decodeLegacyText, legacyTextSelect } from '../../../legacy-sync/legacy-text.js';
import { Clock } from '../../kernel/clock.js';
import type { Queryable, Tx } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { readStream } from '../../kernel/event-store/event-store.js';
import { claimHostingName, releaseHostingName } from '../../kernel/hosting-names.js';
import { loadDomains } from '../domains.handlers.js';

/**
 * The redirection commands on `hosting-<id>` (issue 19): create, change, remove. The caller has
 * checked the user may manage the hosting (HostingAccess). The state is Gloux's live
 * `mails_redirections` rows of the hosting (its own rows included: gloux2 changes and removes
 * them like its own) with the redirection events the hosting mirror has not written yet folded
 * on top; a new source is checked in Gloux's table and claimed in `g2_hosting_names` in the
 * command's transaction.
 */
export type RedirectionAction =
  | {
      readonly action: 'create' | 'change';
      readonly source: string;
      readonly destinations: string | readonly string[];
      readonly keepCopy: boolean;
    }
  | { readonly action: 'remove'; readonly source: string };

export class RedirectionCommand {
  constructor(
    readonly hostingId: number,
    readonly input: RedirectionAction,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface RedirectionResult {
  readonly hostingId: number;
  readonly source: string;
  readonly changed: boolean;
  /** What the cooperator should know (an external destination: SPF), never a refusal. */
  readonly warnings: readonly string[];
}

const toAscii = (domain: string) => domainToASCII(domain);

/**
 * The boxes of a hosting that receive mail: Gloux's `mails` rows (actif, no deletion pending),
 * with the mailbox events the mirror has not written yet folded on top.
 */
async function liveMailboxes(
  q: Queryable,
  hostingId: number,
  pending: readonly MailboxEvent[],
): Promise<Set<string>> {
  const rows = await q.query<{ adresse: unknown }>(
    `SELECT ${legacyTextSelect('m.adresse', q.dialect)} AS adresse FROM mails m
      LEFT JOIN g2_mailbox_deletions x ON x.id_mail = m.id_mail
      WHERE m.id_hebergement = ? AND m.actif = 'Y' AND x.id_mail IS NULL`,
    [hostingId],
  );
  const boxes = new Set(
    rows.map((r) =>
      decodeLegacyText(r.adresse as Buffer | string)
        .trim()
        .toLowerCase(),
    ),
  );
  for (const e of pending)
    switch (e.type) {
      case 'MailboxCreated':
      case 'MailboxDeletionCancelled':
        boxes.add(e.data.address);
        break;
      case 'MailboxDeletionRequested':
      case 'MailboxPurgeStarted':
      case 'MailboxPurged':
        boxes.delete(e.data.address);
        break;
      case 'MailboxPasswordChanged':
      case 'MailboxQuotaChanged':
      case 'MailboxAccessChanged':
      case 'MailboxAutoReplyChanged':
        break;
      default: {
        const never: never = e;
        return never;
      }
    }
  return boxes;
}

/** The hosting's redirections as a command decides on them, its facts and the stream's version. */
export async function loadRedirections(
  tx: Tx,
  hostingId: number,
): Promise<{ state: RedirectionsState; facts: RedirectionFacts; version: number }> {
  const { hosting, state: domains, version } = await loadDomains(tx, hostingId);
  const mirrored = await hostingMirroredUpTo(tx);
  const pending = (await readStream(tx, hostingStream(hostingId))).filter(
    (e) => e.position > mirrored,
  );
  const redirectionEvents = pending
    .filter(isRedirectionEvent)
    .map((e) => ({ type: e.type, data: e.data }) as RedirectionEvent);
  const mailboxEvents = pending
    .filter(isMailboxEvent)
    .map((e) => ({ type: e.type, data: e.data }) as MailboxEvent);
  const rows = await readHostingRedirections(tx, hostingId);
  return {
    state: foldRedirections(redirectionEvents, initialRedirectionsState(rows)),
    facts: {
      hostingId,
      closed: hosting.state === 'ferme',
      domains: [...domains.domains].map(([name, d]) => ({ name, mailHere: d.manageMx })),
      mailboxes: await liveMailboxes(tx, hostingId, mailboxEvents),
    },
    version,
  };
}

@CommandHandler(RedirectionCommand)
export class RedirectionHandler implements ICommandHandler<RedirectionCommand, RedirectionResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: RedirectionCommand): Promise<RedirectionResult> {
    const { hostingId, input } = command;
    const streamId = hostingStream(hostingId);
    const outcome = await this.pipeline.execute<RedirectionResult>({
      commandType: `Redirection.${input.action}`,
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: { hostingId, ...input },
      decide: async (tx, { now }) => {
        const { state, facts, version } = await loadRedirections(tx, hostingId);
        const context = { facts, actor: command.actor, toAscii };
        let decided: RedirectionDecision<RedirectionEvent>;
        switch (input.action) {
          case 'create': {
            decided = decideCreateRedirection(state, input, context);
            // Gloux's own table first (another hosting's row of this source), then the claim,
            // which a concurrent command for the same source loses.
            const holder = await nameTakenInGloux(tx, 'redirection', decided.source);
            if (holder && holder.hostingId !== hostingId)
              throw new DomainError(
                'name_taken',
                nameTakenMessage('redirection', decided.source),
                'source',
              );
            await claimHostingName(tx, {
              kind: 'redirection',
              name: decided.source,
              streamId,
              at: now,
              field: 'source',
            });
            break;
          }
          case 'change':
            decided = decideChangeRedirection(state, input, context);
            break;
          case 'remove':
            decided = decideRemoveRedirection(state, input, context);
            await releaseHostingName(tx, 'redirection', decided.source, streamId);
            break;
          default: {
            const never: never = input;
            return never;
          }
        }
        const { events, source, warnings } = decided;
        return {
          appends: events.length
            ? [{ streamId, expectedVersion: version, events: [...events] }]
            : [],
          result: { hostingId, source, changed: events.length > 0, warnings },
        };
      },
    });
    return outcome.result;
  }
}
