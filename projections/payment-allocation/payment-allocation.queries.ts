import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents } from '../../domain/shared/cents.js';

export interface AllocationRow {
  /** The payment, use of credit, reversal or credit note. */
  paymentId: string;
  invoiceId: string;
  /** payment | reversal | credit_note | correction | allocation_correction (see `reportedKind`) */
  kind: string;
  paidOn: string;
  customerId: string;
  method: string;
  reference: string;
  invoiceNumber: string;
  amount: string;
  vat: string;
  previous: string;
  current: string;
  next: string;
}

export interface FiscalYearAllocation {
  fiscalYear: number;
  /** All the rows of the year, or the slice asked for (see `rowCount`). */
  rows: AllocationRow[];
  /** How many rows the year has (every page together). */
  rowCount: number;
  /** Over the whole year, whatever slice `rows` holds. */
  totals: { amount: string; vat: string; previous: string; current: string; next: string };
}

/** A slice of the rows, in their order (day, invoice number, source). */
export interface RowSlice {
  offset: number;
  limit: number;
}

type Cents = unknown;

/** A (payment, invoice) pair of an allocation listing, joined to its invoice and its movement. */
export type JoinedPairRow = {
  payment_id: string;
  invoice_id: string;
  paid_on: string;
  kind: string;
  number: string | null;
  customer_id: string | null;
  method: string | null;
  reference: string | null;
  /** The movement's own kind and day (g2_rm_cash_movements). */
  movement_kind: string | null;
  movement_on: string | null;
};

/** The movement's columns a joined pair reads (alias m). */
export const MOVEMENT_COLUMNS =
  'm.method, m.reference, m.kind AS movement_kind, m.on_day AS movement_on';

/**
 * The kind a report shows: an allocation Gloux added to a payment gloux2 already had is dated
 * the day gloux2 saw it, not the payment's (docs/accounting.md §2): a correction of that day,
 * 'allocation_correction'. Gloux's later line changes are 'correction' rows already.
 */
export function reportedKind(r: {
  kind: string;
  paid_on: string;
  movement_kind: string | null;
  movement_on: string | null;
}): string {
  const late =
    r.kind === 'payment' &&
    r.movement_kind === 'payment' &&
    r.movement_on !== null &&
    String(r.movement_on).slice(0, 10) !== String(r.paid_on).slice(0, 10);
  return late ? 'allocation_correction' : r.kind;
}

/** The invoice's and the movement's fields of a joined pair ('' where there is none). */
export function joinedPairFields(r: JoinedPairRow) {
  return {
    invoiceId: r.invoice_id,
    kind: reportedKind(r),
    customerId: r.customer_id ?? '',
    method: r.method ?? '',
    reference: r.reference ?? '',
    invoiceNumber: r.number ?? '',
  };
}

/**
 * Every change of what was received in fiscal year `fy` — payments, uses of credit, reversals
 * (bounced cheques, refunds, negative) and credit notes on paid invoices (negative) — per
 * invoice, with its net split N-1 / N / N+1 and its VAT. Method and reference come from the
 * treasury ledger (g2_rm_cash_movements); a credit note has none.
 *
 * One grouped join per request, ordered and sliced by the database: a page of a large year
 * reads its rows only, and the totals are sums over the year's index range.
 */
export async function allocationOfFiscalYear(
  q: Queryable,
  fy: number,
  slice?: RowSlice,
): Promise<FiscalYearAllocation> {
  // The (payment, invoice, day) rows of the year: allocation lines and fiscal-year rows alike.
  // A pair has a row per day: an allocation Gloux adds later is a correction of its own day.
  const pairs = `SELECT payment_id, invoice_id, paid_on FROM g2_rm_payment_lines WHERE payment_fy = ?
                 UNION SELECT payment_id, invoice_id, paid_on FROM g2_rm_payment_years WHERE payment_fy = ?`;
  const page = slice
    ? ` LIMIT ${Math.max(0, Math.floor(slice.limit))} OFFSET ${Math.max(0, Math.floor(slice.offset))}`
    : '';
  const rows = await q.query<
    JoinedPairRow & {
      vat_cents: Cents;
      previous_cents: Cents;
      current_cents: Cents;
      next_cents: Cents;
    }
  >(
    `SELECT k.payment_id, k.invoice_id, k.paid_on, COALESCE(y.kind, l.kind) AS kind,
            i.number, i.customer_id, ${MOVEMENT_COLUMNS},
            l.vat_cents, y.previous_cents, y.current_cents, y.next_cents
       FROM (${pairs}) k
       LEFT JOIN (SELECT payment_id, invoice_id, paid_on, MIN(kind) AS kind,
                         SUM(vat_cents) AS vat_cents
                    FROM g2_rm_payment_lines WHERE payment_fy = ?
                   GROUP BY payment_id, invoice_id, paid_on) l
              ON l.payment_id = k.payment_id AND l.invoice_id = k.invoice_id AND l.paid_on = k.paid_on
       LEFT JOIN (SELECT payment_id, invoice_id, paid_on, MIN(kind) AS kind,
                         SUM(CASE WHEN bucket = 'N-1' THEN net_cents ELSE 0 END) AS previous_cents,
                         SUM(CASE WHEN bucket = 'N' THEN net_cents ELSE 0 END) AS current_cents,
                         SUM(CASE WHEN bucket = 'N+1' THEN net_cents ELSE 0 END) AS next_cents
                    FROM g2_rm_payment_years WHERE payment_fy = ?
                   GROUP BY payment_id, invoice_id, paid_on) y
              ON y.payment_id = k.payment_id AND y.invoice_id = k.invoice_id AND y.paid_on = k.paid_on
       LEFT JOIN g2_rm_invoices i ON i.invoice_id = k.invoice_id
       LEFT JOIN g2_rm_cash_movements m ON m.movement_id = k.payment_id
      ORDER BY k.paid_on, COALESCE(i.number, ''), k.payment_id${page}`,
    [fy, fy, fy, fy],
  );
  const [count] = await q.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM (${pairs}) k`, [fy, fy]);
  const [vat] = await q.query<{ vat_cents: Cents }>(
    `SELECT SUM(vat_cents) AS vat_cents FROM g2_rm_payment_lines WHERE payment_fy = ?`,
    [fy],
  );
  const [nets] = await q.query<{ previous_cents: Cents; current_cents: Cents; next_cents: Cents }>(
    `SELECT SUM(CASE WHEN bucket = 'N-1' THEN net_cents ELSE 0 END) AS previous_cents,
            SUM(CASE WHEN bucket = 'N' THEN net_cents ELSE 0 END) AS current_cents,
            SUM(CASE WHEN bucket = 'N+1' THEN net_cents ELSE 0 END) AS next_cents
       FROM g2_rm_payment_years WHERE payment_fy = ?`,
    [fy],
  );
  const big = (c: Cents) => BigInt(String(c ?? 0).split('.')[0] || '0');
  const figures = (r: {
    vat_cents: Cents;
    previous_cents: Cents;
    current_cents: Cents;
    next_cents: Cents;
  }) => {
    const [v, p, c, x] = [
      big(r.vat_cents),
      big(r.previous_cents),
      big(r.current_cents),
      big(r.next_cents),
    ];
    return {
      amount: fromCents(v + p + c + x),
      vat: fromCents(v),
      previous: fromCents(p),
      current: fromCents(c),
      next: fromCents(x),
    };
  };
  return {
    fiscalYear: fy,
    rows: rows.map((r) => ({
      paymentId: r.payment_id,
      paidOn: r.paid_on,
      ...joinedPairFields(r),
      ...figures(r),
    })),
    rowCount: Number(count?.n ?? 0),
    totals: figures({ vat_cents: vat?.vat_cents, ...nets! }),
  };
}

/** Fiscal years that have at least one payment, newest first. */
export async function fiscalYearsWithPayments(q: Queryable): Promise<number[]> {
  const rows = await q.query<{ fy: number | string }>(
    `SELECT DISTINCT payment_fy AS fy FROM g2_rm_payment_lines ORDER BY payment_fy DESC`,
  );
  return rows.map((r) => Number(r.fy));
}
