import { addDays, type Day } from '../domain/shared/day.js';
import type { OverageProduct } from '../domain/overage/pricing.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * Read access to what Gloux knows of usage: its daily `mesures_disque` (filled by its cron),
 * quotas on `hebergements` (quota_disque_mo = plaque + options, nb_mails), mail boxes (`mails`)
 * and the products that price overage (`produits`). Read only: nothing here writes to Gloux.
 */

export interface HostingUsage {
  readonly hostingId: string;
  readonly customerId: string;
  readonly name: string;
  /** hebergements.quota_disque_mo (0: unset, not checked). */
  readonly quotaDiskMo: number;
  /** hebergements.nb_mails (0: unset, not checked). */
  readonly includedMailboxes: number;
  /** web_ko + mail_ko + mysql_ko of the latest reading of the last 31 days, null if none. */
  readonly diskKo: number | null;
  readonly diskOn: Day | null;
  /** Sum of trafic_ko from the 1st of the month to the day (included). */
  readonly trafficMonthKo: number;
  /** Sum of trafic_ko over the whole previous calendar month. */
  readonly trafficPreviousMonthKo: number;
  /** Rows of `mails` (a disabled box still exists and still counts). */
  readonly mailboxes: number;
}

/** How many days back a disk reading still stands (Gloux's cron may miss a day or two). */
export const DISK_READING_MAX_AGE_DAYS = 31;

/** mesures_disque keeps the day in three zero-filled integer columns: compare them as YYYYMMDD. */
const DAY_NUMBER = '(m.annee * 10000 + m.mois * 100 + m.jour)';
const dayNumber = (day: Day) => Number(day.replaceAll('-', ''));
const dayOfNumber = (n: number) => {
  const s = String(n).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};

interface HostingRow {
  id_hebergement: number | string;
  id_client: number | string;
  nom: unknown;
  quota_disque_mo: number | string;
  nb_mails: number | string;
  [k: string]: unknown;
}

/**
 * The usage of every hosting account still open (hosting and customer not 'ferme'), as of `on`,
 * or of one customer's. A handful of grouped queries, whatever the number of accounts.
 */
export async function readHostingUsage(
  q: Queryable,
  on: Day,
  filter: { customerId?: string } = {},
): Promise<HostingUsage[]> {
  const where = filter.customerId !== undefined ? ' AND h.id_client = ?' : '';
  const params = filter.customerId !== undefined ? [Number(filter.customerId)] : [];
  const hostings = await q.query<HostingRow>(
    `SELECT h.id_hebergement, h.id_client, ${legacyTextSelect('h.nom', q.dialect)} AS nom,
            h.quota_disque_mo, h.nb_mails
       FROM hebergements h JOIN clients c ON c.id_client = h.id_client
      WHERE h.etat <> 'ferme' AND c.etat <> 'ferme'${where}
      ORDER BY h.id_hebergement`,
    params,
  );
  if (hostings.length === 0) return [];

  const disk = new Map<string, { ko: number; on: Day }>();
  const rows = await q.query<{ id: number | string; d: number | string; ko: number | string }>(
    `SELECT m.id_hebergement AS id, ${DAY_NUMBER} AS d, m.web_ko + m.mail_ko + m.mysql_ko AS ko
       FROM mesures_disque m
       JOIN (SELECT m.id_hebergement, MAX(${DAY_NUMBER}) AS d FROM mesures_disque m
              WHERE ${DAY_NUMBER} BETWEEN ? AND ? GROUP BY m.id_hebergement) latest
         ON latest.id_hebergement = m.id_hebergement AND latest.d = ${DAY_NUMBER}`,
    [dayNumber(addDays(on, 1 - DISK_READING_MAX_AGE_DAYS)), dayNumber(on)],
  );
  for (const r of rows) disk.set(String(r.id), { ko: Number(r.ko), on: dayOfNumber(Number(r.d)) });

  const [year, month, day] = on.split('-').map(Number) as [number, number, number];
  const trafficOf = async (y: number, m: number, lastDay: number) => {
    const sums = await q.query<{ id: number | string; ko: number | string }>(
      `SELECT m.id_hebergement AS id, SUM(m.trafic_ko) AS ko FROM mesures_disque m
        WHERE m.annee = ? AND m.mois = ? AND m.jour <= ? GROUP BY m.id_hebergement`,
      [y, m, lastDay],
    );
    return new Map(sums.map((r) => [String(r.id), Number(r.ko)]));
  };
  const thisMonth = await trafficOf(year, month, day);
  const lastMonth = await trafficOf(
    month === 1 ? year - 1 : year,
    month === 1 ? 12 : month - 1,
    31,
  );

  const boxes = await q.query<{ id: number | string; n: number | string }>(
    `SELECT id_hebergement AS id, COUNT(*) AS n FROM mails GROUP BY id_hebergement`,
  );
  const mailboxes = new Map(boxes.map((r) => [String(r.id), Number(r.n)]));

  return hostings.map((h) => {
    const id = String(h.id_hebergement);
    const reading = disk.get(id);
    return {
      hostingId: id,
      customerId: String(h.id_client),
      name: decodeLegacyText(h.nom as Buffer | string | null),
      quotaDiskMo: Number(h.quota_disque_mo),
      includedMailboxes: Number(h.nb_mails),
      diskKo: reading?.ko ?? null,
      diskOn: reading?.on ?? null,
      trafficMonthKo: thisMonth.get(id) ?? 0,
      trafficPreviousMonthKo: lastMonth.get(id) ?? 0,
      mailboxes: mailboxes.get(id) ?? 0,
    };
  });
}

/** Every hosting account of a customer, closed ones included (their pending lines still count). */
export async function hostingIdsOfCustomer(q: Queryable, customerId: string): Promise<string[]> {
  if (!/^\d{1,10}$/.test(customerId)) return [];
  const rows = await q.query<{ id: number | string }>(
    `SELECT id_hebergement AS id FROM hebergements WHERE id_client = ? ORDER BY id_hebergement`,
    [Number(customerId)],
  );
  return rows.map((r) => String(r.id));
}

/** Active 'depassement' products, and the options that give default prices (DISQUE100). */
export async function readOverageProducts(q: Queryable): Promise<OverageProduct[]> {
  // DECIMAL(10,2): an exact string on MySQL; SQLite stores REAL, printed back to two decimals.
  const price = q.dialect === 'mysql' ? 'CAST(prix_ht AS CHAR)' : "printf('%.2f', prix_ht)";
  const rows = await q.query<{
    id_produit: number | string;
    code: unknown;
    type_produit: string;
    unite: unknown;
    quantite_unite: number | string;
    prix: string;
    periodicite: string;
  }>(
    `SELECT id_produit, ${legacyTextSelect('code', q.dialect)} AS code, type_produit,
            ${legacyTextSelect('unite', q.dialect)} AS unite, quantite_unite, ${price} AS prix, periodicite
       FROM produits
      WHERE actif = 1 AND (type_produit = 'depassement' OR code = 'DISQUE100')
      ORDER BY id_produit`,
  );
  return rows.map((r) => ({
    productId: String(r.id_produit),
    code: decodeLegacyText(r.code as Buffer | string | null),
    type: r.type_produit,
    unit: decodeLegacyText(r.unite as Buffer | string | null),
    unitQuantity: Number(r.quantite_unite),
    priceNet: String(r.prix),
    periodicity: r.periodicite,
  }));
}
