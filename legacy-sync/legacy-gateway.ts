import type { Queryable } from '../src/kernel/database/db.js';
import { beginDraw, drawTaken } from '../src/kernel/event-store/number-gaps.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/** Read access to Gloux's tables for the rest of gloux2 (legacy-sync owns every Gloux access). */

export interface LegacyCustomer {
  customerId: string;
  customerNumber: string;
  tiersId: string;
  name: string;
  email: string;
  address: string;
  postalCode: string;
  city: string;
  country: string;
  state: 'actif' | 'suspendu' | 'ferme';
  /** Gloux's clients.solde rounded to the cent (FLOAT column). */
  balance: string;
}

/** A tiers row's text columns as selected (raw bytes or text: decodeLegacyText reads them). */
export interface TiersTextRow {
  id_tiers: number | string;
  nom: unknown;
  prenom: unknown;
  raison_sociale: unknown;
  adresse: unknown;
  code_postal: unknown;
  ville: unknown;
  email: unknown;
  [k: string]: unknown;
}

interface CustomerRow extends TiersTextRow {
  id_client: number | string;
  num_client: string;
  pays: unknown;
  etat: string;
  solde: unknown;
  [k: string]: unknown;
}

function customerSelect(q: Queryable): string {
  const t = (col: string) => `${legacyTextSelect(`t.${col}`, q.dialect)} AS ${col}`;
  // FLOAT money: rounded and cast in SQL so it arrives as an exact decimal string.
  const solde =
    q.dialect === 'mysql' ? 'CAST(ROUND(c.solde, 2) AS DECIMAL(12,2))' : "printf('%.2f', c.solde)";
  return `SELECT c.id_client, c.num_client, c.etat, ${solde} AS solde, t.id_tiers,
    ${['nom', 'prenom', 'raison_sociale', 'adresse', 'code_postal', 'ville', 'pays', 'email'].map(t).join(', ')}
    FROM clients c
    LEFT JOIN tiers t ON t.id_tiers = CASE WHEN c.id_tiers_facture <> 0 THEN c.id_tiers_facture ELSE c.id_tiers END`;
}

function toCustomer(r: CustomerRow): LegacyCustomer {
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  const company = text(r.raison_sociale).trim();
  const person = `${text(r.prenom)} ${text(r.nom)}`.trim();
  const solde = String(r.solde ?? '0.00');
  return {
    customerId: String(r.id_client),
    customerNumber: r.num_client,
    tiersId: String(r.id_tiers ?? '0'),
    name: company || person || `Client n° ${r.num_client}`,
    email: text(r.email),
    address: text(r.adresse),
    postalCode: text(r.code_postal),
    city: text(r.ville),
    country: text(r.pays) || 'FR',
    state: r.etat === 'suspendu' || r.etat === 'ferme' ? r.etat : 'actif',
    balance: solde === '-0.00' ? '0.00' : solde,
  };
}

export async function findCustomer(
  q: Queryable,
  customerId: string,
): Promise<LegacyCustomer | null> {
  if (!/^\d{1,10}$/.test(customerId)) return null;
  const [row] = await q.query<CustomerRow>(`${customerSelect(q)} WHERE c.id_client = ?`, [
    Number(customerId),
  ]);
  return row ? toCustomer(row) : null;
}

export async function listCustomers(q: Queryable, limit = 200): Promise<LegacyCustomer[]> {
  const rows = await q.query<CustomerRow>(
    `${customerSelect(q)} ORDER BY c.id_client LIMIT ${Math.floor(limit)}`,
  );
  return rows.map(toCustomer);
}

/** The customers with these ids (unknown ids are left out). */
export async function findCustomers(
  q: Queryable,
  customerIds: readonly string[],
): Promise<LegacyCustomer[]> {
  const ids = [...new Set(customerIds)].filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  if (ids.length === 0) return [];
  const rows = await q.query<CustomerRow>(
    `${customerSelect(q)} WHERE c.id_client IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  return rows.map(toCustomer);
}

/** The billing address snapshot written on an invoice: name, then the address lines. */
export function billingAddressOf(c: LegacyCustomer): string {
  const cityLine = `${c.postalCode} ${c.city}`.trim();
  const address = c.address.trim();
  const lines = [c.name, address];
  if (cityLine && !address.includes(cityLine)) lines.push(cityLine);
  return lines.filter((l) => l !== '').join('\n');
}

/**
 * One value from a Gloux counter (its row must exist), with Gloux's own atomic statement (G1,
 * G2): UPDATE … LAST_INSERT_ID(valeur + 1) on the same connection; RETURNING on SQLite.
 * MyISAM: the draw never rolls back, so callers record a number they cannot use.
 */
export async function drawCounter(q: Queryable, counter: string): Promise<number> {
  let value: number;
  if (q.dialect === 'mysql') {
    const { affected } = await q.execute(
      `UPDATE compteurs SET valeur = LAST_INSERT_ID(valeur + 1) WHERE nom = ?`,
      [counter],
    );
    if (affected !== 1) throw new Error(`Counter ${counter} could not be drawn`);
    const [row] = await q.query<{ v: number | string }>(`SELECT LAST_INSERT_ID() AS v`);
    value = Number(row?.v);
  } else {
    const [row] = await q.query<{ valeur: number }>(
      `UPDATE compteurs SET valeur = valeur + 1 WHERE nom = ? RETURNING valeur`,
      [counter],
    );
    value = Number(row?.valeur);
  }
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`Could not draw a number from counter ${counter}`);
  return value;
}

/**
 * A draw of a numbered series (invoices, credit notes, shares), journaled from before the counter
 * moves (g2_number_draws): if this process is killed before the number is used, the next start
 * records it as a gap (legacy-sync/legacy-number-gaps.ts). `q` must not be a transaction.
 */
export async function drawJournaled(q: Queryable, counter: string, at: Date): Promise<number> {
  const [row] = await q.query<{ valeur: unknown }>(`SELECT valeur FROM compteurs WHERE nom = ?`, [
    counter,
  ]);
  const drawId = await beginDraw(q, counter, Number(row?.valeur ?? 0), at);
  let value: number;
  try {
    value = await drawCounter(q, counter);
  } catch (error) {
    await q.execute(`DELETE FROM g2_number_draws WHERE id = ?`, [drawId]);
    throw error;
  }
  await drawTaken(q, drawId, value);
  return value;
}

/**
 * Draws the next document number from Gloux's shared counters exactly as Gloux does (G1):
 * atomic UPDATE … LAST_INSERT_ID(valeur + 1) on the same connection. MyISAM: it never rolls back.
 * Invoices use Gloux's `facture_<year>` (F2026-000001); credit notes their own chronological
 * series `avoir_<year>` (A2026-000001), a counter Gloux never touches.
 */
export async function drawDocumentNumber(
  q: Queryable,
  kind: 'invoice' | 'credit_note',
  year: number,
  at: Date,
): Promise<{ counter: string; value: number; number: string }> {
  const counter = `${kind === 'invoice' ? 'facture' : 'avoir'}_${year}`;
  const insert = q.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  await q.execute(`${insert} INTO compteurs (nom, valeur) VALUES (?, 0)`, [counter]);
  const value = await drawJournaled(q, counter, at);
  const prefix = kind === 'invoice' ? 'F' : 'A';
  return { counter, value, number: `${prefix}${year}-${String(value).padStart(6, '0')}` };
}

/**
 * The date of the last-numbered document of a series ('F2026', 'A2026') in Gloux's factures,
 * where both systems write their documents: numbers are drawn in order, so the highest number
 * carries the latest date. A range on `numero` (not LIKE) walks the index on both databases.
 */
export async function latestDayOfSeries(q: Queryable, series: string): Promise<string | null> {
  const [row] = await q.query<{ d: unknown }>(
    `SELECT date_facture AS d FROM factures WHERE numero >= ? AND numero < ? AND date_facture <> '0000-00-00'
      ORDER BY numero DESC LIMIT 1`,
    [`${series}-`, `${series}.`],
  );
  return row?.d ? String(row.d).slice(0, 10) : null; // DATE columns come back as strings
}

export function drawInvoiceNumber(q: Queryable, year: number, at: Date) {
  return drawDocumentNumber(q, 'invoice', year, at);
}
