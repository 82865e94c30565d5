import type { Queryable } from '../../src/database/db.js';
import { fromCents } from '../projection.js';

export interface InvoiceView {
  invoiceId: string;
  number: string;
  customerId: string;
  issuedOn: string;
  dueOn: string;
  totalNet: string;
  totalVat: string;
  total: string;
  paid: string;
  balance: string;
  status: 'issued' | 'paid';
  paidOn: string | null;
}

interface InvoiceRow {
  invoice_id: string;
  number: string;
  customer_id: string;
  issued_on: string;
  due_on: string;
  total_net_cents: unknown;
  total_vat_cents: unknown;
  total_cents: unknown;
  paid_cents: unknown;
  balance_cents: unknown;
  status: string;
  paid_on: string | null;
  [k: string]: unknown;
}

const SELECT = `SELECT invoice_id, number, customer_id, issued_on, due_on, total_net_cents, total_vat_cents,
  total_cents, paid_cents, total_cents - paid_cents AS balance_cents, status, paid_on FROM g2_rm_invoices`;

function toView(r: InvoiceRow): InvoiceView {
  return {
    invoiceId: r.invoice_id,
    number: r.number,
    customerId: r.customer_id,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    totalNet: fromCents(r.total_net_cents),
    totalVat: fromCents(r.total_vat_cents),
    total: fromCents(r.total_cents),
    paid: fromCents(r.paid_cents),
    balance: fromCents(r.balance_cents),
    status: r.status === 'paid' ? 'paid' : 'issued',
    paidOn: r.paid_on ?? null,
  };
}

export async function invoicesOfCustomer(q: Queryable, customerId: string): Promise<InvoiceView[]> {
  const rows = await q.query<InvoiceRow>(
    `${SELECT} WHERE customer_id = ? ORDER BY issued_on DESC, number DESC`,
    [customerId],
  );
  return rows.map(toView);
}

export async function findInvoice(q: Queryable, invoiceId: string): Promise<InvoiceView | null> {
  const [row] = await q.query<InvoiceRow>(`${SELECT} WHERE invoice_id = ?`, [invoiceId]);
  return row ? toView(row) : null;
}

export async function findInvoiceByNumber(
  q: Queryable,
  number: string,
): Promise<InvoiceView | null> {
  const [row] = await q.query<InvoiceRow>(`${SELECT} WHERE number = ?`, [number]);
  return row ? toView(row) : null;
}

export async function unpaidInvoices(q: Queryable, customerId?: string): Promise<InvoiceView[]> {
  const rows = customerId
    ? await q.query<InvoiceRow>(
        `${SELECT} WHERE status = 'issued' AND customer_id = ? ORDER BY issued_on, number`,
        [customerId],
      )
    : await q.query<InvoiceRow>(
        `${SELECT} WHERE status = 'issued' ORDER BY issued_on, number LIMIT 500`,
      );
  return rows.map(toView);
}

/** Paid minus invoiced, as Gloux's clients.solde means it (negative: the customer owes). */
export async function customerBalance(q: Queryable, customerId: string): Promise<string> {
  const [row] = await q.query<{ s: unknown }>(
    `SELECT COALESCE(SUM(paid_cents - total_cents), 0) AS s FROM g2_rm_invoices WHERE customer_id = ?`,
    [customerId],
  );
  return fromCents(row?.s ?? 0);
}
