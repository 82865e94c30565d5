import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import type { Db } from '../../kernel/database/db.js';
import type { HostingSection } from '../hosting-sections.js';
import { mailDomainsOf } from './mail-mx.js';

/**
 * The hosting page's « Courrier des domaines »: per domain, where its mail goes (Ouvaton, a
 * server elsewhere named, no MX, or a zone served elsewhere with the MX to set there), the
 * offer to remove Ouvaton's MX once no address is left, and to host the mail here again.
 */
export function mailDomainsSection(db: Db): HostingSection {
  return {
    key: 'mailDomains',
    order: 45,
    title: 'Courrier des domaines',
    partial: 'hosting_mail_domains',
    read: async (hosting: LegacyHosting) => ({
      domains: await db.transaction((tx) => mailDomainsOf(tx, hosting.hostingId)),
    }),
  };
}
