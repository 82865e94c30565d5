import type { InvoiceCatalogue } from '../../domain/billing/invoice.js';
import { vatRateOn } from '../../domain/catalogue/vat-schedule.js';
import { findProducts } from '../../legacy-sync/legacy-catalogue.js';
import { vatSchedule } from '../../projections/vat-rates/vat-rates.queries.js';
import type { Queryable } from '../database/db.js';

/**
 * What IssueInvoice checks product lines against: the products the lines name (Gloux's
 * produits) and the VAT schedule, read once per command.
 */
export async function invoiceCatalogue(q: Queryable, lines: unknown): Promise<InvoiceCatalogue> {
  const ids = Array.isArray(lines)
    ? lines
        .map((l: unknown) =>
          l !== null && typeof l === 'object' ? (l as { productId?: unknown }).productId : null,
        )
        .filter((id) => id !== null && id !== undefined && id !== '')
        .map(String)
    : [];
  const products = new Map((await findProducts(q, ids)).map((p) => [p.productId, p]));
  const entries = await vatSchedule(q);
  return {
    product: (productId) => products.get(productId),
    vatRateOn: (category, day) => vatRateOn(entries, category, day),
  };
}
