import { DomainError } from '../shared/errors.js';
import { absoluteName, parseRecordName, parseTargetHost } from './dns-names.js';

/**
 * The DNS records a cooperator manages, as MyDNS's `rr` stores them (one row: name, type, data,
 * aux, ttl). Only these types: `rr.type` is an ENUM, and under Gloux's `sql_mode=''` a type it
 * lacks (CAA…) is stored as `''`, so the whitelist is here (HOSTING.md, pitfalls).
 */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'NS'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** `rr.data` is VARBINARY(128): longer TXT needs mydns-ng's `edata`, which Gloux's table lacks. */
export const RR_DATA_MAX_BYTES = 128;
export const DEFAULT_TTL = 3600;
export const MIN_TTL = 60;
export const MAX_TTL = 604_800;

/** A record as MyDNS's `rr` row holds it (name relative to the zone; targets with their dot). */
export interface DnsRecord {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly data: string;
  /** MX preference, SRV priority; 0 otherwise (the column has no default). */
  readonly aux: number;
  readonly ttl: number;
}

/** What a form or the API sends for one record (text, as typed). */
export interface DnsRecordInput {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly ttl?: string;
  /** MX and SRV. */
  readonly priority?: string;
  /** SRV. */
  readonly weight?: string;
  readonly port?: string;
}

const isRecordType = (t: string): t is DnsRecordType =>
  (DNS_RECORD_TYPES as readonly string[]).includes(t);

function integer(raw: string | undefined, field: string, label: string, min: number, max: number) {
  const text = (raw ?? '').trim();
  if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max)
    throw new DomainError(
      'invalid_input',
      `${label} doit être un nombre entier de ${min} à ${max}.`,
      field,
    );
  return Number(text);
}

function ttlOf(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_TTL;
  return integer(raw, 'ttl', 'La durée de vie (TTL, en secondes)', MIN_TTL, MAX_TTL);
}

/** `192.0.2.10`: four decimal bytes, no leading zero (read as octal by some resolvers). */
export function parseIpv4(raw: string, field = 'valeur'): string {
  const text = raw.trim();
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256))
    throw new DomainError(
      'invalid_input',
      `« ${text} » n’est pas une adresse IPv4 (quatre nombres de 0 à 255, par exemple 192.0.2.10).`,
      field,
    );
  return text;
}

/** An IPv6 address in its canonical text form (RFC 5952: lower case, longest zero run as ::). */
export function parseIpv6(raw: string, field = 'valeur'): string {
  const text = raw.trim().toLowerCase();
  const refuse = () =>
    new DomainError(
      'invalid_input',
      `« ${raw.trim()} » n’est pas une adresse IPv6 (par exemple 2001:db8::10).`,
      field,
    );
  if (!/^[0-9a-f:.]+$/.test(text) || text.split('::').length > 2) throw refuse();
  const groupsOf = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    pieces.forEach((piece, i) => {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece, field).split('.').map(Number);
        out.push(v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) out.push(parseInt(piece, 16));
      else throw refuse();
    });
    return out;
  };
  let groups: number[];
  try {
    const [head, tail] = text.split('::') as [string, string | undefined];
    const left = groupsOf(head);
    if (tail === undefined) groups = left;
    else {
      const right = groupsOf(tail);
      if (left.length + right.length > 7) throw refuse();
      groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
    }
  } catch {
    throw refuse();
  }
  if (groups.length !== 8) throw refuse();
  // The longest run of two or more zero groups (the first one on a tie) becomes ::.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** TXT as MyDNS stores it: raw text, unquoted, at most 128 bytes, never cut. */
export function parseTxt(raw: string, field = 'valeur'): string {
  // A value pasted with its quotes (`"v=spf1 …"`) is the same text.
  const text = /^".*"$/s.test(raw.trim()) ? raw.trim().slice(1, -1) : raw.trim();
  if (text === '') throw new DomainError('invalid_input', 'Le texte est vide.', field);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text))
    throw new DomainError(
      'invalid_input',
      'Le texte ne peut pas contenir de retour à la ligne ni de caractère de contrôle.',
      field,
    );
  const bytes = utf8Bytes(text);
  if (bytes > RR_DATA_MAX_BYTES)
    throw new DomainError(
      'invalid_input',
      `Le texte fait ${bytes} octets ; la table des zones en garde ${RR_DATA_MAX_BYTES} au plus, et un texte plus long serait coupé. Pour une clé DKIM, utilisez une clé de 1024 bits.`,
      field,
    );
  return text;
}

/** One record from what was typed, in the zone `origin`, as its `rr` row. */
export function parseDnsRecord(input: DnsRecordInput, origin: string): DnsRecord {
  const type = input.type.trim().toUpperCase();
  if (!isRecordType(type))
    throw new DomainError(
      'invalid_input',
      `Type d’enregistrement non géré : « ${input.type.trim()} » (types possibles : ${DNS_RECORD_TYPES.join(', ')}).`,
      'type',
    );
  const name = parseRecordName(input.name, origin);
  const ttl = ttlOf(input.ttl);
  const record = (data: string, aux = 0): DnsRecord => {
    if (utf8Bytes(data) > RR_DATA_MAX_BYTES)
      throw new DomainError(
        'invalid_input',
        `La valeur dépasse ${RR_DATA_MAX_BYTES} octets (limite de la table des zones).`,
        'valeur',
      );
    return { name, type, data, aux, ttl };
  };
  switch (type) {
    case 'A':
      return record(parseIpv4(input.value));
    case 'AAAA':
      return record(parseIpv6(input.value));
    case 'CNAME':
      if (name === '')
        throw new DomainError(
          'invalid_input',
          'Un alias (CNAME) ne peut pas être posé sur le domaine lui-même : utilisez un enregistrement A ou AAAA.',
          'nom',
        );
      return record(parseTargetHost(input.value, origin));
    case 'NS':
      return record(parseTargetHost(input.value, origin));
    case 'MX':
      return record(
        parseTargetHost(input.value, origin),
        integer(input.priority, 'priorite', 'La priorité', 0, 65_535),
      );
    case 'TXT':
      return record(parseTxt(input.value));
    case 'SRV': {
      const labels = name.split('.');
      if (labels.length < 2 || !labels[0]!.startsWith('_') || !labels[1]!.startsWith('_'))
        throw new DomainError(
          'invalid_input',
          'Le nom d’un enregistrement SRV commence par _service._protocole (par exemple _sip._tcp).',
          'nom',
        );
      const weight = integer(input.weight, 'poids', 'Le poids', 0, 65_535);
      const port = integer(input.port, 'port', 'Le port', 0, 65_535);
      const target = parseTargetHost(input.value, origin);
      return record(
        `${weight} ${port} ${target}`,
        integer(input.priority, 'priorite', 'La priorité', 0, 65_535),
      );
    }
  }
}

/** Two records are the same `rr` row when name, type and data are (Gloux's unique key). */
const sameRow = (a: DnsRecord, b: DnsRecord) =>
  a.name === b.name && a.type === b.type && a.data === b.data;

/**
 * Adding `record` to a zone holding `existing`: refused when the row exists, or when it would
 * break CNAME exclusivity (a name with a CNAME has no other record, RFC 1034 §3.6.2).
 * `origin` names the zone in the messages.
 */
export function checkRecordFits(
  existing: readonly DnsRecord[],
  record: DnsRecord,
  origin: string,
): void {
  const at = existing.filter((r) => r.name === record.name);
  const where = absoluteName(record.name, origin);
  if (at.some((r) => sameRow(r, record)))
    throw new DomainError('conflict', `Cet enregistrement ${record.type} existe déjà sur ${where}`);
  if (record.type === 'CNAME' && at.length > 0)
    throw new DomainError(
      'conflict',
      `${where} porte déjà d’autres enregistrements (${[...new Set(at.map((r) => r.type))].join(', ')}) : un alias CNAME doit y être seul.`,
      'nom',
    );
  if (record.type !== 'CNAME' && at.some((r) => r.type === 'CNAME'))
    throw new DomainError(
      'conflict',
      `${where} est un alias (CNAME) : il ne peut pas porter d’autre enregistrement.`,
      'nom',
    );
}
