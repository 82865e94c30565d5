import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { domainToASCII } from 'node:url';
import { OUVATON_INFRA_DOMAIN } from '../../domain/hosting/default-zone.js';
import {
  DOMAIN_NAME_EVENT_TYPES,
  type DomainNameEvent,
} from '../../domain/hosting/domain-events.js';
import {
  decideAddDomain,
  decideRemoveDomain,
  foldHostingDomains,
  initialHostingDomainsState,
  type HostingDomainsState,
} from '../../domain/hosting/domains.js';
import { hostingStream } from '../../domain/hosting/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  domainByName,
  domainsOfHosting,
  hostingById,
  nameTakenInGloux,
  usersOfDomain,
  type LegacyHosting,
} from '../../legacy-sync/legacy-hosting-inventory.js';
import { hostingMirroredUpTo } from '../../legacy-sync/legacy-hosting-mirror.js';
import { Clock } from '../kernel/clock.js';
import { HOSTING_CONFIG, type HostingConfig } from '../kernel/config.js';
import type { Tx } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { claimHostingName, releaseHostingName } from '../kernel/hosting-names.js';
import {
  AddDomainCommand,
  RemoveDomainCommand,
  type DomainCommandResult,
} from './domains.commands.js';
import { unicodeOf } from './hosting-domains.section.js';

/**
 * A domain name as typed, in the A-labels `domaines` stores: an IDN (`café.fr`) is turned into
 * punycode (`xn--caf-dma.fr`) by node:url, the rest is left to the domain's own rule.
 */
export function asciiDomain(raw: string): string {
  const typed = raw.trim().toLowerCase();
  if (/^[\x20-\x7e]*$/.test(typed)) return typed;
  const ascii = domainToASCII(typed);
  if (ascii === '')
    throw new DomainError(
      'invalid_input',
      `Le nom de domaine ${raw.trim()} n’est pas un nom de domaine valide.`,
      'domaine',
    );
  return ascii;
}

/** The hosting's domains now: Gloux's rows, with its domain events not yet mirrored on top. */
export async function loadDomains(
  tx: Tx,
  hostingId: number,
): Promise<{ hosting: LegacyHosting; state: HostingDomainsState; version: number }> {
  const hosting = await hostingById(tx, String(hostingId));
  if (!hosting) throw new DomainError('not_found', 'Hébergement introuvable.', 'hebergement');
  const mirrored = await hostingMirroredUpTo(tx);
  const stream = await readStream(tx, hostingStream(hostingId));
  const pending = stream.filter(
    (e) => e.position > mirrored && Object.hasOwn(DOMAIN_NAME_EVENT_TYPES, e.type),
  ) as unknown as DomainNameEvent[];
  const rows = await domainsOfHosting(tx, hostingId);
  return {
    hosting,
    state: foldHostingDomains(pending, initialHostingDomainsState(rows)),
    version: stream.at(-1)?.streamVersion ?? -1,
  };
}

@CommandHandler(AddDomainCommand)
export class AddDomainHandler implements ICommandHandler<AddDomainCommand, DomainCommandResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(HOSTING_CONFIG) private readonly config: HostingConfig,
  ) {}

  execute(command: AddDomainCommand): Promise<DomainCommandResult> {
    const { hostingId, input } = command;
    return this.pipeline.run({
      commandType: 'AddDomain',
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: { hostingId, ...input },
      decide: async (tx, ctx) => {
        const domain = asciiDomain(input.domain);
        const { hosting, state, version } = await loadDomains(tx, hostingId);
        const events = decideAddDomain(
          state,
          { hostingId, domain, manageDns: input.manageDns, manageMx: input.manageMx },
          {
            hostingState: hosting.state,
            takenInGloux: await nameTakenInGloux(tx, 'domain', domain),
            reservedDomains: [this.config.platformDomain, OUVATON_INFRA_DOMAIN],
          },
        );
        const streamId = hostingStream(hostingId);
        const added = events[0]!.data.domain;
        await claimHostingName(tx, {
          kind: 'domain',
          name: added,
          streamId,
          at: ctx.now,
          field: 'domaine',
        });
        return {
          appends: [{ streamId, expectedVersion: version, events }],
          result: { hostingId, domain: added, display: unicodeOf(added) },
        };
      },
    });
  }
}

@CommandHandler(RemoveDomainCommand)
export class RemoveDomainHandler implements ICommandHandler<
  RemoveDomainCommand,
  DomainCommandResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute(command: RemoveDomainCommand): Promise<DomainCommandResult> {
    const { hostingId } = command;
    return this.pipeline.run({
      commandType: 'RemoveDomain',
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: { hostingId, domain: command.domain },
      decide: async (tx) => {
        const domain = asciiDomain(command.domain);
        const { state, version } = await loadDomains(tx, hostingId);
        const row = await domainByName(tx, domain);
        const users =
          row && row.hostingId === hostingId
            ? await usersOfDomain(tx, row)
            : { vhosts: [], mailboxes: [], redirections: [] };
        const events = decideRemoveDomain(state, { hostingId, domain }, users);
        const streamId = hostingStream(hostingId);
        await releaseHostingName(tx, 'domain', events[0]!.data.domain, streamId);
        return {
          appends: [{ streamId, expectedVersion: version, events }],
          result: { hostingId, domain, display: unicodeOf(domain) },
        };
      },
    });
  }
}
