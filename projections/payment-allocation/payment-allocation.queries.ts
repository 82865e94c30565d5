import type { Queryable } from '../../src/database/db.js';
import { fromCents } from '../projection.js';

export interface AllocationRow {
  /** The payment, use of credit, reversal or credit note. */
  paymentId: string;
  invoiceId: string;
  /** payment | reversal | credit_note */
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
  rows: AllocationRow[];
  totals: { amount: string; vat: string; previous: string; current: string; next: string };
}

type Cents = unknown;

/**
 * Every change of what was received in fiscal year `fy` — payments, uses of credit, reversals
 * (bounced cheques, refunds, negative) and credit notes on paid invoices (negative) — per
 * invoice, with its net split N-1 / N / N+1 and its VAT. Method and reference come from the
 * treasury ledger (g2_rm_cash_movements); a credit note has none.
 */
export async function allocationOfFiscalYear(
  q: Queryable,
  fy: number,
): Promise<FiscalYearAllocation> {
  const nets = await q.query<{
    payment_id: string;
    invoice_id: string;
    paid_on: string;
    kind: string;
    previous_cents: Cents;
    current_cents: Cents;
    next_cents: Cents;
  }>(
    `SELECT payment_id, invoice_id, MIN(paid_on) AS paid_on, MIN(kind) AS kind,
            SUM(CASE WHEN bucket = 'N-1' THEN net_cents ELSE 0 END) AS previous_cents,
            SUM(CASE WHEN bucket = 'N' THEN net_cents ELSE 0 END) AS current_cents,
            SUM(CASE WHEN bucket = 'N+1' THEN net_cents ELSE 0 END) AS next_cents
       FROM g2_rm_payment_years WHERE payment_fy = ?
      GROUP BY payment_id, invoice_id`,
    [fy],
  );
  const vats = await q.query<{
    payment_id: string;
    invoice_id: string;
    paid_on: string;
    kind: string;
    vat_cents: Cents;
  }>(
    `SELECT payment_id, invoice_id, MIN(paid_on) AS paid_on, MIN(kind) AS kind, SUM(vat_cents) AS vat_cents
       FROM g2_rm_payment_lines WHERE payment_fy = ?
      GROUP BY payment_id, invoice_id`,
    [fy],
  );
  const big = (c: Cents) => BigInt(String(c ?? 0).split('.')[0] || '0');
  const keyed = new Map<
    string,
    {
      paymentId: string;
      invoiceId: string;
      paidOn: string;
      kind: string;
      vat: bigint;
      previous: bigint;
      current: bigint;
      next: bigint;
    }
  >();
  const entry = (r: { payment_id: string; invoice_id: string; paid_on: string; kind: string }) => {
    const key = `${r.payment_id}|${r.invoice_id}`;
    const e = keyed.get(key) ?? {
      paymentId: r.payment_id,
      invoiceId: r.invoice_id,
      paidOn: r.paid_on,
      kind: r.kind,
      vat: 0n,
      previous: 0n,
      current: 0n,
      next: 0n,
    };
    keyed.set(key, e);
    return e;
  };
  for (const r of nets) {
    const e = entry(r);
    e.previous += big(r.previous_cents);
    e.current += big(r.current_cents);
    e.next += big(r.next_cents);
  }
  for (const r of vats) entry(r).vat += big(r.vat_cents);
  const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  const invoiceIds = [...new Set([...keyed.values()].map((e) => e.invoiceId))];
  const sourceIds = [...new Set([...keyed.values()].map((e) => e.paymentId))];
  const invoices = new Map<string, { number: string; customer_id: string }>();
  const movements = new Map<string, { method: string; reference: string }>();
  // In slices, so a large year never builds one huge IN list.
  for (let i = 0; i < invoiceIds.length; i += 500) {
    const ids = invoiceIds.slice(i, i + 500);
    for (const r of await q.query<{ invoice_id: string; number: string; customer_id: string }>(
      `SELECT invoice_id, number, customer_id FROM g2_rm_invoices WHERE invoice_id IN (${placeholders(ids.length)})`,
      ids,
    ))
      invoices.set(r.invoice_id, r);
  }
  for (let i = 0; i < sourceIds.length; i += 500) {
    const ids = sourceIds.slice(i, i + 500);
    for (const r of await q.query<{ movement_id: string; method: string; reference: string }>(
      `SELECT movement_id, method, reference FROM g2_rm_cash_movements WHERE movement_id IN (${placeholders(ids.length)})`,
      ids,
    ))
      movements.set(r.movement_id, r);
  }
  const rows = [...keyed.values()]
    .map((e) => ({ ...e, number: invoices.get(e.invoiceId)?.number ?? '' }))
    .sort((a, b) =>
      a.paidOn !== b.paidOn
        ? a.paidOn.localeCompare(b.paidOn)
        : a.number !== b.number
          ? a.number.localeCompare(b.number)
          : a.paymentId.localeCompare(b.paymentId),
    );
  const sum = { amount: 0n, vat: 0n, previous: 0n, current: 0n, next: 0n };
  const out = rows.map((e) => {
    const amount = e.vat + e.previous + e.current + e.next;
    sum.amount += amount;
    sum.vat += e.vat;
    sum.previous += e.previous;
    sum.current += e.current;
    sum.next += e.next;
    const m = movements.get(e.paymentId);
    return {
      paymentId: e.paymentId,
      invoiceId: e.invoiceId,
      kind: e.kind,
      paidOn: e.paidOn,
      customerId: invoices.get(e.invoiceId)?.customer_id ?? '',
      method: m?.method ?? '',
      reference: m?.reference ?? '',
      invoiceNumber: e.number,
      amount: fromCents(amount),
      vat: fromCents(e.vat),
      previous: fromCents(e.previous),
      current: fromCents(e.current),
      next: fromCents(e.next),
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
