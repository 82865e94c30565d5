import type { DnsRecord } from './dns-records.js';

/**
 * DNS record events, on the zone's stream `zone-<id_soa>` (`zoneStream` in ./events.ts): every
 * change of one zone's records is serialised there, so two edits cannot both pass the CNAME
 * rule. Released shapes never change: add a new type instead.
 *
 * A record is carried as its `rr` row holds it (name relative to the zone or, for Gloux's own
 * rows, as Gloux stored it; targets with their dot), so the mirror finds the row it replaces.
 */

/** What every zone event names: the zone (`soa.id`, `soa.origin`) and its domain. */
export interface ZoneRef {
  readonly soaId: number;
  /** `soa.origin`, with its trailing dot. */
  readonly origin: string;
}

export interface DnsRecordAdded {
  readonly type: 'DnsRecordAdded';
  readonly data: ZoneRef & { readonly record: DnsRecord };
}

/** `from` as it was stored; `to` as it is written in its place. */
export interface DnsRecordChanged {
  readonly type: 'DnsRecordChanged';
  readonly data: ZoneRef & { readonly from: DnsRecord; readonly to: DnsRecord };
}

export interface DnsRecordRemoved {
  readonly type: 'DnsRecordRemoved';
  readonly data: ZoneRef & { readonly record: DnsRecord };
}

export type DnsEvent = DnsRecordAdded | DnsRecordChanged | DnsRecordRemoved;

/** Every DNS event type, once (for the HostingEvent union's list in ./events.ts). */
export const DNS_EVENT_TYPES: { readonly [T in DnsEvent['type']]: true } = {
  DnsRecordAdded: true,
  DnsRecordChanged: true,
  DnsRecordRemoved: true,
};

export function isDnsEvent(e: { type: string }): e is DnsEvent {
  return Object.hasOwn(DNS_EVENT_TYPES, e.type);
}
