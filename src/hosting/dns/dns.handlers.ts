import { domainToASCII } from 'node:url';
import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isDnsEvent, type DnsEvent } from '../../../domain/hosting/dns-events.js';
import { parseDomainName } from '../../../domain/hosting/dns-names.js';
import { zoneStream } from '../../../domain/hosting/events.js';
import {
  decideAddDnsRecord,
  decideChangeDnsRecord,
  decideRemoveDnsRecord,
  foldZone,
  type ZoneContext,
  type ZoneState,
} from '../../../domain/hosting/zone.js';
import { DomainError } from '../../../domain/shared/errors.js';
import {
  hostingMirroredUpTo,
  LegacyHostingMirror,
} from '../../../legacy-sync/legacy-hosting-mirror.js';
import {
  readLegacyZone,
  readZoneRecords,
  type LegacyZone,
} from '../../../legacy-sync/legacy-zones.js';
import { isStaff, type AuthUser } from '../../auth/auth-user.js';
import { Clock } from '../../kernel/clock.js';
import type { Queryable } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import { readStream } from '../../kernel/event-store/event-store.js';
import {
  AddDnsRecordCommand,
  ChangeDnsRecordCommand,
  RemoveDnsRecordCommand,
  type DnsChangeResult,
} from './dns.commands.js';

/** A domain as typed (Unicode or A-labels) in the form `domaines.domaine` holds it. */
export function domainInput(raw: string): string {
  const trimmed = raw.trim().toLowerCase().replace(/\.$/, '');
  return parseDomainName(domainToASCII(trimmed) || trimmed, 'domaine');
}

/**
 * The zone of `domain` if `user` may edit it: the domain's hosting is one of the user's
 * customer accounts' (`domaines.id_hebergement` → `hebergements.id_client`), or the user is
 * staff. Another's domain is refused as unknown: a cooperator learns nothing of it.
 */
export async function editableZone(
  q: Queryable,
  user: AuthUser,
  domain: string,
): Promise<LegacyZone & { soa: NonNullable<LegacyZone['soa']> }> {
  const zone = await readLegacyZone(q, domain);
  const mine = zone?.customerId != null && user.customerIds.includes(zone.customerId);
  if (!zone || !(mine || isStaff(user)))
    throw new DomainError(
      'not_found',
      `Le domaine ${domain} ne fait partie d’aucun de vos hébergements.`,
      'domaine',
    );
  if (!zone.soa)
    throw new DomainError(
      'invalid_input',
      `La zone DNS de ${domain} n’est pas gérée par Ouvaton : modifiez-la chez le prestataire qui la sert.`,
      'domaine',
    );
  return { ...zone, soa: zone.soa };
}

/**
 * A zone as a command decides on it: Gloux's `rr` rows with the zone events the hosting mirror
 * has not written yet folded on top (domain/hosting/zone.ts says why), and its stream's version.
 */
export async function zoneAsDecided(
  tx: Queryable,
  soa: { readonly id: number; readonly origin: string },
): Promise<{ state: ZoneState; streamId: string; version: number }> {
  // The checkpoint first, the rows after: a row the mirror writes in between is then both in
  // `rr` and pending, which folding counts once; the other order could miss it.
  const mirrored = await hostingMirroredUpTo(tx);
  const streamId = zoneStream(soa.id);
  const stream = await readStream(tx, streamId);
  const pending = stream
    .filter((e) => e.position > mirrored)
    .filter((e) => isDnsEvent(e))
    .map((e) => ({ type: e.type, data: e.data }) as DnsEvent);
  const state = foldZone(pending, {
    soaId: soa.id,
    origin: soa.origin,
    records: await readZoneRecords(tx, soa.id),
  });
  const version = stream.length === 0 ? -1 : stream[stream.length - 1]!.streamVersion;
  return { state, streamId, version };
}

/**
 * Runs one zone command: the zone is Gloux's `rr` rows with the zone events not yet mirrored
 * folded on top (domain/hosting/zone.ts says why), decided, appended to `zone-<id_soa>`; then
 * the hosting mirror writes `rr` and bumps the serial.
 */
@Injectable()
export class ZoneCommands {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(LegacyHostingMirror) private readonly mirror: LegacyHostingMirror,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async run(
    commandType: string,
    user: AuthUser,
    rawDomain: string,
    request: object,
    decide: (state: ZoneState, context: ZoneContext) => readonly DnsEvent[],
  ): Promise<DnsChangeResult> {
    const domain = domainInput(rawDomain);
    const outcome = await this.pipeline.execute<DnsChangeResult>({
      commandType,
      actor: user.login,
      now: this.clock.now(),
      request: { domain, ...request },
      decide: async (tx) => {
        const zone = await editableZone(tx, user, domain);
        const { state, streamId, version } = await zoneAsDecided(tx, zone.soa);
        const events = decide(state, { mxManaged: zone.mxManaged });
        return {
          appends:
            events.length === 0
              ? []
              : [{ streamId, expectedVersion: version, events: [...events] }],
          result: { domain, soaId: zone.soa.id, recorded: events.length },
        };
      },
    });
    // Written to `rr` now; MyDNS/PowerDNS caches make it "appliqué sous une minute".
    if (outcome.events.length > 0) await this.mirror.wake();
    return outcome.result;
  }
}

@CommandHandler(AddDnsRecordCommand)
export class AddDnsRecordHandler implements ICommandHandler<AddDnsRecordCommand, DnsChangeResult> {
  constructor(@Inject(ZoneCommands) private readonly zones: ZoneCommands) {}
  execute({ user, domain, input }: AddDnsRecordCommand) {
    return this.zones.run('AddDnsRecord', user, domain, { input }, (state, context) =>
      decideAddDnsRecord(state, { input }, context),
    );
  }
}

@CommandHandler(ChangeDnsRecordCommand)
export class ChangeDnsRecordHandler implements ICommandHandler<
  ChangeDnsRecordCommand,
  DnsChangeResult
> {
  constructor(@Inject(ZoneCommands) private readonly zones: ZoneCommands) {}
  execute({ user, domain, current, input }: ChangeDnsRecordCommand) {
    return this.zones.run('ChangeDnsRecord', user, domain, { current, input }, (state, context) =>
      decideChangeDnsRecord(state, { current, input }, context),
    );
  }
}

@CommandHandler(RemoveDnsRecordCommand)
export class RemoveDnsRecordHandler implements ICommandHandler<
  RemoveDnsRecordCommand,
  DnsChangeResult
> {
  constructor(@Inject(ZoneCommands) private readonly zones: ZoneCommands) {}
  execute({ user, domain, record }: RemoveDnsRecordCommand) {
    return this.zones.run('RemoveDnsRecord', user, domain, { record }, (state, context) =>
      decideRemoveDnsRecord(state, { record }, context),
    );
  }
}
