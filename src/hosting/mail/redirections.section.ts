import {
  domainOfAddress,
  isCatchAll,
  type Redirection,
} from '../../../domain/hosting/redirections.js';
import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { readHostingRedirections } from '../../../legacy-sync/legacy-redirections.js';
import type { Db } from '../../kernel/database/db.js';
import { unicodeOf } from '../hosting-domains.section.js';
import type { HostingSection } from '../hosting-sections.js';
import { loadRedirections } from './redirections.handler.js';

/** An address as the pages show it: its domain in Unicode (`x@café.fr`), as typed. */
export function addressShown(address: string): string {
  const domain = domainOfAddress(address);
  return `${address.slice(0, address.length - domain.length)}${unicodeOf(domain)}`;
}

/**
 * The hosting page's mail redirections: what the hosting redirects now (Gloux's
 * `mails_redirections` rows, its own included, with gloux2's changes not yet written there on
 * top, « en cours d’application »), each destination marked when it is outside the hosting's
 * domains (SPF), and the domains a new redirection may start from (mail hosted here).
 */
export function redirectionsSection(db: Db): HostingSection {
  return {
    key: 'redirections',
    order: 50,
    title: 'Redirections de courriel',
    partial: 'hosting_redirections',
    read: (hosting: LegacyHosting) =>
      db.transaction(async (tx) => {
        const { state, facts } = await loadRedirections(tx, hosting.hostingId);
        const written = new Map(
          (await readHostingRedirections(tx, hosting.hostingId)).map((r) => [r.source, r]),
        );
        const own = new Set(facts.domains.filter((d) => d.mailHere).map((d) => d.name));
        const same = (a: Redirection, b: Redirection | undefined) =>
          b !== undefined &&
          a.keepCopy === b.keepCopy &&
          a.destinations.join(',') === b.destinations.join(',');
        const redirections = [...state.redirections.values()]
          .sort((a, b) => a.source.localeCompare(b.source))
          .map((r) => ({
            source: r.source,
            shown: addressShown(r.source),
            catchAll: isCatchAll(r.source),
            destinations: r.destinations.map((d) => ({
              address: d,
              shown: addressShown(d),
              external: !own.has(domainOfAddress(d)),
            })),
            destinationsText: r.destinations.join('\n'),
            keepCopy: r.keepCopy,
            active: r.active,
            pending: !same(r, written.get(r.source)),
          }));
        return {
          redirections,
          mailDomains: [...own].sort().map(unicodeOf),
          closed: facts.closed,
        };
      }),
  };
}
