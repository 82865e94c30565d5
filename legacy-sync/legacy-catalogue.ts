import type { Periodicity, Product, ProductType } from '../domain/catalogue/catalogue.js';
import { vatCategoryOf } from '../domain/catalogue/catalogue.js';
import { Dec } from '../domain/shared/money.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/** Read-only access to Gloux's catalogue (`produits`): plaques, options, overage products, shares. */

interface ProductRow {
  id_produit: number | string;
  code: unknown;
  type_produit: string;
  libelle: unknown;
  prix_ht: unknown;
  taux_tva: unknown;
  periodicite: string;
  unite: unknown;
  quantite_unite: number | string;
  quota_disque_mo: number | string;
  nb_bases_mysql: number | string;
  nb_mails: number | string;
  actif: number | string;
  [k: string]: unknown;
}

const TYPES: readonly ProductType[] = ['plaque', 'option', 'depassement', 'part_sociale', 'divers'];
const PERIODICITY: Record<string, Periodicity> = { an: 'year', mois: 'month', unique: 'once' };

function productSelect(q: Queryable): string {
  const t = (col: string) => `${legacyTextSelect(col, q.dialect)} AS ${col}`;
  // prix_ht is DECIMAL (REAL in the SQLite copy), taux_tva a FLOAT: both leave SQL as exact
  // two-decimal strings, never as JS numbers.
  const money = (col: string) =>
    q.dialect === 'mysql'
      ? `CAST(ROUND(${col}, 2) AS DECIMAL(12,2)) AS ${col}`
      : `printf('%.2f', ${col}) AS ${col}`;
  return `SELECT id_produit, ${t('code')}, type_produit, ${t('libelle')}, ${money('prix_ht')}, ${money('taux_tva')},
    periodicite, ${t('unite')}, quantite_unite, quota_disque_mo, nb_bases_mysql, nb_mails, actif FROM produits`;
}

function toProduct(r: ProductRow): Product {
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  const type = TYPES.includes(r.type_produit as ProductType)
    ? (r.type_produit as ProductType)
    : 'divers';
  const glouxVatRate = new Dec(String(r.taux_tva ?? '0')).toString();
  return {
    productId: String(r.id_produit),
    code: text(r.code),
    type,
    label: text(r.libelle),
    priceNet: new Dec(String(r.prix_ht ?? '0')).toFixed(2),
    periodicity: PERIODICITY[r.periodicite] ?? 'year',
    unit: text(r.unite),
    unitQuantity: Number(r.quantite_unite),
    quotas: {
      diskMb: Number(r.quota_disque_mo),
      mysqlDatabases: Number(r.nb_bases_mysql),
      mailboxes: Number(r.nb_mails),
    },
    active: Number(r.actif) !== 0,
    vatCategory: vatCategoryOf(type, glouxVatRate),
    glouxVatRate,
  };
}

/** The whole catalogue (Gloux has a few dozen products), in id order. */
export async function listProducts(q: Queryable): Promise<Product[]> {
  const rows = await q.query<ProductRow>(`${productSelect(q)} ORDER BY id_produit`);
  return rows.map(toProduct);
}

/** The products with these ids (unknown ids are left out). */
export async function findProducts(
  q: Queryable,
  productIds: readonly string[],
): Promise<Product[]> {
  const ids = [...new Set(productIds)].filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  if (ids.length === 0) return [];
  const rows = await q.query<ProductRow>(
    `${productSelect(q)} WHERE id_produit IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  return rows.map(toProduct);
}
