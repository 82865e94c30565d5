import { DNS_EVENT_TYPES, type DnsEvent } from './dns-events.js';
import { DOMAIN_NAME_EVENT_TYPES, type DomainNameEvent } from './domain-events.js';
import { FTP_EVENT_TYPES, type FtpEvent } from './ftp-events.js';
import { REDIRECTION_EVENT_TYPES, type RedirectionEvent } from './redirection-events.js';
import { MAILBOX_EVENT_TYPES, type MailboxEvent } from './mailbox-events.js';
import { VHOST_EVENT_TYPES, type VhostEvent } from './vhost-events.js';

/**
 * The web hosting events (issue 18). Each module declares its own union in its own file
 * (domains: domain-events.ts; web spaces: vhost-events.ts; DNS records: dns-events.ts; FTP:
 * ftp-events.ts; mail redirections: redirection-events.ts; mailboxes: mailbox-events.ts) and
 * adds it here,
 * to the union and to HOSTING_EVENT_TYPES.
 *
 * Streams: `hosting-<id_hebergement>` serialises the inventory of one hosting (domains, web
 * spaces, FTP accounts, later mailboxes and databases); `zone-<soa.id>` orders the DNS changes
 * of one zone, so its serial bumps follow the changes.
 */
export type HostingEvent =
  DomainNameEvent | FtpEvent | DnsEvent | VhostEvent | RedirectionEvent | MailboxEvent;

/** Every hosting event type, once (a module's union missing here does not compile). */
const HOSTING_EVENT_TYPES: { readonly [T in HostingEvent['type']]: true } = {
  ...DOMAIN_NAME_EVENT_TYPES,
  ...FTP_EVENT_TYPES,
  ...DNS_EVENT_TYPES,
  ...VHOST_EVENT_TYPES,
  ...REDIRECTION_EVENT_TYPES,
  ...MAILBOX_EVENT_TYPES,
};

export function isHostingEvent(e: { type: string }): e is HostingEvent {
  return Object.hasOwn(HOSTING_EVENT_TYPES, e.type);
}

/** The stream of one hosting account (`hebergements.id_hebergement`). */
export const hostingStream = (hostingId: number): string => `hosting-${hostingId}`;

/** The stream of one DNS zone (`soa.id`). */
export const zoneStream = (soaId: number): string => `zone-${soaId}`;
