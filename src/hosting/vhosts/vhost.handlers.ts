import { randomBytes, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hostingStream } from '../../../domain/hosting/events.js';
import {
  decideCreateFtpAccount,
  decideRemoveFtpAccount,
  FTP_LOGIN_MAX,
  type FtpHostingFacts,
} from '../../../domain/hosting/ftp-accounts.js';
import type { FtpEvent } from '../../../domain/hosting/ftp-events.js';
import { keepFtpHash } from '../../../legacy-sync/legacy-ftp.js';
import { factsOf, loadFtpAccounts } from '../ftp/ftp-accounts.handler.js';
import { sha256Crypt } from '../crypt.js';
import { isVhostEvent, type VhostEvent } from '../../../domain/hosting/vhost-events.js';
import {
  decideChangeVhost,
  decideCreateVhost,
  decideRemoveVhost,
  foldVhostInventory,
  type VhostInventoryState,
} from '../../../domain/hosting/vhost-inventory.js';
import type { VhostRules } from '../../../domain/hosting/vhosts.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { nameTakenMessage } from '../../../domain/hosting/hosting-names.js';
import {
  domainsOfHosting,
  hostingById,
  nameTakenInGloux,
} from '../../../legacy-sync/legacy-hosting-inventory.js';
import { hostingMirroredUpTo } from '../../../legacy-sync/legacy-hosting-mirror.js';
import { readHostingVhosts } from '../../../legacy-sync/legacy-vhosts.js';
import { readLegacyZone } from '../../../legacy-sync/legacy-zones.js';
import { canonicalRecord, decideAddDnsRecord } from '../../../domain/hosting/zone.js';
import { zoneAsDecided } from '../dns/dns.handlers.js';
import { Clock } from '../../kernel/clock.js';
import { HOSTING_CONFIG, type HostingConfig } from '../../kernel/config.js';
import type { Tx } from '../../kernel/database/db.js';
import { CommandPipeline } from '../../kernel/event-store/command-pipeline.js';
import type { AppendRequest } from '../../kernel/event-store/event-store.js';
import { readStream } from '../../kernel/event-store/event-store.js';
import {
  claimHostingName,
  hostingNameHolder,
  releaseHostingName,
} from '../../kernel/hosting-names.js';
import {
  ChangeVhostCommand,
  CreateVhostCommand,
  RemoveVhostCommand,
  type VhostCommandResult,
} from './vhost.commands.js';

/**
 * A hosting's web spaces as a command decides on them: Gloux's `vhosts` rows as they are now
 * (Gloux's pages edit them without any event), with the web-space events the hosting mirror
 * has not written yet folded on top (the fold is idempotent: a row written a moment before the
 * checkpoint moved counts once). The stream's version orders concurrent commands.
 */
async function loadSites(
  tx: Tx,
  hostingId: number,
): Promise<{ state: VhostInventoryState; version: number }> {
  const stream = await readStream(tx, hostingStream(hostingId));
  const mirrored = await hostingMirroredUpTo(tx);
  const live = await readHostingVhosts(tx, hostingId);
  const pending = stream
    .filter((e) => e.position > mirrored && isVhostEvent(e))
    .map((e) => ({ type: e.type, data: e.data }) as VhostEvent);
  const state = foldVhostInventory(pending, { sites: new Map(live.map((s) => [s.host, s])) });
  return { state, version: stream.length - 1 };
}

async function rulesOf(tx: Tx, hostingId: number, config: HostingConfig): Promise<VhostRules> {
  const domains = await domainsOfHosting(tx, hostingId);
  return {
    platformDomain: config.platformDomain,
    ownedDomains: domains.map((d) => ({ id: d.domainId, name: d.domain })),
  };
}

abstract class VhostHandler {
  constructor(
    @Inject(CommandPipeline) protected readonly pipeline: CommandPipeline,
    @Inject(Clock) protected readonly clock: Clock,
    @Inject(HOSTING_CONFIG) protected readonly config: HostingConfig,
  ) {}

  /** Runs one web-space decision on the hosting's stream, in one transaction. */
  protected run(
    commandType: string,
    command: { hostingId: number; actor: string; idempotencyKey?: string },
    request: unknown,
    decide: (
      tx: Tx,
      state: VhostInventoryState,
      rules: VhostRules,
      now: Date,
    ) => Promise<{
      events: readonly (VhostEvent | FtpEvent)[];
      host: string;
      /** Events for other streams in the same transaction (the site's DNS entry). */
      also?: readonly AppendRequest[];
    }>,
  ): Promise<VhostCommandResult> {
    return this.pipeline.run({
      commandType,
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const { state, version } = await loadSites(tx, command.hostingId);
        const rules = await rulesOf(tx, command.hostingId, this.config);
        const { events, host, also = [] } = await decide(tx, state, rules, now);
        return {
          appends: events.length
            ? [
                { streamId: hostingStream(command.hostingId), expectedVersion: version, events },
                ...also,
              ]
            : [],
          result: { hostingId: command.hostingId, host, changed: events.length > 0 },
        };
      },
    });
  }
}

@CommandHandler(CreateVhostCommand)
export class CreateVhostHandler
  extends VhostHandler
  implements ICommandHandler<CreateVhostCommand, VhostCommandResult>
{
  execute(command: CreateVhostCommand): Promise<VhostCommandResult> {
    const { hostingId } = command;
    return this.run(
      'CreateVhost',
      command,
      { hostingId, ...command.input },
      async (tx, state, rules, now) => {
        const events = decideCreateVhost(state, { hostingId, ...command.input }, rules);
        const host = events[0]!.data.host;
        // Gloux's own table first (Gloux does not read ours), then the claim, which a concurrent
        // command for the same name loses.
        const holder = await nameTakenInGloux(tx, 'vhost', host);
        if (holder && holder.hostingId !== hostingId)
          throw new DomainError('name_taken', nameTakenMessage('vhost', host), 'nom_hote');
        await claimHostingName(tx, {
          kind: 'vhost',
          name: host,
          streamId: hostingStream(hostingId),
          at: now,
          field: 'nom_hote',
        });
        const dns = await addressRecord(tx, events[0]!.data.domainId, host, this.config.webIpv4);
        const ftp = await createSiteFtpAccount(tx, {
          hostingId,
          host,
          folder: events[0]!.data.folder,
          actor: command.actor,
          now,
        });
        return { events: [...events, ...ftp], host, also: dns ? [dns] : [] };
      },
    );
  }
}

/**
 * The A record of a new site under one of the cooperator's domains whose zone Ouvaton serves
 * (HOSTING_WEB_IPV4), appended to the zone's stream in the site's transaction, so the mirror
 * writes `rr` and bumps the serial like any record. None when no address is configured, the
 * zone is not served here, or the name already has an address or an alias (the cooperator's).
 */
async function addressRecord(
  tx: Tx,
  domainId: number,
  host: string,
  webIpv4: string | null,
): Promise<AppendRequest | null> {
  if (webIpv4 === null || domainId === 0) return null;
  const [domain] = await tx.query<{ domaine: string }>(
    'SELECT domaine FROM domaines WHERE id_domaine = ?',
    [domainId],
  );
  const zone = domain ? await readLegacyZone(tx, String(domain.domaine)) : null;
  if (!zone?.soa || !zone.soa.active) return null;
  const { state, streamId, version } = await zoneAsDecided(tx, zone.soa);
  const name = host === zone.domain ? '' : host.slice(0, -(zone.domain.length + 1));
  const origin = zone.soa.origin;
  const taken = state.records.some(
    (r) => ['A', 'AAAA', 'CNAME'].includes(r.type) && canonicalRecord(r, origin).name === name,
  );
  if (taken) return null;
  const events = decideAddDnsRecord(
    state,
    { input: { name: name === '' ? '@' : name, type: 'A', value: webIpv4 } },
    { mxManaged: zone.mxManaged },
  );
  return { streamId, expectedVersion: version, events: [...events] };
}

/**
 * The web space's own FTP account (HOSTING.md decision 1: one per web space, created and
 * removed with it), limited to the site's folder, login `<hosting>_<first label>` (a digit
 * added while the login is taken in Gloux or gloux2). Its password is random and never shown:
 * the cooperator sets one from the hosting page's FTP section. None for a site whose folder is
 * the hosting's root (the master account already reaches it) or a hosting without a root.
 */
async function createSiteFtpAccount(
  tx: Tx,
  site: { hostingId: number; host: string; folder: string; actor: string; now: Date },
): Promise<readonly FtpEvent[]> {
  const path = site.folder.replace(/^\/+/, '');
  const hosting = await hostingById(tx, String(site.hostingId));
  if (path === '' || !hosting) return [];
  let facts: FtpHostingFacts;
  try {
    facts = factsOf(hosting);
  } catch {
    return [];
  }
  const { state } = await loadFtpAccounts(tx, site.hostingId);
  const label = site.host.split('.')[0]!.replace(/[^a-z0-9_-]/g, '') || 'site';
  const base = `${hosting.name}_${label}`.slice(0, FTP_LOGIN_MAX - 1);
  const streamId = hostingStream(site.hostingId);
  let login = base;
  for (let n = 2; ; n++) {
    const free =
      (await nameTakenInGloux(tx, 'ftp_login', login)) === null &&
      (await hostingNameHolder(tx, 'ftp_login', login)) === null &&
      !Object.values(state.accounts).some((a) => a.login === login);
    if (free) break;
    if (n > 9) return [];
    login = `${base}${n}`;
  }
  const accountId = randomUUID();
  const password = randomBytes(18).toString('base64url');
  const events = decideCreateFtpAccount(
    state,
    { kind: 'vhost', login, path, vhostId: site.host, password },
    { hosting: facts, accountId, actor: site.actor, loginTaken: false },
  );
  await claimHostingName(tx, {
    kind: 'ftp_login',
    name: login,
    streamId,
    at: site.now,
    field: 'login',
  });
  await keepFtpHash(tx, accountId, sha256Crypt(password), site.now);
  return events;
}

/** The web space's FTP account goes with it, and its login is free again. */
async function removeSiteFtpAccount(
  tx: Tx,
  hostingId: number,
  host: string,
  actor: string,
): Promise<readonly FtpEvent[]> {
  const { state } = await loadFtpAccounts(tx, hostingId);
  const account = Object.values(state.accounts).find(
    (a) => a.kind === 'vhost' && a.vhostId === host,
  );
  const hosting = await hostingById(tx, String(hostingId));
  if (!account || !hosting) return [];
  const events = decideRemoveFtpAccount(
    state,
    { accountId: account.accountId, reason: 'vhost_removed' },
    { hosting: factsOf(hosting), actor },
  );
  await releaseHostingName(tx, 'ftp_login', account.login, hostingStream(hostingId));
  return events;
}

@CommandHandler(ChangeVhostCommand)
export class ChangeVhostHandler
  extends VhostHandler
  implements ICommandHandler<ChangeVhostCommand, VhostCommandResult>
{
  execute(command: ChangeVhostCommand): Promise<VhostCommandResult> {
    const { hostingId, host } = command;
    return this.run(
      'ChangeVhost',
      command,
      { hostingId, host, ...command.input },
      async (_tx, state, rules) => ({
        events: decideChangeVhost(state, { hostingId, host, ...command.input }, rules),
        host,
      }),
    );
  }
}

@CommandHandler(RemoveVhostCommand)
export class RemoveVhostHandler
  extends VhostHandler
  implements ICommandHandler<RemoveVhostCommand, VhostCommandResult>
{
  execute(command: RemoveVhostCommand): Promise<VhostCommandResult> {
    const { hostingId, host } = command;
    return this.run('RemoveVhost', command, { hostingId, host }, async (tx, state) => {
      const events = decideRemoveVhost(state, { hostingId, host });
      const site = events[0]!.data.host;
      await releaseHostingName(tx, 'vhost', site, hostingStream(hostingId));
      const ftp = await removeSiteFtpAccount(tx, hostingId, site, command.actor);
      return { events: [...events, ...ftp], host: site };
    });
  }
}

export const VHOST_HANDLERS = [CreateVhostHandler, ChangeVhostHandler, RemoveVhostHandler];
