import type { LineKind, PaymentMethod } from '../billing/events.js';
import type { ProductType } from '../catalogue/catalogue.js';
import { Dec } from '../shared/money.js';

/** A method of receipt as the treasurer sees it; 'credit' is the customer's credit (no money). */
export type ReceiptMethod = PaymentMethod | 'credit';

export const CASH_METHODS: readonly PaymentMethod[] = [
  'cheque',
  'card',
  'transfer',
  'cash',
  'other',
];

export const METHOD_LABELS: Readonly<Record<ReceiptMethod, string>> = {
  cheque: 'Chèque',
  card: 'Carte',
  transfer: 'Virement',
  cash: 'Espèces',
  other: 'Autre',
  credit: 'Crédit client',
};

/**
 * What a row of the allocation and VAT reports comes from. Gloux's later changes are
 * corrections of the day gloux2 saw them (docs/accounting.md §2).
 */
export const ALLOCATION_KIND_LABELS: Readonly<Record<string, string>> = {
  payment: 'Paiement',
  reversal: 'Annulation',
  credit_note: 'Avoir',
  correction: 'Régularisation (lignes corrigées dans Gloux)',
  allocation_correction: 'Régularisation (affectation ajoutée dans Gloux)',
};

/** payment | bounced | refund | credit_refund move money; credit_use | credit_undo do not. */
export type MovementKind =
  'payment' | 'bounced' | 'refund' | 'credit_refund' | 'credit_use' | 'credit_undo';

export const MOVEMENT_LABELS: Readonly<Record<MovementKind, string>> = {
  payment: 'Paiement',
  bounced: 'Impayé',
  refund: 'Remboursement',
  credit_refund: 'Remboursement du crédit',
  credit_use: 'Utilisation du crédit',
  credit_undo: 'Utilisation du crédit annulée',
};

/** Revenue groups: Gloux's product types, and discounts apart (they lower turnover). */
export type RevenueType = ProductType | 'remise';

export const REVENUE_TYPE_LABELS: Readonly<Record<RevenueType, string>> = {
  plaque: 'Plaques',
  option: 'Options',
  depassement: 'Dépassements',
  part_sociale: 'Parts sociales',
  divers: 'Divers',
  remise: 'Remises',
};

/**
 * The revenue group of an invoice line: its product's type in Gloux's catalogue when it names
 * one, else what the kind of line says.
 */
export function revenueTypeOf(kind: LineKind, productType: ProductType | null): RevenueType {
  if (kind === 'discount') return 'remise';
  if (productType) return productType;
  switch (kind) {
    case 'subscription':
    case 'prorata':
      return 'plaque';
    case 'option':
      return 'option';
    case 'overage':
      return 'depassement';
    case 'misc':
      return 'divers';
  }
}

/**
 * Each amount's share of the total in hundredths of a percent, summing to exactly 100.00 %
 * (largest remainder: floor every exact share, then give the missing hundredths to the largest
 * remainders, earliest first on ties). Amounts in cents, may be negative (a discount); null
 * when the total is zero.
 */
export function sharesOfTotal(cents: readonly bigint[]): string[] | null {
  const total = cents.reduce((s, c) => s + c, 0n);
  if (total === 0n) return null;
  const sign = total < 0n ? -1n : 1n;
  const t = total * sign;
  const floorDiv = (a: bigint, b: bigint) => {
    const q = a / b;
    return a % b !== 0n && a < 0n ? q - 1n : q;
  };
  const exact = cents.map((c) => c * sign * 10_000n);
  const floors = exact.map((e) => floorDiv(e, t));
  const remainders = exact.map((e, i) => e - floors[i]! * t);
  let missing = 10_000n - floors.reduce((s, f) => s + f, 0n);
  const order = remainders
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (missing <= 0n) break;
    floors[i] = floors[i]! + 1n;
    missing -= 1n;
  }
  return floors.map((f) => new Dec(f.toString()).div(100).toFixed(2));
}

/** Cents to whole euros, half away from zero (the CA3 return asks for euros). */
export function roundToEuro(cents: bigint): bigint {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const euros = (abs + 50n) / 100n;
  return negative ? -euros : euros;
}

/** A VAT rate as a canonical string: '20.00' and '20' are the same rate. */
export function canonicalRate(rate: string): string {
  return new Dec(rate).toString();
}
