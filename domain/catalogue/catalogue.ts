import type { VatCategory } from './events.js';

/** Gloux's produits.type_produit. */
export type ProductType = 'plaque' | 'option' | 'depassement' | 'part_sociale' | 'divers';
/** Gloux's produits.periodicite: 'an' → year, 'mois' → month, 'unique' → once. */
export type Periodicity = 'year' | 'month' | 'once';

/** A product of the catalogue (read from Gloux's produits; money as an exact string). */
export interface Product {
  readonly productId: string;
  readonly code: string;
  readonly type: ProductType;
  readonly label: string;
  /** Price HT, two decimals ("20.07"), for one unit and one period. */
  readonly priceNet: string;
  readonly periodicity: Periodicity;
  readonly unit: string;
  readonly unitQuantity: number;
  readonly quotas: {
    readonly diskMb: number;
    readonly mysqlDatabases: number;
    readonly mailboxes: number;
  };
  readonly active: boolean;
  readonly vatCategory: VatCategory;
  /** Gloux's own taux_tva (a FLOAT, rounded): shown for information, never used to bill. */
  readonly glouxVatRate: string;
}

export const PRODUCT_TYPE_LABELS: Readonly<Record<ProductType, string>> = {
  plaque: 'Plaque',
  option: 'Option',
  depassement: 'Dépassement',
  part_sociale: 'Part sociale',
  divers: 'Divers',
};

export const PERIODICITY_LABELS: Readonly<Record<Periodicity, string>> = {
  year: 'par an',
  month: 'par mois',
  once: 'unique',
};

/**
 * Product → VAT category (the rule, documented in README): a share, or a product Gloux
 * records with taux_tva 0, is outside the scope of VAT ('exempt'); everything else is a
 * service at the standard rate. Gloux's non-zero rate itself is ignored: it is a FLOAT that
 * was never updated in 2014 (the sample still says 19.6), the schedule gives the rate.
 */
export function vatCategoryOf(type: ProductType, glouxVatRate: string): VatCategory {
  if (type === 'part_sociale') return 'exempt';
  return /^-?0+(\.0+)?$/.test(glouxVatRate) ? 'exempt' : 'standard';
}

/** Shares are capital, not revenue: billing never puts them on an invoice. */
export function isBillable(product: Pick<Product, 'type'>): boolean {
  return product.type !== 'part_sociale';
}
