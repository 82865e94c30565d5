import { createHash } from 'node:crypto';
import type {
  GlouxInvoiceRow,
  GlouxLineRow,
  GlouxPaymentRow,
} from '../domain/legacy/gloux-ingest.js';
import { parisDayOf } from '../domain/shared/day.js';
import { Dec } from '../domain/shared/money.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * Gloux's billing rows as the ingestion reads them: text decoded (latin1 columns holding
 * UTF-8), zero dates as null, money as exact decimal strings (DECIMAL cast in SQL, FLOAT and
 * DOUBLE rounded to the cent from the value Gloux meant).
 */

/**
 * The gloux2 id of a Gloux row: a uuid derived from the table and id (RFC 4122 version 5
 * layout over SHA-1), so the same row always gives the same stream and events.
 */
export function legacyUuid(kind: string, legacyId: number | string): string {
  const h = createHash('sha1').update(`gloux:${kind}:${legacyId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A DATE/DATETIME column: its day, or null for Gloux's zero date ('0000-00-00', "unset"). */
export function legacyDay(v: unknown): string | null {
  const s = v === null || v === undefined ? '' : String(v).slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !s.startsWith('0000') && !s.includes('-00') ? s : null;
}

/**
 * The decimal a FLOAT/DOUBLE column holds, as Gloux meant it: the shortest decimal that reads
 * back as the same binary value (single precision when the value is one), so 2.675 stored as
 * 2.67499995… is 2.675 and not 2.67.
 */
export function legacyFloat(v: unknown): string {
  if (typeof v === 'string') return v.trim() === '' ? '0' : new Dec(v.trim()).toString();
  const n = Number(v ?? 0);
  if (!Number.isFinite(n)) return '0';
  if (Math.fround(n) === n) {
    for (let p = 1; p <= 9; p++) {
      const s = n.toPrecision(p);
      if (Math.fround(Number(s)) === n) return new Dec(s).toString();
    }
  }
  return new Dec(String(n)).toString();
}

/** FLOAT/DOUBLE money rounded to the cent (half away from zero). */
export function legacyFloatMoney(v: unknown): string {
  return new Dec(legacyFloat(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
}

/** SQL for a DECIMAL column as an exact two-decimal string. */
export function decimalSelect(column: string, q: Queryable): string {
  return q.dialect === 'mysql' ? `CAST(${column} AS CHAR)` : `printf('%.2f', ${column})`;
}

function dayCol(column: string, q: Queryable): string {
  return q.dialect === 'mysql' ? `CAST(${column} AS CHAR)` : column;
}

const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);

function placeholders(ids: readonly number[]): string {
  return ids.map(() => '?').join(', ');
}

export async function readLegacyInvoices(
  q: Queryable,
  ids: readonly number[],
): Promise<GlouxInvoiceRow[]> {
  if (ids.length === 0) return [];
  const rows = await q.query(
    `SELECT id_facture, numero, id_client, ${dayCol('date_facture', q)} AS date_facture, ${dayCol('date_echeance', q)} AS date_echeance,
            ${legacyTextSelect('adresse_facturation', q.dialect)} AS adresse, ${decimalSelect('total_ht', q)} AS total_ht,
            ${decimalSelect('total_tva', q)} AS total_tva, ${decimalSelect('total_ttc', q)} AS total_ttc, statut, type_facture, id_facture_origine
       FROM factures WHERE id_facture IN (${placeholders(ids)}) ORDER BY id_facture`,
    ids,
  );
  return rows.map((r) => ({
    id: Number(r.id_facture),
    number: text(r.numero).trim(),
    customerId: String(r.id_client),
    issuedOn: legacyDay(r.date_facture),
    dueOn: legacyDay(r.date_echeance),
    billingAddress: text(r.adresse),
    totalNet: String(r.total_ht),
    totalVat: String(r.total_tva),
    total: String(r.total_ttc),
    status: String(r.statut ?? ''),
    kind: String(r.type_facture ?? ''),
    originId: Number(r.id_facture_origine ?? 0),
  }));
}

export async function readLegacyLines(
  q: Queryable,
  invoiceIds: readonly number[],
): Promise<GlouxLineRow[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await q.query(
    `SELECT id_ligne, id_facture, id_hebergement, id_produit, type_ligne, ${legacyTextSelect('libelle', q.dialect)} AS libelle,
            quantite, prix_unitaire_ht, taux_tva, montant_ht, ${dayCol('periode_debut', q)} AS periode_debut,
            ${dayCol('periode_fin', q)} AS periode_fin
       FROM factures_lignes WHERE id_facture IN (${placeholders(invoiceIds)}) ORDER BY id_facture, id_ligne`,
    invoiceIds,
  );
  return rows.map((r) => ({
    id: Number(r.id_ligne),
    invoiceId: Number(r.id_facture),
    hostingId: Number(r.id_hebergement),
    productId: Number(r.id_produit),
    kind: String(r.type_ligne ?? ''),
    label: text(r.libelle).trim(),
    quantity: legacyFloat(r.quantite),
    unitNet: legacyFloat(r.prix_unitaire_ht),
    vatRate: legacyFloat(r.taux_tva),
    net: legacyFloatMoney(r.montant_ht),
    serviceStart: legacyDay(r.periode_debut),
    serviceEnd: legacyDay(r.periode_fin),
  }));
}

export async function readLegacyPayments(
  q: Queryable,
  ids: readonly number[],
): Promise<GlouxPaymentRow[]> {
  if (ids.length === 0) return [];
  const rows = await q.query(
    `SELECT id_paiement, id_client, mode, montant, ${dayCol('date_paiement', q)} AS date_paiement, saisi_le,
            ${legacyTextSelect('reference', q.dialect)} AS reference, ${legacyTextSelect('banque', q.dialect)} AS banque, etat
       FROM paiements WHERE id_paiement IN (${placeholders(ids)}) ORDER BY id_paiement`,
    ids,
  );
  return rows.map((r) => ({
    id: Number(r.id_paiement),
    customerId: String(r.id_client),
    mode: String(r.mode ?? ''),
    amount: legacyFloatMoney(r.montant),
    paidOn: legacyDay(r.date_paiement),
    enteredOn: Number(r.saisi_le) > 0 ? parisDayOf(new Date(Number(r.saisi_le) * 1000)) : null,
    reference: text(r.reference).trim(),
    bank: text(r.banque).trim(),
    state: String(r.etat ?? ''),
  }));
}

/** Gloux's allocations of these payments, summed per (payment, invoice). */
export async function readLegacyAllocations(
  q: Queryable,
  paymentIds: readonly number[],
): Promise<{ paymentId: number; invoiceId: number; amount: string }[]> {
  if (paymentIds.length === 0) return [];
  const rows = await q.query(
    `SELECT id_paiement, id_facture, ${decimalSelect('SUM(montant)', q)} AS montant FROM paiements_factures
      WHERE id_paiement IN (${placeholders(paymentIds)}) GROUP BY id_paiement, id_facture ORDER BY id_paiement, id_facture`,
    paymentIds,
  );
  return rows.map((r) => ({
    paymentId: Number(r.id_paiement),
    invoiceId: Number(r.id_facture),
    amount: String(r.montant),
  }));
}

/**
 * SQL for a payment's mutable state as Gloux holds it (etat, amount and allocations): the
 * ingestion stores it once reconciled and looks again only at rows where it changed.
 */
export function paymentFingerprintSql(q: Queryable, alias = 'p'): string {
  const sum = `(SELECT ${decimalSelect('SUM(pf.montant)', q)} FROM paiements_factures pf WHERE pf.id_paiement = ${alias}.id_paiement)`;
  const count = `(SELECT COUNT(*) FROM paiements_factures pf WHERE pf.id_paiement = ${alias}.id_paiement)`;
  const amount =
    q.dialect === 'mysql'
      ? `CAST(ROUND(${alias}.montant, 2) AS DECIMAL(14,2))`
      : `printf('%.2f', ${alias}.montant)`;
  return q.dialect === 'mysql'
    ? `CONCAT(${alias}.etat, '|', ${amount}, '|', COALESCE(${sum}, ''), '|', ${count})`
    : `(${alias}.etat || '|' || ${amount} || '|' || COALESCE(${sum}, '') || '|' || ${count})`;
}

/**
 * SQL for an invoice's lines as Gloux holds them (every column gloux2 reads, in id order), for
 * `invoice` an SQL expression giving its id_facture: the ingestion keeps it once an invoice is
 * taken in and reads the lines again only when it changed (a row updated, added or deleted).
 * MariaDB keeps its MD5; SQLite, which has no hash function, the text itself.
 */
export function linesFingerprintSql(q: Queryable, invoice: string): string {
  const cols = [
    'l.id_ligne',
    'l.id_hebergement',
    'l.id_produit',
    'l.type_ligne',
    'l.libelle',
    'l.quantite',
    'l.prix_unitaire_ht',
    'l.taux_tva',
    'l.montant_ht',
    'l.periode_debut',
    'l.periode_fin',
  ];
  const lines =
    q.dialect === 'mysql'
      ? `SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', ${cols.join(', ')}) ORDER BY l.id_ligne SEPARATOR ';'))`
      : `SELECT group_concat(${cols.join(` || '|' || `)}, ';' ORDER BY l.id_ligne)`;
  return `COALESCE((${lines} FROM factures_lignes l WHERE l.id_facture = ${invoice}), '-')`;
}
