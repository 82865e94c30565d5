import type {
  BillableHosting,
  BillingWindow,
  HostingOption,
  PendingLine,
} from '../domain/billing/anniversary.js';
import { Dec } from '../domain/shared/money.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { LEGACY_LINE_KIND } from '../domain/legacy/gloux-ingest.js';
import { legacyDay } from './legacy-rows.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * What the anniversary billing run reads from Gloux's hosting tables, in a handful of batch
 * queries per window (never one query per account), and the one thing it writes there:
 * hebergements.date_anniversaire, moved one year on once the year is invoiced.
 */

/** hebergements rows the window selects: not closed, anniversary inside [from, to]. */
const IN_WINDOW = `h.etat <> 'ferme' AND h.date_anniversaire BETWEEN ? AND ?`;

/** A FLOAT column as an exact decimal string, rounded in SQL (never a JS number). */
function rounded(q: Queryable, column: string, decimals: number, alias: string): string {
  return q.dialect === 'mysql'
    ? `CAST(ROUND(${column}, ${decimals}) AS DECIMAL(16,${decimals})) AS ${alias}`
    : `printf('%.${decimals}f', ${column}) AS ${alias}`;
}

const exact = (v: unknown) => new Dec(String(v ?? '0')).toString();

interface HostingRow {
  id_hebergement: number | string;
  id_client: number | string;
  nom: unknown;
  id_plaque: number | string;
  date_anniversaire: string;
  etat: string;
  etat_client: string | null;
  remise: unknown;
  [k: string]: unknown;
}

/**
 * Every hosting account whose anniversary falls in the window, with its options, Gloux's
 * pending lines not yet claimed by an issued gloux2 invoice, and the pro-rata lines already
 * written for its options. Suspended accounts are included (the year is owed all the same).
 */
export async function billableHostings(
  q: Queryable,
  window: BillingWindow,
): Promise<BillableHosting[]> {
  const w = [window.from, window.to];
  const hostings = await q.query<HostingRow>(
    `SELECT h.id_hebergement, h.id_client, ${legacyTextSelect('h.nom', q.dialect)} AS nom, h.id_plaque,
            h.date_anniversaire, h.etat, c.etat AS etat_client, ${rounded(q, 'c.remise_pct', 2, 'remise')}
       FROM hebergements h LEFT JOIN clients c ON c.id_client = h.id_client
      WHERE ${IN_WINDOW} ORDER BY h.date_anniversaire, h.id_hebergement`,
    w,
  );
  if (hostings.length === 0) return [];
  const options = await q.query<{
    id: number | string;
    id_hebergement: number | string;
    id_produit: number | string;
    quantite: number | string;
    date_debut: string;
    date_fin: string;
  }>(
    `SELECT o.id, o.id_hebergement, o.id_produit, o.quantite, o.date_debut, o.date_fin
       FROM hebergements_options o JOIN hebergements h ON h.id_hebergement = o.id_hebergement
      WHERE ${IN_WINDOW} ORDER BY o.id`,
    w,
  );
  const pending = await q.query<{
    id_ligne: number | string;
    id_hebergement: number | string;
    id_produit: number | string;
    type_ligne: string;
    libelle: unknown;
    quantite: unknown;
    prix: unknown;
    montant: unknown;
    periode_debut: string;
    periode_fin: string;
  }>(
    `SELECT l.id_ligne, l.id_hebergement, l.id_produit, l.type_ligne, ${legacyTextSelect('l.libelle', q.dialect)} AS libelle,
            ${rounded(q, 'l.quantite', 4, 'quantite')}, ${rounded(q, 'l.prix_unitaire_ht', 4, 'prix')},
            ${rounded(q, 'l.montant_ht', 2, 'montant')}, l.periode_debut, l.periode_fin
       FROM factures_lignes l JOIN hebergements h ON h.id_hebergement = l.id_hebergement AND h.id_client = l.id_client
      WHERE l.id_facture = 0 AND ${IN_WINDOW}
        AND NOT EXISTS (SELECT 1 FROM g2_legacy_line_claims lc JOIN g2_commands k ON k.idempotency_key = lc.idempotency_key
                         WHERE lc.legacy_line_id = l.id_ligne)
      ORDER BY l.id_ligne`,
    w,
  );
  const prorated = await q.query<{
    id_hebergement: number | string;
    id_produit: number | string;
    periode_debut: string;
  }>(
    `SELECT l.id_hebergement, l.id_produit, l.periode_debut
       FROM factures_lignes l JOIN hebergements h ON h.id_hebergement = l.id_hebergement
      WHERE l.type_ligne = 'prorata' AND ${IN_WINDOW}`,
    w,
  );
  const byHosting = <T extends { id_hebergement: unknown }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) {
      const id = String(r.id_hebergement);
      const list = map.get(id);
      if (list) list.push(r);
      else map.set(id, [r]);
    }
    return map;
  };
  const optionsOf = byHosting(options);
  const pendingOf = byHosting(pending);
  const proratedOf = byHosting(prorated);
  return hostings.map((h) => {
    const id = String(h.id_hebergement);
    const hostingOptions: HostingOption[] = (optionsOf.get(id) ?? []).map((o) => ({
      optionId: String(o.id),
      productId: String(o.id_produit),
      quantity: Number(o.quantite),
      startsOn: legacyDay(o.date_debut),
      endsOn: legacyDay(o.date_fin),
    }));
    const pendingLines: PendingLine[] = (pendingOf.get(id) ?? []).map((l) => ({
      legacyLineId: String(l.id_ligne),
      productId: Number(l.id_produit) > 0 ? String(l.id_produit) : null,
      kind: LEGACY_LINE_KIND[String(l.type_ligne)] ?? 'misc',
      label: decodeLegacyText(l.libelle as Buffer | string | null),
      quantity: exact(l.quantite),
      unitNet: exact(l.prix),
      net: new Dec(String(l.montant ?? '0')).toFixed(2),
      serviceStart: legacyDay(l.periode_debut),
      serviceEnd: legacyDay(l.periode_fin),
    }));
    const etatClient = h.etat_client;
    return {
      hostingId: id,
      customerId: String(h.id_client),
      name: decodeLegacyText(h.nom as Buffer | string | null),
      anniversary: String(h.date_anniversaire).slice(0, 10),
      state: h.etat === 'suspendu' ? 'suspendu' : 'actif',
      // A hosting whose customer row is missing cannot be billed: reported like a closed one.
      customerState: etatClient === 'actif' || etatClient === 'suspendu' ? etatClient : 'ferme',
      plaqueProductId: String(h.id_plaque),
      discountPct: exact(h.remise),
      options: hostingOptions,
      pendingLines,
      proratedOptions: new Set(
        (proratedOf.get(id) ?? [])
          .map((p) => ({ product: String(p.id_produit), day: legacyDay(p.periode_debut) }))
          .filter((p) => p.day !== null)
          .map((p) => `${p.product}@${p.day}`),
      ),
    } satisfies BillableHosting;
  });
}

/**
 * Hosting accounts of the window whose current anniversary Gloux has already invoiced itself
 * (an issued 'abonnement' line starting on it): hosting id → invoice number. A safety net
 * against billing a year twice while both systems run.
 */
export async function yearsInvoicedInGloux(
  q: Queryable,
  window: BillingWindow,
): Promise<Map<string, string>> {
  const rows = await q.query<{ id_hebergement: number | string; numero: string }>(
    `SELECT l.id_hebergement, f.numero
       FROM factures_lignes l
       JOIN hebergements h ON h.id_hebergement = l.id_hebergement
       JOIN factures f ON f.id_facture = l.id_facture
      WHERE l.type_ligne = 'abonnement' AND l.periode_debut = h.date_anniversaire
        AND f.statut IN ('emise', 'payee') AND f.type_facture = 'facture' AND ${IN_WINDOW}`,
    [window.from, window.to],
  );
  return new Map(rows.map((r) => [String(r.id_hebergement), r.numero]));
}

export interface AnniversaryMove {
  readonly hostingId: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Moves anniversaries one year on, each only if it is still the one just invoiced (so a
 * re-run, or Gloux having moved it meanwhile, changes nothing), in one UPDATE per 200
 * accounts. Returns how many moved.
 */
export async function advanceAnniversaries(
  q: Queryable,
  moves: readonly AnniversaryMove[],
): Promise<number> {
  let moved = 0;
  for (let i = 0; i < moves.length; i += 200) {
    const chunk = moves.slice(i, i + 200);
    const { affected } = await q.execute(
      `UPDATE hebergements SET date_anniversaire = CASE
         ${chunk.map(() => 'WHEN id_hebergement = ? AND date_anniversaire = ? THEN ?').join('\n         ')}
         ELSE date_anniversaire END
       WHERE id_hebergement IN (${chunk.map(() => '?').join(', ')})`,
      [
        ...chunk.flatMap((m) => [Number(m.hostingId), m.from, m.to]),
        ...chunk.map((m) => Number(m.hostingId)),
      ],
    );
    moved += affected;
  }
  return moved;
}

export interface UpcomingAnniversary {
  hostingId: string;
  customerId: string;
  name: string;
  anniversary: string;
  state: string;
}

/** The nearest anniversaries of open accounts, oldest first (so the overdue ones come first). */
export async function upcomingAnniversaries(
  q: Queryable,
  limit = 20,
): Promise<UpcomingAnniversary[]> {
  const rows = await q.query<{
    id_hebergement: number | string;
    id_client: number | string;
    nom: unknown;
    date_anniversaire: string;
    etat: string;
  }>(
    `SELECT h.id_hebergement, h.id_client, ${legacyTextSelect('h.nom', q.dialect)} AS nom, h.date_anniversaire, h.etat
       FROM hebergements h WHERE h.etat <> 'ferme' AND h.date_anniversaire >= '1900-01-01'
      ORDER BY h.date_anniversaire, h.id_hebergement LIMIT ${Math.floor(limit)}`,
  );
  return rows.map((r) => ({
    hostingId: String(r.id_hebergement),
    customerId: String(r.id_client),
    name: decodeLegacyText(r.nom as Buffer | string | null),
    anniversary: String(r.date_anniversaire).slice(0, 10),
    state: r.etat,
  }));
}

/** Login and customer of these hosting accounts (unknown ids are left out). */
export async function hostingNames(
  q: Queryable,
  hostingIds: readonly string[],
): Promise<Map<string, { name: string; customerId: string }>> {
  const ids = [...new Set(hostingIds)].filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  const out = new Map<string, { name: string; customerId: string }>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await q.query<{
      id_hebergement: number | string;
      id_client: number | string;
      nom: unknown;
    }>(
      `SELECT id_hebergement, id_client, ${legacyTextSelect('nom', q.dialect)} AS nom FROM hebergements
        WHERE id_hebergement IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of rows) {
      out.set(String(r.id_hebergement), {
        name: decodeLegacyText(r.nom as Buffer | string | null),
        customerId: String(r.id_client),
      });
    }
  }
  return out;
}

/** A hosting account as its cooperator's home shows it. */
export interface CustomerHosting {
  hostingId: string;
  customerId: string;
  name: string;
  /** The plan (plaque) it is on: the product's label. */
  plan: string;
  /** The next anniversary: the day the year is renewed (and invoiced). */
  renewsOn: string | null;
  /** Gloux's state: actif, suspendu, ferme. */
  state: 'actif' | 'suspendu' | 'ferme';
}

/** The hosting accounts of these customers, by customer then name (indexed on id_client). */
export async function hostingsOfCustomers(
  q: Queryable,
  customerIds: readonly string[],
): Promise<CustomerHosting[]> {
  const ids = [...new Set(customerIds)].filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  if (ids.length === 0) return [];
  const rows = await q.query<Record<string, unknown>>(
    `SELECT h.id_hebergement, h.id_client, ${legacyTextSelect('h.nom', q.dialect)} AS nom,
            ${legacyTextSelect('p.libelle', q.dialect)} AS plan, h.date_anniversaire, h.etat
       FROM hebergements h LEFT JOIN produits p ON p.id_produit = h.id_plaque
      WHERE h.id_client IN (${ids.map(() => '?').join(', ')})
      ORDER BY h.id_client, h.id_hebergement`,
    ids,
  );
  return rows.map((r) => ({
    hostingId: String(r.id_hebergement),
    customerId: String(r.id_client),
    name: decodeLegacyText(r.nom as Buffer | string | null),
    plan: decodeLegacyText(r.plan as Buffer | string | null),
    renewsOn: legacyDay(String(r.date_anniversaire ?? '')),
    state: r.etat === 'suspendu' || r.etat === 'ferme' ? r.etat : 'actif',
  }));
}
