import type { InvoiceCatalogue } from '../../domain/billing/invoice.js';
import { vatRateOn } from '../../domain/catalogue/vat-schedule.js';
import { findProducts } from '../../legacy-sync/legacy-catalogue.js';
import { vatSchedule } from '../../projections/vat-rates/vat-rates.queries.js';
import type { Queryable } from '../kernel/database/db.js';

/**
 * What IssueInvoice checks product lines against: the products the lines name (Gloux's
 * produits) and, when a product line gives no rate, the VAT schedule. Read once per command,
 * and only what the lines need (the billing run sends its rates: no schedule read per invoice).
 */
export async function invoiceCatalogue(q: Queryable, lines: unknown): Promise<InvoiceCatalogue> {
  const productLines = (Array.isArray(lines) ? (lines as unknown[]) : [])
    .filter(
      (l): l is { productId?: unknown; vatRate?: unknown } => l !== null && typeof l === 'object',
    )
    .filter((l) => l.productId !== undefined && l.productId !== null && l.productId !== '');
  const products = new Map(
    (
      await findProducts(
        q,
        productLines.map((l) => String(l.productId)),
      )
    ).map((p) => [p.productId, p]),
  );
  const entries = productLines.some((l) => l.vatRate === undefined) ? await vatSchedule(q) : [];
  return {
    product: (productId) => products.get(productId),
    vatRateOn: (category, day) => vatRateOn(entries, category, day),
  };
}
