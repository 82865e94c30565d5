import type { Queryable } from '../../src/database/db.js';
import { fromCents } from '../projection.js';

export interface AllocationRow {
  paymentId: string;
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
  rows: AllocationRow[];
  totals: { amount: string; vat: string; previous: string; current: string; next: string };
}

type Cents = unknown;

/** Every payment received in fiscal year `fy`, with its net split N-1 / N / N+1 and its VAT. */
export async function allocationOfFiscalYear(
  q: Queryable,
  fy: number,
): Promise<FiscalYearAllocation> {
  const rows = await q.query<{
    payment_id: string;
    invoice_id: string;
    paid_on: string;
    customer_id: string;
    method: string;
    reference: string;
    number: string;
    amount_cents: Cents;
    vat_cents: Cents;
    previous_cents: Cents;
    current_cents: Cents;
    next_cents: Cents;
  }>(
    `SELECT ip.payment_id, ip.invoice_id, ip.paid_on, i.customer_id, p.method, p.reference, i.number, ip.amount_cents,
            (SELECT COALESCE(SUM(vat_cents), 0) FROM g2_rm_payment_lines pl
              WHERE pl.payment_id = ip.payment_id AND pl.invoice_id = ip.invoice_id) AS vat_cents,
            (SELECT COALESCE(SUM(net_cents), 0) FROM g2_rm_payment_years py
              WHERE py.payment_id = ip.payment_id AND py.invoice_id = ip.invoice_id AND py.bucket = 'N-1') AS previous_cents,
            (SELECT COALESCE(SUM(net_cents), 0) FROM g2_rm_payment_years py
              WHERE py.payment_id = ip.payment_id AND py.invoice_id = ip.invoice_id AND py.bucket = 'N') AS current_cents,
            (SELECT COALESCE(SUM(net_cents), 0) FROM g2_rm_payment_years py
              WHERE py.payment_id = ip.payment_id AND py.invoice_id = ip.invoice_id AND py.bucket = 'N+1') AS next_cents
       FROM g2_rm_invoice_payments ip
       JOIN g2_rm_invoices i ON i.invoice_id = ip.invoice_id
       JOIN g2_rm_payments p ON p.payment_id = ip.payment_id
      WHERE ip.payment_id IN (SELECT DISTINCT payment_id FROM g2_rm_payment_lines WHERE payment_fy = ?)
      ORDER BY ip.paid_on, i.number, ip.payment_id`,
    [fy],
  );
  const sum = { amount: 0n, vat: 0n, previous: 0n, current: 0n, next: 0n };
  const big = (c: Cents) => BigInt(String(c ?? 0).split('.')[0] || '0');
  const out = rows.map((r) => {
    sum.amount += big(r.amount_cents);
    sum.vat += big(r.vat_cents);
    sum.previous += big(r.previous_cents);
    sum.current += big(r.current_cents);
    sum.next += big(r.next_cents);
    return {
      paymentId: r.payment_id,
      paidOn: r.paid_on,
      customerId: r.customer_id,
      method: r.method,
      reference: r.reference,
      invoiceNumber: r.number,
      amount: fromCents(r.amount_cents),
      vat: fromCents(r.vat_cents),
      previous: fromCents(r.previous_cents),
      current: fromCents(r.current_cents),
      next: fromCents(r.next_cents),
    };
  });
  return {
    fiscalYear: fy,
    rows: out,
    totals: {
      amount: fromCents(sum.amount),
      vat: fromCents(sum.vat),
      previous: fromCents(sum.previous),
      current: fromCents(sum.current),
      next: fromCents(sum.next),
    },
  };
}

/** Fiscal years that have at least one payment, newest first. */
export async function fiscalYearsWithPayments(q: Queryable): Promise<number[]> {
  const rows = await q.query<{ fy: number | string }>(
    `SELECT DISTINCT payment_fy AS fy FROM g2_rm_payment_lines ORDER BY payment_fy DESC`,
  );
  return rows.map((r) => Number(r.fy));
}
