/**
 * Events of a hosting's domains (`domaines`), on the hosting's stream `hosting-<id_hebergement>`
 * (domain/hosting/events.ts). Released shapes never change: add a new type instead.
 * Names are A-labels (punycode), lower case, without the trailing dot: `domaines.domaine`.
 */

/**
 * A domain added to a hosting in gloux2. `manageDns`: its zone is served from `soa`/`rr` (the
 * mirror writes the `soa` row and Gloux's default records); `manageMx`: its mail is hosted here
 * (`domaines.gere_mx`, the MX record).
 */
export interface DomainAdded {
  readonly type: 'DomainAdded';
  readonly data: {
    readonly hostingId: number;
    readonly domain: string;
    readonly manageDns: boolean;
    readonly manageMx: boolean;
  };
}

/** A domain taken off a hosting (nothing used it any more); its zone goes with it. */
export interface DomainRemoved {
  readonly type: 'DomainRemoved';
  readonly data: {
    readonly hostingId: number;
    readonly domain: string;
  };
}

/**
 * Whether Ouvaton hosts the domain's mail (`domaines.gere_mx`), switched by its owner (issue 19,
 * "MX handled transparently"): on, Ouvaton's MX is written in a zone served here and the mail
 * section offers boxes and redirections; off (once no address is left), Ouvaton's MX records
 * are removed and the cooperator may point the MX elsewhere. The zone's own changes are
 * `DnsRecord*` events on the zone's stream, recorded with this one.
 */
export interface DomainMailHostingChanged {
  readonly type: 'DomainMailHostingChanged';
  readonly data: {
    readonly hostingId: number;
    readonly domain: string;
    readonly manageMx: boolean;
    readonly actor: string;
  };
}

export type DomainNameEvent = DomainAdded | DomainRemoved | DomainMailHostingChanged;

/** Every type of the union, once (a missing or extra key does not compile). */
export const DOMAIN_NAME_EVENT_TYPES: { readonly [T in DomainNameEvent['type']]: true } = {
  DomainAdded: true,
  DomainRemoved: true,
  DomainMailHostingChanged: true,
};
