import { parisDateTimeOf } from '../shared/day.js';
import { Money } from '../shared/money.js';

/**
 * Monetico (ex CyberMUT) protocol, per docs/monetico.md: field building, MAC strings, key
 * decoding, formats. Pure: the HMAC-SHA1 itself is passed in (src/monetico/monetico-crypto.ts).
 */

export type MacScheme = 'current' | 'legacy';
export type MoneticoMode = 'test' | 'production';
/** HMAC-SHA1 of `message` under `key` (raw 20 bytes). */
export type HmacSha1 = (key: Uint8Array, message: Uint8Array) => Uint8Array;
export type Fields = Readonly<Record<string, string>>;

export const PROTOCOL_VERSION = '3.0';

/** The key is a secret: this error never carries it (nor any part of it). */
export class MoneticoKeyError extends Error {
  constructor(reason: string) {
    super(`MONETICO_KEY is invalid: ${reason}`);
    this.name = 'MoneticoKeyError';
  }
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * The key's bytes: hex-decoded; a 40-character legacy key with a letter G..Z in position 39
 * has it replaced by the character of code − 23 (P → 9), else an `M` in position 40 becomes `0`.
 */
export function decodeKey(key: string): Uint8Array {
  let hex = key.trim();
  if (hex.length === 40) {
    const c39 = hex.charCodeAt(38);
    if (c39 >= 71 && c39 <= 90) {
      hex = hex.slice(0, 38) + String.fromCharCode(c39 - 23) + hex.slice(39);
    } else if (hex[39] === 'M') {
      hex = hex.slice(0, 39) + '0';
    }
  }
  if (!HEX.test(hex)) {
    throw new MoneticoKeyError('expected hexadecimal characters (40 for a Monetico key)');
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const utf8 = new TextEncoder();

/** Byte order of the UTF-8 encodings (what the bank sorts by; JS's default sort is UTF-16 order). */
export function compareBytes(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Current scheme: every field but `MAC`, `key=value`, sorted by key in byte order, joined by `*`. */
export function currentMacString(fields: Fields): string {
  return Object.keys(fields)
    .filter((k) => k !== 'MAC')
    .sort(compareBytes)
    .map((k) => `${k}=${fields[k]}`)
    .join('*');
}

const LEGACY_FIELDS = [
  'TPE',
  'date',
  'montant',
  'reference',
  'texte-libre',
  'version',
  'lgue',
  'societe',
  'mail',
] as const;

/** Legacy scheme: the nine fixed fields then ten `*` (empty split-payment fields and options). */
export function legacyMacString(fields: Fields): string {
  return `${LEGACY_FIELDS.map((k) => fields[k] ?? '').join('*')}**********`;
}

export function macString(fields: Fields, scheme: MacScheme): string {
  return scheme === 'legacy' ? legacyMacString(fields) : currentMacString(fields);
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The seal, lowercase hex. */
export function computeMac(
  fields: Fields,
  scheme: MacScheme,
  key: Uint8Array,
  hmac: HmacSha1,
): string {
  return toHex(hmac(key, utf8.encode(macString(fields, scheme))));
}

/**
 * Compares two hex seals case-insensitively in time that depends only on their lengths (every
 * character is looked at whatever differs), so a forger learns nothing from the answer time.
 */
export function macEquals(expected: string, received: string): boolean {
  const a = expected.toLowerCase();
  const b = received.toLowerCase();
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** Verifies the `MAC` field of `fields` (sealed over all the other fields in the given scheme). */
export function verifyMac(
  fields: Fields,
  scheme: MacScheme,
  key: Uint8Array,
  hmac: HmacSha1,
): boolean {
  const received = fields.MAC ?? '';
  return macEquals(computeMac(fields, scheme, key, hmac), received);
}

/** `montant`: always two decimals then the currency, `24.80EUR`. */
export function formatMontant(amount: Money | string): string {
  const m = typeof amount === 'string' ? Money.of(amount) : amount;
  return `${m.toString()}EUR`;
}

const MONTANT = /^(\d{1,13}(?:\.\d{1,2})?)([A-Z]{3})$/;

/** Reads a `montant` back: the amount and the currency, or null. */
export function parseMontant(text: string): { amount: Money; currency: string } | null {
  const m = MONTANT.exec(text);
  if (!m) return null;
  return { amount: Money.of(m[1]), currency: m[2]! };
}

/** Paris wall-clock parts of an instant, from the one Paris formatter of domain/shared/day.ts. */
function parisClock(instant: Date): Record<'year' | 'month' | 'day' | 'time', string> {
  const [date = '', time = ''] = parisDateTimeOf(instant).split(' ');
  const [year = '', month = '', day = ''] = date.split('-');
  return { year, month, day, time };
}

/** The request's `date`, Paris time: `dd/mm/yyyy:HH:MM:SS`. */
export function formatRequestDate(instant: Date): string {
  const p = parisClock(instant);
  return `${p.day}/${p.month}/${p.year}:${p.time}`;
}

/** The notification's `date`, Paris time: `dd/mm/yyyy_a_HH:MM:SS`. */
export function formatNotificationDate(instant: Date): string {
  const p = parisClock(instant);
  return `${p.day}/${p.month}/${p.year}_a_${p.time}`;
}

const NOTIFICATION_DATE = /^(\d{2})\/(\d{2})\/(\d{4})_a_(\d{2}):(\d{2}):(\d{2})$/;

/** The Paris day (YYYY-MM-DD) of a notification's `date`, or null when it is not one. */
export function notificationDay(text: string): string | null {
  const m = NOTIFICATION_DATE.exec(text);
  if (!m) return null;
  const [, d, mo, y, h, mi, s] = m.map(Number) as number[];
  const t = new Date(Date.UTC(y!, mo! - 1, d!));
  if (t.getUTCDate() !== d || t.getUTCMonth() !== mo! - 1 || y! < 2000) return null;
  if (h! > 23 || mi! > 59 || s! > 59) return null;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

export const REFERENCE_LENGTH = 12;
const REFERENCE = /^[A-Za-z0-9]{1,12}$/;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function isReference(text: string): boolean {
  return REFERENCE.test(text);
}

/**
 * A new payment reference: `P` then 11 characters drawn from `random` (one byte each, an
 * unambiguous 32-letter alphabet, 55 bits): unique in practice, and the table's key makes sure.
 */
export function newReference(random: Uint8Array): string {
  if (random.length < REFERENCE_LENGTH - 1) throw new Error('newReference needs 11 random bytes');
  let s = 'P';
  for (let i = 0; i < REFERENCE_LENGTH - 1; i++) s += ALPHABET[random[i]! % ALPHABET.length];
  return s;
}

export interface BillingAddress {
  addressLine1: string;
  city: string;
  postalCode: string;
  country: string;
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const b of utf8.encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** `contexte_commande`: base64 of the UTF-8 JSON `{"billing":{addressLine1, city, postalCode, country}}`. */
export function contexteCommande(address: BillingAddress): string {
  const billing = {
    addressLine1: address.addressLine1,
    city: address.city,
    postalCode: address.postalCode,
    country: address.country,
  };
  return base64Utf8(JSON.stringify({ billing }));
}

/** ISO 3166 alpha-2 for the bank: Gloux's `pays` is often a name ('France') or empty. */
export function countryCode(pays: string): string {
  const p = pays.trim();
  if (/^[A-Za-z]{2}$/.test(p)) return p.toUpperCase();
  const known: Record<string, string> = {
    france: 'FR',
    belgique: 'BE',
    suisse: 'CH',
    luxembourg: 'LU',
    allemagne: 'DE',
    espagne: 'ES',
    italie: 'IT',
  };
  return known[p.toLowerCase()] ?? 'FR';
}

export interface PaymentRequest {
  tpe: string;
  societe: string;
  instant: Date;
  amount: Money;
  reference: string;
  mail: string;
  texteLibre: string;
  urlOk: string;
  urlErr: string;
  address: BillingAddress;
}

/** The fields the browser posts to the bank, `MAC` included. */
export function sealedRequest(
  req: PaymentRequest,
  scheme: MacScheme,
  key: Uint8Array,
  hmac: HmacSha1,
): Record<string, string> {
  const fields: Record<string, string> = {
    TPE: req.tpe,
    date: formatRequestDate(req.instant),
    montant: formatMontant(req.amount),
    reference: req.reference,
    version: PROTOCOL_VERSION,
    lgue: 'FR',
    societe: req.societe,
    mail: req.mail,
    'texte-libre': req.texteLibre,
    url_retour_ok: req.urlOk,
    url_retour_err: req.urlErr,
    contexte_commande: contexteCommande(req.address),
  };
  return { ...fields, MAC: computeMac(fields, scheme, key, hmac) };
}

/** Limits on a notification: the bank sends a few dozen short fields. */
export const NOTIFICATION_LIMITS = {
  fields: 100,
  nameLength: 64,
  valueLength: 4096,
} as const;

const FIELD_NAME = /^[A-Za-z0-9_-]+$/;
const REQUIRED = ['TPE', 'date', 'montant', 'reference', 'code-retour', 'MAC'] as const;

export type ParsedNotification =
  { ok: true; fields: Fields } | { ok: false; reason: string; reference: string };

/**
 * Checks the shape of a posted notification (before any MAC): names, sizes, duplicates, the
 * required fields. The reason is meant for a log line: it names the field, never echoes a value.
 */
export function parseNotification(
  pairs: readonly (readonly [string, string])[],
): ParsedNotification {
  const fields: Record<string, string> = {};
  const refOf = () => {
    const r = pairs.find(([k]) => k === 'reference')?.[1] ?? '';
    return isReference(r) ? r : '';
  };
  const fail = (reason: string): ParsedNotification => ({ ok: false, reason, reference: refOf() });
  if (pairs.length > NOTIFICATION_LIMITS.fields) {
    return fail(`${pairs.length} champs (au plus ${NOTIFICATION_LIMITS.fields})`);
  }
  for (const [name, value] of pairs) {
    if (name.length > NOTIFICATION_LIMITS.nameLength || !FIELD_NAME.test(name)) {
      return fail(`nom de champ invalide (${name.length} caractères)`);
    }
    if (value.length > NOTIFICATION_LIMITS.valueLength) {
      return fail(`champ ${name} trop long (${value.length} caractères)`);
    }
    if (Object.hasOwn(fields, name)) return fail(`champ ${name} en double`);
    fields[name] = value;
  }
  for (const name of REQUIRED) {
    if (!Object.hasOwn(fields, name)) return fail(`champ ${name} absent`);
  }
  if (!/^[0-9a-fA-F]{40}$/.test(fields.MAC!)) return fail('champ MAC mal formé');
  if (!isReference(fields.reference!)) return fail('champ reference mal formé');
  return { ok: true, fields };
}

/** The CGI2 answer: `cdr` reports the seal check, not the payment. */
export function cgi2Answer(sealValid: boolean): string {
  return `version=2\ncdr=${sealValid ? 0 : 1}\n`;
}

/** What was asked of the bank for a reference (stored when the form is built). */
export interface StoredRequest {
  reference: string;
  invoiceId: string;
  customerId: string;
  amount: string;
  texteLibre: string;
}

/** Why a validly sealed notification pays nothing. */
export type RejectionKind =
  | 'unknown_reference'
  | 'tpe_mismatch'
  | 'amount_mismatch'
  | 'invoice_mismatch'
  | 'wrong_mode'
  | 'unknown_code'
  | 'bad_date';

export type NotificationVerdict =
  | { kind: 'pay'; amount: string; receivedOn: string }
  | { kind: 'cancelled' }
  | { kind: RejectionKind; detail: string };

/**
 * What a sealed notification means for the request it names: a payment to record (on the
 * notification's Paris day, never after today), a cancellation (not final), or an anomaly.
 */
export function judgeNotification(
  fields: Fields,
  request: StoredRequest | null,
  ctx: { tpe: string; mode: MoneticoMode; today: string },
): NotificationVerdict {
  const reference = fields.reference ?? '';
  if (!request) {
    return { kind: 'unknown_reference', detail: `référence ${reference} inconnue` };
  }
  if (fields.TPE !== ctx.tpe) {
    return { kind: 'tpe_mismatch', detail: `TPE ${fields.TPE ?? ''} au lieu de ${ctx.tpe}` };
  }
  const code = fields['code-retour'] ?? '';
  if (code === 'Annulation') return { kind: 'cancelled' };
  const accepted = ctx.mode === 'production' ? 'paiement' : 'payetest';
  if (code === 'paiement' || code === 'payetest') {
    if (code !== accepted) {
      return {
        kind: 'wrong_mode',
        detail: `code-retour ${code} reçu en mode ${ctx.mode === 'production' ? 'production' : 'test'}`,
      };
    }
  } else {
    return { kind: 'unknown_code', detail: `code-retour ${code.slice(0, 32)} inconnu` };
  }
  const montant = parseMontant(fields.montant ?? '');
  const asked = Money.of(request.amount);
  if (!montant || montant.currency !== 'EUR' || !montant.amount.equals(asked)) {
    return {
      kind: 'amount_mismatch',
      detail: `montant ${(fields.montant ?? '').slice(0, 32)} au lieu de ${formatMontant(asked)}`,
    };
  }
  if ((fields['texte-libre'] ?? '') !== request.texteLibre) {
    return {
      kind: 'invoice_mismatch',
      detail: `texte-libre ne correspond pas à la facture de la référence ${reference}`,
    };
  }
  const day = notificationDay(fields.date ?? '');
  if (!day) return { kind: 'bad_date', detail: 'date illisible' };
  return { kind: 'pay', amount: asked.toString(), receivedOn: day > ctx.today ? ctx.today : day };
}
