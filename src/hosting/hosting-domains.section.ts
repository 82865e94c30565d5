import { domainToUnicode } from 'node:url';
import {
  domainsOfHosting,
  type LegacyHosting,
} from '../../legacy-sync/legacy-hosting-inventory.js';
import { Db } from '../kernel/database/db.js';
import type { HostingSection } from './hosting-sections.js';

/** A domain as the pages show it: Unicode for reading, the stored A-labels beside. */
export const unicodeOf = (ascii: string): string => domainToUnicode(ascii) || ascii;

/** The hosting page's domains: Gloux's `domaines` rows of the hosting. */
export function domainsSection(db: Db): HostingSection {
  return {
    key: 'domains',
    order: 10,
    title: 'Domaines',
    partial: 'hosting_domains',
    read: async (hosting: LegacyHosting) => {
      const rows = await db.run((q) => domainsOfHosting(q, hosting.hostingId));
      return {
        domains: rows.map((d) => ({
          domain: d.domain,
          display: unicodeOf(d.domain),
          idn: unicodeOf(d.domain) !== d.domain,
          manageDns: d.manageDns,
          manageMx: d.manageMx,
          soaId: d.soaId,
        })),
      };
    },
  };
}
