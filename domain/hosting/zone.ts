import { DomainError } from '../shared/errors.js';
import type { DnsEvent, DnsRecordAdded, DnsRecordChanged, DnsRecordRemoved } from './dns-events.js';
import { absoluteName, parseRecordName, parseTargetHost } from './dns-names.js';
import {
  checkRecordFits,
  DNS_RECORD_TYPES,
  parseDnsRecord,
  parseIpv4,
  parseIpv6,
  parseTxt,
  type DnsRecord,
  type DnsRecordInput,
  type DnsRecordType,
} from './dns-records.js';

/**
 * One DNS zone (`soa` row and its `rr` rows), the aggregate of the `zone-<id_soa>` stream.
 *
 * Its state is seeded from Gloux's `rr` rows as they are now, with the zone events gloux2
 * recorded but the mirror has not written yet folded on top (as a person's edit is decided
 * against Gloux's `tiers` row): Gloux's pages edit `rr` without any event, so a snapshot
 * imported once would go stale, while the live rows never do. Folding is idempotent (a record
 * already there is not added twice), so a row the mirror wrote a moment before its checkpoint
 * moved counts once.
 */
export interface ZoneState {
  readonly soaId: number;
  /** `soa.origin`, with its trailing dot. */
  readonly origin: string;
  /** The served records (`rr.active = 'Y'`), as stored. */
  readonly records: readonly DnsRecord[];
}

export const initialZoneState = (soaId: number, origin: string): ZoneState => ({
  soaId,
  origin,
  records: [],
});

/** Facts the handler loads beside the zone. */
export interface ZoneContext {
  /**
   * `domaines.gere_mx = 'O'`: the domain's mail is hosted by Ouvaton, whose MX records it keeps
   * right for the cooperator (HOSTING.md, Modules: domains-dns); they are not edited by hand.
   */
  readonly mxManaged: boolean;
}

/** A stored name relative to the zone, lower case (Gloux also stores FQDNs with their dot). */
function relativeName(name: string, origin: string): string {
  const n = name.trim().toLowerCase();
  if (n === '' || n === '@' || n === origin) return '';
  if (n.endsWith(`.${origin}`)) return n.slice(0, -(origin.length + 1));
  return n;
}

/** A stored target as MyDNS reads it: a dotless or empty one gets the origin. */
function absoluteHost(data: string, origin: string): string {
  const d = data.trim().toLowerCase();
  return d === '' || d === '@' ? origin : d.endsWith('.') ? d : `${d}.${origin}`;
}

function canonicalData(type: DnsRecordType, data: string, origin: string): string {
  switch (type) {
    case 'CNAME':
    case 'NS':
    case 'MX':
      return absoluteHost(data, origin);
    case 'SRV': {
      const [weight = '', port = '', target = ''] = data.trim().split(/\s+/);
      return `${weight} ${port} ${absoluteHost(target, origin)}`;
    }
    case 'AAAA':
      return data.trim().toLowerCase();
    case 'A':
    case 'TXT':
      return data;
  }
}

/** The record as MyDNS serves it: name relative, targets absolute (how two rows compare). */
export function canonicalRecord(r: DnsRecord, origin: string): DnsRecord {
  return { ...r, name: relativeName(r.name, origin), data: canonicalData(r.type, r.data, origin) };
}

/** Same `rr` row for MyDNS: same name, type and data once read the way MyDNS reads them. */
function sameRecord(a: DnsRecord, b: DnsRecord, origin: string): boolean {
  const x = canonicalRecord(a, origin);
  const y = canonicalRecord(b, origin);
  return x.name === y.name && x.type === y.type && x.data === y.data;
}

const without = (records: readonly DnsRecord[], r: DnsRecord, origin: string) =>
  records.filter((x) => !sameRecord(x, r, origin));

export function evolveZone(state: ZoneState, event: DnsEvent): ZoneState {
  switch (event.type) {
    case 'DnsRecordAdded': {
      const { record } = event.data;
      return { ...state, records: [...without(state.records, record, state.origin), record] };
    }
    case 'DnsRecordChanged': {
      const { from, to } = event.data;
      const rest = without(without(state.records, from, state.origin), to, state.origin);
      return { ...state, records: [...rest, to] };
    }
    case 'DnsRecordRemoved':
      return { ...state, records: without(state.records, event.data.record, state.origin) };
  }
}

export const foldZone = (events: readonly DnsEvent[], from: ZoneState): ZoneState =>
  events.reduce(evolveZone, from);

/** A record named by what identifies its row: name, type and data (typed, or as listed). */
export interface DnsRecordKey {
  readonly name: string;
  readonly type: string;
  readonly data: string;
}

export interface AddDnsRecord {
  readonly input: DnsRecordInput;
}

export interface ChangeDnsRecord {
  readonly current: DnsRecordKey;
  readonly input: DnsRecordInput;
}

export interface RemoveDnsRecord {
  readonly record: DnsRecordKey;
}

const zoneName = (origin: string) => origin.replace(/\.$/, '');

function refuseManagedMx(origin: string): never {
  throw new DomainError(
    'mx_managed',
    `La messagerie de ${zoneName(origin)} est hébergée par Ouvaton : ses enregistrements MX sont tenus à jour pour vous et ne se modifient pas à la main. Pour recevoir le courrier ailleurs, demandez d’abord à ne plus faire gérer la messagerie de ce domaine par Ouvaton.`,
    'type',
  );
}

/** MX, CNAME and NS targets must be host names: an address there is a common and silent mistake. */
function refuseAddressTarget(record: DnsRecord): void {
  if (record.type !== 'MX' && record.type !== 'CNAME' && record.type !== 'NS') return;
  // Four numeric labels: an IPv4 address typed as a target (IPv6 is no host name at all).
  if (/^\d{1,3}(?:\.\d{1,3}){3}\.$/.test(record.data))
    throw new DomainError(
      'invalid_input',
      `La cible d’un enregistrement ${record.type} est un nom d’hôte, pas une adresse IP : créez un enregistrement A pour cette adresse et visez son nom.`,
      'valeur',
    );
}

function parsed(input: DnsRecordInput, origin: string): DnsRecord {
  const record = parseDnsRecord(input, origin);
  refuseAddressTarget(record);
  return record;
}

export function decideAddDnsRecord(
  state: ZoneState,
  command: AddDnsRecord,
  context: ZoneContext,
): readonly DnsRecordAdded[] {
  const record = parsed(command.input, state.origin);
  if (record.type === 'MX' && context.mxManaged) refuseManagedMx(state.origin);
  checkRecordFits(
    state.records.map((r) => canonicalRecord(r, state.origin)),
    record,
    state.origin,
  );
  return [{ type: 'DnsRecordAdded', data: { soaId: state.soaId, origin: state.origin, record } }];
}

/** The stored record a key names (typed as a cooperator would, or as the zone lists it). */
export function findRecord(state: ZoneState, key: DnsRecordKey): DnsRecord {
  const type = key.type.trim().toUpperCase();
  if (!(DNS_RECORD_TYPES as readonly string[]).includes(type))
    throw new DomainError(
      'invalid_input',
      `Type d’enregistrement non géré : « ${key.type.trim()} » (types possibles : ${DNS_RECORD_TYPES.join(', ')}).`,
      'type',
    );
  const t = type as DnsRecordType;
  const name = parseRecordName(key.name, state.origin);
  const data = (() => {
    switch (t) {
      case 'A':
        return parseIpv4(key.data);
      case 'AAAA':
        return parseIpv6(key.data);
      case 'TXT':
        return parseTxt(key.data);
      case 'CNAME':
      case 'NS':
      case 'MX':
        return parseTargetHost(key.data, state.origin);
      case 'SRV': {
        const [weight = '', port = '', target = ''] = key.data.trim().split(/\s+/);
        return `${weight} ${port} ${parseTargetHost(target, state.origin)}`;
      }
    }
  })();
  const wanted: DnsRecord = { name, type: t, data, aux: 0, ttl: 0 };
  const found = state.records.find((r) => sameRecord(r, wanted, state.origin));
  if (!found)
    throw new DomainError(
      'not_found',
      `Aucun enregistrement ${t} « ${key.data.trim()} » sur ${absoluteName(name, state.origin)}.`,
      'valeur',
    );
  return found;
}

export function decideChangeDnsRecord(
  state: ZoneState,
  command: ChangeDnsRecord,
  context: ZoneContext,
): readonly DnsRecordChanged[] {
  const from = findRecord(state, command.current);
  const to = parsed(command.input, state.origin);
  if (context.mxManaged && (from.type === 'MX' || to.type === 'MX')) refuseManagedMx(state.origin);
  const same = canonicalRecord(from, state.origin);
  if (same.name === to.name && same.type === to.type && same.data === to.data)
    if (from.aux === to.aux && from.ttl === to.ttl) return [];
  checkRecordFits(
    without(state.records, from, state.origin).map((r) => canonicalRecord(r, state.origin)),
    to,
    state.origin,
  );
  return [
    { type: 'DnsRecordChanged', data: { soaId: state.soaId, origin: state.origin, from, to } },
  ];
}

export function decideRemoveDnsRecord(
  state: ZoneState,
  command: RemoveDnsRecord,
  context: ZoneContext,
): readonly DnsRecordRemoved[] {
  const record = findRecord(state, command.record);
  if (record.type === 'MX' && context.mxManaged) refuseManagedMx(state.origin);
  return [{ type: 'DnsRecordRemoved', data: { soaId: state.soaId, origin: state.origin, record } }];
}
