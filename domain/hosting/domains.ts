import { DomainError } from '../shared/errors.js';
import { parseDomainName } from './dns-names.js';
import type { DomainAdded, DomainNameEvent, DomainRemoved } from './domain-events.js';

/**
 * The domains of one hosting (stream `hosting-<id>`, issue 18 "Domains"). Gloux's `domaines`
 * rows stay the truth the daemons read; the state is those rows with the hosting's domain
 * events the mirror has not written yet folded on top (an idempotent fold: a replay changes
 * nothing). A name held by another hosting, in gloux2 or in Gloux, is refused by the handler's
 * claim (`claimHostingName`) and by `takenInGloux` here.
 */
export interface HostedDomain {
  readonly manageDns: boolean;
  readonly manageMx: boolean;
}

export interface HostingDomainsState {
  /** By name (A-labels, no trailing dot). */
  readonly domains: ReadonlyMap<string, HostedDomain>;
}

/** Gloux's rows of the hosting, before the unmirrored events. */
export function initialHostingDomainsState(
  rows: readonly ({ readonly domain: string } & HostedDomain)[] = [],
): HostingDomainsState {
  return {
    domains: new Map(rows.map((r) => [r.domain, { manageDns: r.manageDns, manageMx: r.manageMx }])),
  };
}

export function evolveHostingDomains(
  state: HostingDomainsState,
  event: DomainNameEvent,
): HostingDomainsState {
  const domains = new Map(state.domains);
  switch (event.type) {
    case 'DomainAdded':
      domains.set(event.data.domain, {
        manageDns: event.data.manageDns,
        manageMx: event.data.manageMx,
      });
      return { domains };
    case 'DomainRemoved':
      domains.delete(event.data.domain);
      return { domains };
    case 'DomainMailHostingChanged': {
      const held = domains.get(event.data.domain);
      if (held) domains.set(event.data.domain, { ...held, manageMx: event.data.manageMx });
      return { domains };
    }
  }
}

export const foldHostingDomains = (
  events: readonly DomainNameEvent[],
  from: HostingDomainsState = initialHostingDomainsState(),
): HostingDomainsState => events.reduce(evolveHostingDomains, from);

export interface AddDomain {
  readonly hostingId: number;
  /** As typed, an IDN already turned into A-labels by the caller (node:url domainToASCII). */
  readonly domain: string;
  /** Its zone served here (`gere_dns`, Gloux's default yes). */
  readonly manageDns: boolean;
  /** Its mail hosted here (`gere_mx`, Gloux's default yes). */
  readonly manageMx: boolean;
}

export interface AddDomainContext {
  /** Gloux's hebergements.etat: a closed hosting takes no new domain. */
  readonly hostingState: 'actif' | 'suspendu' | 'ferme';
  /** The hosting holding the name in Gloux's `domaines`, or null. */
  readonly takenInGloux: { readonly hostingId: number } | null;
  /**
   * The cooperative's own domains (HOSTING_PLATFORM_DOMAIN, and the one of its name and mail
   * servers): neither they nor any name under them is a cooperator's domain. A name under the
   * platform domain is taken as a web space (`monsite.ouvaton.org`), never as a domain.
   */
  readonly reservedDomains: readonly string[];
}

const under = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/** The domain name as stored, or the French reason it cannot be added. */
export function parseNewDomain(raw: string, context: Pick<AddDomainContext, 'reservedDomains'>) {
  const domain = parseDomainName(raw, 'domaine');
  const reserved = context.reservedDomains.find((r) => under(domain, r.toLowerCase()));
  if (reserved)
    throw new DomainError(
      'invalid_input',
      domain === reserved
        ? `Le domaine ${reserved} est celui de la coopérative : il ne peut pas être ajouté à un hébergement.`
        : `Les noms sous ${reserved} appartiennent à la coopérative : ${domain} ne peut pas être ajouté comme domaine${
            reserved === context.reservedDomains[0]
              ? ` (un nom de la forme monsite.${reserved} se crée comme site web, dans la partie « Sites web »)`
              : ''
          }.`,
      'domaine',
    );
  return domain;
}

export function decideAddDomain(
  state: HostingDomainsState,
  command: AddDomain,
  context: AddDomainContext,
): readonly DomainAdded[] {
  const domain = parseNewDomain(command.domain, context);
  if (context.hostingState === 'ferme')
    throw new DomainError(
      'account_closed',
      'Cet hébergement est fermé : aucun domaine ne peut y être ajouté.',
    );
  if (state.domains.has(domain))
    throw new DomainError(
      'name_taken',
      `Le domaine ${domain} est déjà sur cet hébergement.`,
      'domaine',
    );
  if (context.takenInGloux)
    throw new DomainError(
      'name_taken',
      `Le domaine ${domain} est déjà enregistré à Ouvaton (sur cet hébergement ou un autre).`,
      'domaine',
    );
  return [
    {
      type: 'DomainAdded',
      data: {
        hostingId: command.hostingId,
        domain,
        manageDns: command.manageDns,
        manageMx: command.manageMx,
      },
    },
  ];
}

export interface RemoveDomain {
  readonly hostingId: number;
  readonly domain: string;
}

/**
 * What still uses the domain: web spaces on or under it, mailboxes and redirections at it
 * (a catch-all `@domain` included). Its mail would otherwise be accepted for a domain gone.
 */
export interface RemoveDomainContext {
  readonly vhosts: readonly string[];
  readonly mailboxes: readonly string[];
  readonly redirections: readonly string[];
}

/** Why a domain cannot go yet: the French list of what uses it (empty: nothing does). */
export function domainUsersText(users: RemoveDomainContext): string[] {
  const lines: string[] = [];
  if (users.vhosts.length > 0)
    lines.push(
      `${users.vhosts.length > 1 ? 'les sites web' : 'le site web'} ${users.vhosts.join(', ')}`,
    );
  if (users.mailboxes.length > 0)
    lines.push(
      `${users.mailboxes.length > 1 ? 'les boîtes aux lettres' : 'la boîte aux lettres'} ${users.mailboxes.join(', ')}`,
    );
  if (users.redirections.length > 0)
    lines.push(
      `${users.redirections.length > 1 ? 'les redirections de' : 'la redirection de'} ${users.redirections.join(', ')}`,
    );
  return lines;
}

/** "a", "a et b", "a, b et c". */
const listFr = (parts: readonly string[]): string =>
  parts.length > 1 ? `${parts.slice(0, -1).join(', ')} et ${parts.at(-1)!}` : (parts[0] ?? '');

export function decideRemoveDomain(
  state: HostingDomainsState,
  command: RemoveDomain,
  context: RemoveDomainContext,
): readonly DomainRemoved[] {
  const domain = command.domain.trim().toLowerCase().replace(/\.$/, '');
  if (!state.domains.has(domain))
    throw new DomainError(
      'not_found',
      `Le domaine ${domain} n’est pas sur cet hébergement.`,
      'domaine',
    );
  const users = domainUsersText(context);
  if (users.length > 0)
    throw new DomainError(
      'in_use',
      `Le domaine ${domain} est encore utilisé par ${listFr(users)} : supprimez-les d’abord.`,
      'domaine',
      { vhosts: context.vhosts, mailboxes: context.mailboxes, redirections: context.redirections },
    );
  return [{ type: 'DomainRemoved', data: { hostingId: command.hostingId, domain } }];
}
