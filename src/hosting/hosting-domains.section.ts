import { domainToUnicode } from 'node:url';
import type { LegacyHosting } from '../../legacy-sync/legacy-hosting-inventory.js';
import { domainsOfHosting } from '../../legacy-sync/legacy-hosting-inventory.js';
import { Db } from '../kernel/database/db.js';
import type { HostingSection } from './hosting-sections.js';

/** A domain as the pages show it: Unicode for reading, the stored A-labels beside. */
export const unicodeOf = (ascii: string): string => domainToUnicode(ascii) || ascii;

/**
 * The hosting page's domains: what the hosting holds now (Gloux's `domaines` rows with the
 * changes not yet written there on top); `pending`: added in gloux2, not yet in Gloux's table.
 */
export function domainsSection(
  db: Db,
  current: (
    hostingId: number,
  ) => Promise<ReadonlyMap<string, { manageDns: boolean; manageMx: boolean }>>,
): HostingSection {
  return {
    key: 'domains',
    order: 10,
    title: 'Domaines',
    partial: 'hosting_domains',
    read: async (hosting: LegacyHosting) => {
      const domains = await current(hosting.hostingId);
      const written = new Map(
        (await db.run((q) => domainsOfHosting(q, hosting.hostingId))).map((d) => [d.domain, d]),
      );
      return {
        domains: [...domains]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([domain, d]) => ({
            domain,
            display: unicodeOf(domain),
            idn: unicodeOf(domain) !== domain,
            manageDns: d.manageDns,
            manageMx: d.manageMx,
            soaId: written.get(domain)?.soaId ?? null,
            pending: !written.has(domain),
          })),
      };
    },
  };
}
