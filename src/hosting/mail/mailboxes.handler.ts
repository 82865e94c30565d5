import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hostingStream } from '../../../domain/hosting/events.js';
import {
  isMailboxEvent,
  type MailboxDeletionReason,
  type MailboxEvent,
} from '../../../domain/hosting/mailbox-events.js';
import {
  decideCancelMailboxDeletion,
  decideChangeMailboxAccess,
  decideChangeMailboxAutoReply,
  decideChangeMailboxPassword,
  decideChangeMailboxQuota,
  decideCreateMailbox,
  decideRequestMailboxDeletion,
  foldMailboxes,
  loweredNotice,
  mailboxAt,
  mailboxOverage,
  parseMailAddress,
  type Mailbox,
  type MailboxOverage,
  type MailboxesState,
  type MailboxStatus,
  type MailHostingFacts,
  type ParsedAddress,
} from '../../../domain/hosting/mailboxes.js';
import { overagePricing } from '../../../domain/overage/pricing.js';
import type { Day } from '../../../domain/shared/day.js';
import { DomainError } from '../../../domain/shared/errors.js';
import {
  domainsOfHosting,
  hostingById,
  nameTakenInGloux,
} from '../../../legacy-sync/legacy-hosting-inventory.js';
import { hostingMirroredUpTo } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { glouxMailboxId, keepMailboxHash } from '../../../legacy-sync/legacy-mailboxes.js';
import { decodeLegacyText, legacyTextSelect } from '../../../legacy-sync/legacy-text.js';
import { readOverageProducts } from '../../../legacy-sync/legacy-usage.js';
import { Clock } from '../../kernel/clock.js';
import {
  HOSTING_CONFIG,
  MAIL_USAGE_CONFIG,
  OVERAGE_CONFIG,
  type HostingConfig,
  type MailUsageConfig,
  type OverageConfig,
} from '../../kernel/config.js';
import type { Queryable } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { readStream } from '../../kernel/event-store/event-store.js';
import { claimHostingName, hostingNameHolder } from '../../kernel/hosting-names.js';
import { loadOverageVatLookup } from '../../overage/overage-vat.js';
import { sha256Crypt } from '../crypt.js';

/**
 * The mailbox commands on `hosting-<id>` (issue 19): create, password, quota, access (POP/IMAP),
 * auto-reply, delete (deferred: logins and delivery stop at once, the purge comes after
 * MAIL_DELETION_DAYS) and restore (cancels a pending deletion). The caller has checked the user
 * may manage the hosting (HostingAccess). A new address is checked against Gloux's `mails` and
 * claimed in `g2_hosting_names` (kind `mailbox`) in the command's transaction; it stays claimed
 * until the box is purged. A password's `$5$` hash waits in `g2_hosting_secrets` for the
 * mirror, never in an event.
 */
export type MailboxAction =
  | {
      readonly action: 'create';
      readonly address: string;
      readonly password: string;
      readonly quotaMb?: unknown;
      readonly pop?: boolean;
      readonly imap?: boolean;
    }
  | { readonly action: 'password'; readonly address: string; readonly password: string }
  | { readonly action: 'quota'; readonly address: string; readonly quotaMb: unknown }
  | {
      readonly action: 'access';
      readonly address: string;
      readonly pop: boolean;
      readonly imap: boolean;
    }
  | { readonly action: 'autoreply'; readonly address: string; readonly message: string | null }
  | { readonly action: 'delete'; readonly address: string; readonly reason?: MailboxDeletionReason }
  | { readonly action: 'restore'; readonly address: string };

export class MailboxCommand {
  constructor(
    readonly hostingId: number,
    readonly input: MailboxAction,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface MailboxResult {
  readonly hostingId: number;
  readonly mailboxId: string;
  readonly address: string;
  /** False when the box already was as asked (nothing recorded). */
  readonly changed: boolean;
  /** The address was typed with capitals: this French notice says it is kept in lower case. */
  readonly notice: string | null;
  /** A deletion's purge day (deleted), else null. */
  readonly purgeAfter: Day | null;
  /** Created beyond the hosting's allowance: what the extra boxes cost (announced, not refused). */
  readonly overage: MailboxOverage | null;
}

const toAscii = (domain: string) => domainToASCII(domain);

/** An address as typed into the panel, the CLI or the API (lower case, punycode domain). */
export const parseTypedAddress = (raw: string, field = 'adresse'): ParsedAddress =>
  parseMailAddress(raw, toAscii, field);

interface LiveRow {
  id_mail: number | string;
  id_domaine: number | string;
  adresse: unknown;
  quota_mo: number | string;
  pop: string;
  imap: string;
  repondeur: unknown;
  actif: string;
  purge_after: string | null;
  g2_id: string | null;
  [k: string]: unknown;
}

/** A hosting's boxes as Gloux's `mails` rows hold them now, with their pending deletions. */
async function liveMailboxes(q: Queryable, hostingId: number): Promise<Mailbox[]> {
  const rows = await q.query<LiveRow>(
    `SELECT m.id_mail, m.id_domaine, ${legacyTextSelect('m.adresse', q.dialect)} AS adresse,
            m.quota_mo, m.pop, m.imap, ${legacyTextSelect('m.repondeur', q.dialect)} AS repondeur,
            m.actif, d.purge_after, map.g2_id
       FROM mails m
       LEFT JOIN g2_mailbox_deletions d ON d.id_mail = m.id_mail
       LEFT JOIN g2_legacy_map map ON map.kind = 'mailbox' AND map.legacy_id = m.id_mail
      WHERE m.id_hebergement = ?
      ORDER BY m.adresse`,
    [hostingId],
  );
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  return rows.map((r) => {
    const pending = r.purge_after !== null && r.purge_after !== undefined;
    const status: MailboxStatus = pending
      ? 'deletion_pending'
      : r.actif === 'N'
        ? 'disabled'
        : 'active';
    const autoReply = r.repondeur === null ? '' : text(r.repondeur);
    return {
      mailboxId: r.g2_id ?? glouxMailboxId(Number(r.id_mail)),
      address: text(r.adresse).toLowerCase(),
      domainId: Number(r.id_domaine),
      quotaMb: Number(r.quota_mo),
      pop: String(r.pop) === '1',
      imap: String(r.imap) === '1',
      autoReply: autoReply === '' ? null : autoReply,
      status,
      purgeAfter: pending ? String(r.purge_after).slice(0, 10) : null,
    };
  });
}

/**
 * A hosting's boxes as a command decides on them: Gloux's live `mails` rows (Gloux's pages edit
 * them without any event), with the mailbox events the hosting mirror has not written yet folded
 * on top (idempotent: a row written a moment before the checkpoint moved counts once). A purge
 * leaves no trace in Gloux until it ends, so a box whose latest deletion step is
 * MailboxPurgeStarted is `purging`. The stream's version orders concurrent commands.
 */
export async function loadMailboxes(
  q: Queryable,
  hostingId: number,
): Promise<{ state: MailboxesState; version: number }> {
  const stream = await readStream(q, hostingStream(hostingId));
  const mirrored = await hostingMirroredUpTo(q);
  const live = await liveMailboxes(q, hostingId);
  const mailEvents = stream
    .filter(isMailboxEvent)
    .map((e) => ({ position: e.position, event: { type: e.type, data: e.data } as MailboxEvent }));
  const pending = mailEvents.filter((e) => e.position > mirrored).map((e) => e.event);
  const state = foldMailboxes(pending, { boxes: new Map(live.map((b) => [b.address, b])) });
  const purging = new Set<string>();
  for (const { event: e } of mailEvents) {
    if (e.type === 'MailboxPurgeStarted') purging.add(e.data.mailboxId);
    if (e.type === 'MailboxDeletionCancelled' || e.type === 'MailboxPurged')
      purging.delete(e.data.mailboxId);
  }
  const boxes = new Map(state.boxes);
  for (const box of boxes.values())
    if (purging.has(box.mailboxId) && box.status === 'deletion_pending')
      boxes.set(box.address, { ...box, status: 'purging' });
  return { state: { boxes }, version: stream.length - 1 };
}

/** The hosting as the mail deciders see it; not found when it does not exist. */
async function mailFactsOf(q: Queryable, hostingId: number): Promise<MailHostingFacts> {
  const hosting = await hostingById(q, String(hostingId));
  if (!hosting) throw new DomainError('not_found', 'Hébergement introuvable.', 'hebergement');
  const domains = await domainsOfHosting(q, hostingId);
  return {
    hostingId,
    closed: hosting.state === 'ferme',
    domains: domains.map((d) => ({
      domainId: d.domainId,
      domain: d.domain,
      manageMx: d.manageMx,
    })),
  };
}

/** What the hosting's plan includes and what one more box would cost (the create form shows it). */
export interface MailboxAllowance {
  /** `hebergements.nb_mails` (0: none recorded, not checked). */
  readonly included: number;
  /** Boxes now (every `mails` row counts, a disabled one or one waiting for its purge too). */
  readonly boxes: number;
  /** The price once one more box is created, when it goes beyond the allowance. */
  readonly next: MailboxOverage | null;
}

/**
 * The allowance and the price of the boxes beyond it, with the overage run's pricing (Gloux's
 * 'depassement' product for mail, else OVERAGE_MAIL_PRICE) and today's VAT rate.
 */
export async function mailboxAllowance(
  q: Queryable,
  hostingId: number,
  boxes: number,
  overage: OverageConfig,
  today: Day,
): Promise<MailboxAllowance> {
  const [row] = await q.query<{ nb_mails: number | string }>(
    'SELECT nb_mails FROM hebergements WHERE id_hebergement = ?',
    [hostingId],
  );
  const included = Number(row?.nb_mails ?? 0);
  if (included <= 0 || boxes + 1 <= included) return { included, boxes, next: null };
  const pricing = overagePricing(await readOverageProducts(q), overage.pricing);
  const vatRate = (await loadOverageVatLookup(q))(today);
  return { included, boxes, next: mailboxOverage(boxes + 1, included, pricing.mail, vatRate) };
}

/** A pending deletion of the address on any hosting (its purge day), from the mirror's rows. */
async function pendingDeletion(q: Queryable, address: string): Promise<Day | null> {
  const [row] = await q.query<{ purge_after: string }>(
    'SELECT purge_after FROM g2_mailbox_deletions WHERE address = ?',
    [address],
  );
  return row ? String(row.purge_after).slice(0, 10) : null;
}

@CommandHandler(MailboxCommand)
export class MailboxHandler implements ICommandHandler<MailboxCommand, MailboxResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(HOSTING_CONFIG) private readonly config: HostingConfig,
    @Inject(OVERAGE_CONFIG) private readonly overage: OverageConfig,
    @Inject(MAIL_USAGE_CONFIG) private readonly mail: MailUsageConfig,
  ) {}

  async execute(command: MailboxCommand): Promise<MailboxResult> {
    const now = this.clock.now();
    const today = this.clock.today();
    const input = command.input;
    const streamId = hostingStream(command.hostingId);
    // Hashed outside the transaction (5000 rounds of SHA-256): only the hash goes further.
    const hash =
      'password' in input && input.password.length > 0 ? sha256Crypt(input.password) : null;
    const newId = randomUUID();
    return this.pipeline.run<MailboxResult>({
      commandType: `Mailbox.${input.action}`,
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      // Never the password: the request is kept to compare a reused idempotency key.
      request: {
        hostingId: command.hostingId,
        ...input,
        password: 'password' in input ? '*' : undefined,
      },
      decide: async (tx) => {
        const hosting = await mailFactsOf(tx, command.hostingId);
        const { state, version } = await loadMailboxes(tx, command.hostingId);
        const context = { hosting, actor: command.actor };
        const parsed = parseTypedAddress(input.address);
        const notice = parsed.lowered ? loweredNotice(parsed.address) : null;
        const decided = (
          events: readonly MailboxEvent[],
          mailboxId: string,
          extra: Partial<MailboxResult> = {},
        ) => ({
          appends: events.length
            ? [{ streamId, expectedVersion: version, events: [...events] }]
            : [],
          result: {
            hostingId: command.hostingId,
            mailboxId,
            address: parsed.address,
            changed: events.length > 0,
            notice,
            purgeAfter: null,
            overage: null,
            ...extra,
          },
        });
        if (input.action === 'create') {
          const purgeDay = await pendingDeletion(tx, parsed.address);
          const events = decideCreateMailbox(
            state,
            {
              address: parsed,
              password: input.password,
              quotaMb: input.quotaMb,
              pop: input.pop,
              imap: input.imap,
            },
            {
              ...context,
              mailboxId: newId,
              mailRoot: this.mail.mailRoot,
              takenInGloux: await nameTakenInGloux(tx, 'mailbox', parsed.address),
              pendingElsewhere: purgeDay ? { purgeAfter: purgeDay } : null,
            },
          );
          await claimHostingName(tx, {
            kind: 'mailbox',
            name: parsed.address,
            streamId,
            at: now,
            field: 'adresse',
          });
          await keepMailboxHash(tx, newId, hash!, now);
          const allowance = await mailboxAllowance(
            tx,
            command.hostingId,
            state.boxes.size,
            this.overage,
            today,
          );
          return decided(events, newId, { overage: allowance.next });
        }
        const box = mailboxAt(state, parsed.address);
        const address = box.address;
        switch (input.action) {
          case 'password': {
            const events = decideChangeMailboxPassword(
              state,
              { address, password: input.password },
              context,
            );
            await keepMailboxHash(tx, box.mailboxId, hash!, now);
            return decided(events, box.mailboxId);
          }
          case 'quota':
            return decided(
              decideChangeMailboxQuota(state, { address, quotaMb: input.quotaMb }, context),
              box.mailboxId,
            );
          case 'access':
            return decided(
              decideChangeMailboxAccess(
                state,
                { address, pop: input.pop, imap: input.imap },
                context,
              ),
              box.mailboxId,
            );
          case 'autoreply':
            return decided(
              decideChangeMailboxAutoReply(state, { address, message: input.message }, context),
              box.mailboxId,
            );
          case 'delete': {
            const events = decideRequestMailboxDeletion(
              state,
              { address, reason: input.reason ?? 'requested' },
              { ...context, today, deletionDays: this.config.mailDeletionDays },
            );
            return decided(events, box.mailboxId, { purgeAfter: events[0]!.data.purgeAfter });
          }
          case 'restore':
            return decided(decideCancelMailboxDeletion(state, { address }, context), box.mailboxId);
          default: {
            const never: never = input;
            return never;
          }
        }
      },
    });
  }
}

/** The hosting holding an address (gloux2's claim, else Gloux's `mails` row), for the CLI. */
export async function hostingOfAddress(q: Queryable, address: string): Promise<number | null> {
  const holder = await hostingNameHolder(q, 'mailbox', address);
  const claimed = holder?.startsWith('hosting-') ? Number(holder.slice('hosting-'.length)) : NaN;
  if (Number.isInteger(claimed)) return claimed;
  return (await nameTakenInGloux(q, 'mailbox', address))?.hostingId ?? null;
}
