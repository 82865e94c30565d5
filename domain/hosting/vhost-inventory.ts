import { DomainError } from '../shared/errors.js';
import type {
  VhostChanged,
  VhostCreated,
  VhostEvent,
  VhostRemoved,
  VhostSettings,
} from './vhost-events.js';
import {
  defaultSiteFolder,
  parseAliases,
  parsePhp,
  parseRedirection,
  parseSiteFolder,
  parseVhostHost,
  placeOfHost,
  type VhostRules,
} from './vhosts.js';

/**
 * The web spaces of one hosting (stream `hosting-<id>`): which names it serves, so a change or
 * a removal names a site that exists, and an alias is never served twice within the hosting.
 * Names taken by other hostings (or by Gloux) are checked by the handler's name claim.
 */
export interface VhostSite extends VhostSettings {
  readonly host: string;
  readonly domainId: number;
  readonly folder: string;
}

export interface VhostInventoryState {
  readonly sites: ReadonlyMap<string, VhostSite>;
}

export const initialVhostInventoryState: VhostInventoryState = { sites: new Map() };

export function evolveVhostInventory(
  state: VhostInventoryState,
  event: VhostEvent,
): VhostInventoryState {
  const sites = new Map(state.sites);
  switch (event.type) {
    case 'VhostCreated': {
      const { host, domainId, folder, aliases, php, ssl, redirection, enabled } = event.data;
      sites.set(host, { host, domainId, folder, aliases, php, ssl, redirection, enabled });
      return { sites };
    }
    case 'VhostChanged': {
      const { host, aliases, php, ssl, redirection, enabled } = event.data;
      const site = sites.get(host);
      if (site) sites.set(host, { ...site, aliases, php, ssl, redirection, enabled });
      return { sites };
    }
    case 'VhostRemoved':
      sites.delete(event.data.host);
      return { sites };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const foldVhostInventory = (
  events: readonly VhostEvent[],
  from: VhostInventoryState = initialVhostInventoryState,
): VhostInventoryState => events.reduce(evolveVhostInventory, from);

/** What a form or the API sends (text as typed; booleans already read from checkboxes). */
export interface VhostForm {
  readonly aliases?: string;
  readonly php?: string;
  readonly ssl?: boolean;
  readonly redirection?: string;
  readonly enabled?: boolean;
}

export interface CreateVhost extends VhostForm {
  readonly hostingId: number;
  readonly host: string;
  readonly folder?: string;
}

export interface ChangeVhost extends VhostForm {
  readonly hostingId: number;
  readonly host: string;
}

export interface RemoveVhost {
  readonly hostingId: number;
  readonly host: string;
}

/** An alias served by another site of the same hosting is refused (Apache would pick one). */
function refuseAliasesServedElsewhere(
  state: VhostInventoryState,
  host: string,
  aliases: readonly string[],
): void {
  for (const site of state.sites.values()) {
    if (site.host === host) continue;
    const clash = aliases.find((a) => a === site.host || site.aliases.includes(a));
    if (clash !== undefined)
      throw new DomainError(
        'conflict',
        `L’alias ${clash} est déjà servi par le site ${site.host}.`,
        'alias',
      );
  }
}

function siteOf(state: VhostInventoryState, host: string): VhostSite {
  const site = state.sites.get(host.trim().toLowerCase().replace(/\.$/, ''));
  if (!site)
    throw new DomainError('not_found', `Aucun site ${host} dans cet hébergement.`, 'nom_hote');
  return site;
}

export function decideCreateVhost(
  state: VhostInventoryState,
  command: CreateVhost,
  rules: VhostRules,
): readonly VhostCreated[] {
  const host = parseVhostHost(command.host);
  if (state.sites.has(host))
    throw new DomainError('conflict', `Le site ${host} existe déjà.`, 'nom_hote');
  const place = placeOfHost(host, rules);
  const aliases = parseAliases(command.aliases ?? '', host, rules);
  refuseAliasesServedElsewhere(state, host, [host, ...aliases]);
  const folder =
    command.folder === undefined || command.folder.trim() === ''
      ? defaultSiteFolder(host)
      : parseSiteFolder(command.folder);
  return [
    {
      type: 'VhostCreated',
      data: {
        hostingId: command.hostingId,
        host,
        domainId: place.kind === 'owned' ? place.domainId : 0,
        folder,
        aliases,
        php: parsePhp(command.php ?? '5'),
        ssl: command.ssl ?? true,
        redirection: parseRedirection(command.redirection ?? ''),
        enabled: command.enabled ?? true,
      },
    },
  ];
}

/** Only what the form sends changes; an unchanged site decides nothing. */
export function decideChangeVhost(
  state: VhostInventoryState,
  command: ChangeVhost,
  rules: VhostRules,
): readonly VhostChanged[] {
  const site = siteOf(state, command.host);
  const aliases =
    command.aliases === undefined ? site.aliases : parseAliases(command.aliases, site.host, rules);
  refuseAliasesServedElsewhere(state, site.host, aliases);
  const next: VhostSettings = {
    aliases,
    php: command.php === undefined ? site.php : parsePhp(command.php),
    ssl: command.ssl ?? site.ssl,
    redirection:
      command.redirection === undefined ? site.redirection : parseRedirection(command.redirection),
    enabled: command.enabled ?? site.enabled,
  };
  const same =
    next.aliases.join(' ') === site.aliases.join(' ') &&
    next.php === site.php &&
    next.ssl === site.ssl &&
    next.redirection === site.redirection &&
    next.enabled === site.enabled;
  if (same) return [];
  return [
    { type: 'VhostChanged', data: { hostingId: command.hostingId, host: site.host, ...next } },
  ];
}

export function decideRemoveVhost(
  state: VhostInventoryState,
  command: RemoveVhost,
): readonly VhostRemoved[] {
  const site = siteOf(state, command.host);
  return [
    {
      type: 'VhostRemoved',
      data: { hostingId: command.hostingId, host: site.host, folder: site.folder },
    },
  ];
}
