import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hostingStream } from '../../../domain/hosting/events.js';
import {
  decideDomainMail,
  decideMailMx,
  mailRouting,
  mailRoutingSentence,
  type MailRouting,
} from '../../../domain/hosting/mail-routing.js';
import type { ZoneState } from '../../../domain/hosting/zone.js';
import { hostingMirroredUpTo } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { usersOfDomain } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { readLegacyZone, type LegacyZone } from '../../../legacy-sync/legacy-zones.js';
import { Clock } from '../../kernel/clock.js';
import type { Db, Tx } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { readStream, type RecordedEvent } from '../../kernel/event-store/event-store.js';
import { LogFollower } from '../../lifecycle/log-follower.js';
import { zoneAsDecided } from '../dns/dns.handlers.js';
import { asciiDomain, loadDomains } from '../domains.handlers.js';
import { unicodeOf } from '../hosting-domains.section.js';

/**
 * MX handled transparently (issue 19): Ouvaton's MX written when mail is added to a domain,
 * offered for removal once no address is left, and where each domain's mail goes said
 * (domain/hosting/mail-routing.ts holds the rules).
 */

/** A zone as a command decides on it, when it is served here (`soa.active = 'Y'`). */
async function servedZone(tx: Tx, zone: LegacyZone | null): Promise<ZoneState | null> {
  if (!zone?.soa?.active) return null;
  return (await zoneAsDecided(tx, zone.soa)).state;
}

const domainOfAddress = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/**
 * The domain's addresses at Ouvaton: its boxes (a deletion pending included: cancelling brings
 * it back) and redirections (catch-all `@domaine` included), as the domain's removal counts
 * them (Gloux's rows and the addresses claimed in gloux2), plus the boxes and redirections
 * created on the hosting's stream that the mirror has not written yet.
 */
export async function addressesOfDomain(
  tx: Tx,
  hostingId: number,
  domainId: number,
  domain: string,
): Promise<string[]> {
  const users = await usersOfDomain(tx, { domainId, domain });
  const mirrored = await hostingMirroredUpTo(tx);
  const pending = (await readStream(tx, hostingStream(hostingId)))
    .filter((e) => e.position > mirrored)
    .map(addressCreatedBy)
    .filter((a): a is string => a !== null);
  const all = [...users.mailboxes, ...users.redirections, ...pending].map((a) => a.toLowerCase());
  return [...new Set(all.filter((a) => domainOfAddress(a) === domain))].sort();
}

/**
 * The address a mail event brings to a domain (`MailboxCreated`'s box, `RedirectionCreated`'s
 * source, a catch-all `@domaine` included), or null for any other event.
 */
export function addressCreatedBy(event: Pick<RecordedEvent, 'type' | 'data'>): string | null {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'MailboxCreated' && typeof data.address === 'string') return data.address;
  if (event.type === 'RedirectionCreated' && typeof data.source === 'string') return data.source;
  return null;
}

/** Turns the hosting of a domain's mail on or off (`hosted`), for its owner or staff. */
export class SetDomainMailCommand {
  constructor(
    readonly hostingId: number,
    readonly domain: string,
    readonly hosted: boolean,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface DomainMailResult {
  readonly hostingId: number;
  readonly domain: string;
  readonly display: string;
  readonly hosted: boolean;
  /** Events recorded (0: it already was so). */
  readonly recorded: number;
}

@CommandHandler(SetDomainMailCommand)
export class SetDomainMailHandler implements ICommandHandler<
  SetDomainMailCommand,
  DomainMailResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute(command: SetDomainMailCommand): Promise<DomainMailResult> {
    const { hostingId, hosted } = command;
    return this.pipeline.run({
      commandType: 'SetDomainMail',
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: { hostingId, domain: command.domain, hosted },
      decide: async (tx) => {
        const domain = asciiDomain(command.domain);
        const display = unicodeOf(domain);
        const { state, version } = await loadDomains(tx, hostingId);
        const legacy = await readLegacyZone(tx, domain);
        const owned = legacy?.hostingId === hostingId ? legacy : null;
        const served = owned?.soa?.active ? await zoneAsDecided(tx, owned.soa) : null;
        const decision = decideDomainMail(
          state,
          { hostingId, domain, display, hosted, actor: command.actor },
          {
            zone: served?.state ?? null,
            addresses: owned ? await addressesOfDomain(tx, hostingId, owned.domainId, domain) : [],
          },
        );
        const appends = [];
        if (decision.hosting.length > 0)
          appends.push({
            streamId: hostingStream(hostingId),
            expectedVersion: version,
            events: [...decision.hosting],
          });
        if (served && decision.zone.length > 0)
          appends.push({
            streamId: served.streamId,
            expectedVersion: served.version,
            events: [...decision.zone],
          });
        const recorded = decision.hosting.length + (served ? decision.zone.length : 0);
        return { appends, result: { hostingId, domain, display, hosted, recorded } };
      },
    });
  }
}

/**
 * Ouvaton's MX written when a box or a redirection is created on a domain whose mail Ouvaton
 * hosts and whose zone is served here without it: a command on the zone's stream (so the
 * mirror writes `rr` and bumps the serial once), keyed by the event's position, and decided
 * against the zone as it is (an MX already there adds nothing), so a replay adds nothing twice.
 */
export function mailMxFollower(db: Db, pipeline: CommandPipeline, clock: Clock): LogFollower {
  return new LogFollower(
    db,
    'mail-mx',
    (e) => e.metadata.source === 'g2' && addressCreatedBy(e) !== null,
    async (event) => {
      const domain = domainOfAddress(addressCreatedBy(event)!);
      await pipeline.run({
        commandType: 'EnsureMailMx',
        actor: event.metadata.actor,
        now: clock.now(),
        idempotencyKey: `mail-mx-${event.position}`,
        request: { domain, position: event.position },
        decide: async (tx) => {
          const legacy = await readLegacyZone(tx, domain);
          const none = { appends: [], result: { domain, recorded: 0 } };
          if (!legacy?.soa?.active) return none;
          const { state } = await loadDomains(tx, legacy.hostingId);
          if (!state.domains.get(domain)?.manageMx) return none;
          const zone = await zoneAsDecided(tx, legacy.soa);
          const events = decideMailMx(zone.state);
          if (events.length === 0) return none;
          return {
            appends: [
              { streamId: zone.streamId, expectedVersion: zone.version, events: [...events] },
            ],
            result: { domain, recorded: events.length },
          };
        },
      });
    },
  );
}

/** One domain of the mail section: where its mail goes, and what may be done about it. */
export interface MailDomainView {
  readonly domain: string;
  readonly display: string;
  /** `gere_mx`: Ouvaton hosts its mail. */
  readonly hosted: boolean;
  readonly routing: MailRouting;
  readonly sentence: string;
  readonly addresses: readonly string[];
  /** No address left while Ouvaton's MX is still there: offer to remove it. */
  readonly offerRemoval: boolean;
  /** Mail not hosted here: offer to host it (refused with the reason if the MX points elsewhere). */
  readonly offerHosting: boolean;
}

/** The hosting's domains as the mail section shows them. */
export async function mailDomainsOf(tx: Tx, hostingId: number): Promise<MailDomainView[]> {
  const { state } = await loadDomains(tx, hostingId);
  const out: MailDomainView[] = [];
  for (const [domain, held] of [...state.domains].sort(([a], [b]) => a.localeCompare(b))) {
    const display = unicodeOf(domain);
    const legacy = await readLegacyZone(tx, domain);
    const zone = legacy ? await servedZone(tx, legacy) : null;
    // A domain just added (not yet in Gloux's table) has its zone on the way: said as served.
    const routing = legacy || !held.manageDns ? mailRouting(zone) : { kind: 'no_mx' as const };
    const addresses = legacy ? await addressesOfDomain(tx, hostingId, legacy.domainId, domain) : [];
    out.push({
      domain,
      display,
      hosted: held.manageMx,
      routing,
      sentence: mailRoutingSentence(display, routing),
      addresses,
      offerRemoval: held.manageMx && addresses.length === 0 && routing.kind === 'ouvaton',
      offerHosting: !held.manageMx,
    });
  }
  return out;
}
