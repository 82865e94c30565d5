import type { ImportedShare, ShareState } from '../domain/shares/events.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { drawJournaled, type TiersTextRow } from './legacy-gateway.js';
import { legacyDay } from './legacy-rows.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * Gloux's tiers (persons and companies, members or not) and share table as gloux2 reads them,
 * and the share number counter (G2). Writes to parts_sociales live in legacy-shares-mirror.ts.
 */

export interface LegacyTiers {
  readonly tiersId: string;
  /** "Raison sociale" for a company, "Nom Prénom" for a person (the order registers sort by). */
  readonly name: string;
  /** Address lines (adresse, then postal code and town when not already in it), joined by ", ". */
  readonly address: string;
  readonly email: string;
  /** Gloux's denormalised flags (tiers.societaire, tiers.nb_parts), as Gloux holds them. */
  readonly member: boolean;
  readonly shareCount: number;
}

interface TiersRow extends TiersTextRow {
  societaire: string;
  nb_parts: number | string;
  [k: string]: unknown;
}

function tiersSelect(q: Queryable): string {
  const t = (col: string) => `${legacyTextSelect(col, q.dialect)} AS ${col}`;
  return `SELECT id_tiers, societaire, nb_parts,
    ${['nom', 'prenom', 'raison_sociale', 'adresse', 'code_postal', 'ville', 'email'].map(t).join(', ')}
    FROM tiers`;
}

function toTiers(r: TiersRow): LegacyTiers {
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null).trim();
  const person = `${text(r.nom)} ${text(r.prenom)}`.trim();
  const address = text(r.adresse)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const cityLine = `${text(r.code_postal)} ${text(r.ville)}`.trim();
  if (cityLine && !address.some((l) => l.includes(cityLine))) address.push(cityLine);
  return {
    tiersId: String(r.id_tiers),
    name: text(r.raison_sociale) || person || `Tiers ${r.id_tiers}`,
    address: address.join(', '),
    email: text(r.email),
    member: r.societaire === 'O',
    shareCount: Number(r.nb_parts),
  };
}

const TIERS_ID = /^\d{1,10}$/;

/** The tiers with these ids, by id (unknown ids are left out). */
export async function findTiersByIds(
  q: Queryable,
  tiersIds: readonly string[],
): Promise<Map<string, LegacyTiers>> {
  const ids = [...new Set(tiersIds)].filter((id) => TIERS_ID.test(id)).map(Number);
  const out = new Map<string, LegacyTiers>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const rows = await q.query<TiersRow>(
      `${tiersSelect(q)} WHERE id_tiers IN (${part.map(() => '?').join(', ')})`,
      part,
    );
    for (const r of rows) out.set(String(r.id_tiers), toTiers(r));
  }
  return out;
}

export async function findTiers(q: Queryable, tiersId: string): Promise<LegacyTiers | null> {
  return (await findTiersByIds(q, [tiersId])).get(tiersId) ?? null;
}

/** The tiers owning a customer account (clients.id_tiers: the member, not the billing tiers). */
export async function tiersOfCustomer(q: Queryable, customerId: string): Promise<string | null> {
  if (!TIERS_ID.test(customerId)) return null;
  const [row] = await q.query<{ id_tiers: number | string }>(
    `SELECT id_tiers FROM clients WHERE id_client = ?`,
    [Number(customerId)],
  );
  return row && Number(row.id_tiers) !== 0 ? String(row.id_tiers) : null;
}

/** Tiers to choose from in a form, by name (Gloux has a few thousand). */
export async function listTiers(q: Queryable, limit = 5000): Promise<LegacyTiers[]> {
  const rows = await q.query<TiersRow>(
    `${tiersSelect(q)} ORDER BY id_tiers LIMIT ${Math.floor(limit)}`,
  );
  return rows.map(toTiers).sort((a, b) => compareNames(a.name, b.name));
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** French alphabetical order (accents ignored at first, as a register is sorted). */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const STATES: readonly ShareState[] = ['souscrite', 'liberee', 'cedee', 'remboursee', 'annulee'];

interface ShareRow {
  numero: number | string;
  id_tiers: number | string;
  valeur_nominale: unknown;
  date_souscription: unknown;
  date_liberation: unknown;
  id_paiement: number | string;
  etat: string;
  date_sortie: unknown;
  id_tiers_cessionnaire: number | string;
  [k: string]: unknown;
}

/** Every row of Gloux's parts_sociales (DECIMAL nominal read as an exact string). */
export async function readLegacyShares(q: Queryable): Promise<ImportedShare[]> {
  const nominal =
    q.dialect === 'mysql' ? 'CAST(valeur_nominale AS CHAR)' : "printf('%.2f', valeur_nominale)";
  const day = (col: string) => (q.dialect === 'mysql' ? `CAST(${col} AS CHAR)` : col);
  const rows = await q.query<ShareRow>(
    `SELECT numero, id_tiers, ${nominal} AS valeur_nominale, ${day('date_souscription')} AS date_souscription,
            ${day('date_liberation')} AS date_liberation, id_paiement, etat, ${day('date_sortie')} AS date_sortie,
            id_tiers_cessionnaire
       FROM parts_sociales ORDER BY numero`,
  );
  return rows.map((r) => ({
    number: Number(r.numero),
    tiersId: String(r.id_tiers),
    nominal: String(r.valeur_nominale),
    // An empty enum (a value MySQL refused in sql_mode='') is taken as still subscribed.
    state: STATES.includes(r.etat as ShareState) ? (r.etat as ShareState) : 'souscrite',
    subscribedOn: legacyDay(r.date_souscription),
    paidOn: legacyDay(r.date_liberation),
    legacyPaymentId: Number(r.id_paiement),
    exitOn: legacyDay(r.date_sortie),
    transfereeTiersId:
      Number(r.id_tiers_cessionnaire) === 0 ? null : String(r.id_tiers_cessionnaire),
  }));
}

/** Gloux's tiers.nb_parts where it differs from the shares held in parts_sociales. */
export async function tiersShareCountMismatches(
  q: Queryable,
): Promise<{ tiersId: string; nbParts: number; held: number }[]> {
  const rows = await q.query<{ id_tiers: unknown; nb_parts: unknown; held: unknown }>(
    `SELECT t.id_tiers, t.nb_parts,
            (SELECT COUNT(*) FROM parts_sociales p WHERE p.id_tiers = t.id_tiers AND p.etat IN ('souscrite', 'liberee')) AS held
       FROM tiers t
      WHERE t.nb_parts <> (SELECT COUNT(*) FROM parts_sociales p WHERE p.id_tiers = t.id_tiers AND p.etat IN ('souscrite', 'liberee'))
      ORDER BY t.id_tiers`,
  );
  return rows.map((r) => ({
    tiersId: String(r.id_tiers),
    nbParts: Number(r.nb_parts),
    held: Number(r.held),
  }));
}

export const SHARE_COUNTER = 'part_sociale';

/**
 * Draws `count` share numbers from Gloux's counter exactly as Gloux does (G2), one atomic
 * UPDATE … LAST_INSERT_ID(valeur + 1) per share on one connection (MyISAM: never rolled back).
 * Without a counter row (a database Gloux never used for shares) it is created at the highest
 * number in parts_sociales, so no number is ever given twice.
 */
export async function drawShareNumbers(q: Queryable, count: number, at: Date): Promise<number[]> {
  const [counter] = await q.query(`SELECT valeur FROM compteurs WHERE nom = ?`, [SHARE_COUNTER]);
  if (!counter) {
    // Plain reads, not INSERT … SELECT: that form share-locks parts_sociales (InnoDB) and
    // deadlocked against the mirror writing shares (seen by the generator on MariaDB).
    const [max] = await q.query<{ m: unknown }>(
      `SELECT COALESCE(MAX(numero), 0) AS m FROM parts_sociales`,
    );
    const insert = q.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await q.execute(`${insert} INTO compteurs (nom, valeur) VALUES (?, ?)`, [
      SHARE_COUNTER,
      Number(max?.m ?? 0),
    ]);
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await drawJournaled(q, SHARE_COUNTER, at));
  return out;
}
