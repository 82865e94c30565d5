import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents } from '../../domain/shared/cents.js';

export interface InvoiceView {
  /** A credit note is listed with the invoices, with negative totals. */
  kind: 'invoice' | 'credit_note';
  invoiceId: string;
  number: string;
  customerId: string;
  issuedOn: string;
  dueOn: string;
  totalNet: string;
  totalVat: string;
  total: string;
  paid: string;
  /** Total of the credit notes issued on this invoice. */
  credited: string;
  balance: string;
  status: 'issued' | 'paid' | 'cancelled';
  paidOn: string | null;
  /** For a credit note: the invoice it cites. */
  originInvoiceId: string | null;
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
  credited_cents: unknown;
  balance_cents: unknown;
  kind: string;
  origin_invoice_id: string | null;
  status: string;
  paid_on: string | null;
  [k: string]: unknown;
}

const SELECT = `SELECT kind, invoice_id, number, customer_id, issued_on, due_on, total_net_cents, total_vat_cents,
  total_cents, paid_cents, credited_cents, CASE WHEN kind = 'invoice' THEN total_cents - credited_cents - paid_cents ELSE 0 END AS balance_cents,
  status, paid_on, origin_invoice_id FROM g2_rm_invoices`;

function toView(r: InvoiceRow): InvoiceView {
  return {
    kind: r.kind === 'credit_note' ? 'credit_note' : 'invoice',
    invoiceId: r.invoice_id,
    number: r.number,
    customerId: r.customer_id,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    totalNet: fromCents(r.total_net_cents),
    totalVat: fromCents(r.total_vat_cents),
    total: fromCents(r.total_cents),
    paid: fromCents(r.paid_cents),
    credited: fromCents(r.credited_cents),
    balance: fromCents(r.balance_cents),
    status: r.status === 'paid' || r.status === 'cancelled' ? r.status : 'issued',
    paidOn: r.paid_on ?? null,
    originInvoiceId: r.origin_invoice_id ?? null,
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
        `${SELECT} WHERE kind = 'invoice' AND status = 'issued' AND customer_id = ? ORDER BY issued_on, number`,
        [customerId],
      )
    : await q.query<InvoiceRow>(
        `${SELECT} WHERE kind = 'invoice' AND status = 'issued' ORDER BY issued_on, number LIMIT 500`,
      );
  return rows.map(toView);
}

const OVERDUE = `kind = 'invoice' AND status = 'issued' AND due_on < ?`;

/** Invoices still due after their due date (before `today`): how many, and what they still ask. */
export async function overdueSummary(
  q: Queryable,
  today: string,
): Promise<{ count: number; total: string }> {
  const [row] = await q.query<{ n: unknown; cents: unknown }>(
    `SELECT COUNT(*) AS n, COALESCE(SUM(total_cents - credited_cents - paid_cents), 0) AS cents
       FROM g2_rm_invoices WHERE ${OVERDUE}`,
    [today],
  );
  return { count: Number(row?.n ?? 0), total: fromCents(row?.cents ?? 0) };
}

/** One page of the overdue invoices, the oldest due first. */
export async function overdueInvoices(
  q: Queryable,
  today: string,
  page: { limit: number; offset: number },
): Promise<InvoiceView[]> {
  const rows = await q.query<InvoiceRow>(
    `${SELECT} WHERE ${OVERDUE} ORDER BY due_on, number LIMIT ${Math.floor(page.limit)} OFFSET ${Math.floor(page.offset)}`,
    [today],
  );
  return rows.map(toView);
}

/**
 * Credit minus what the invoices still ask, as Gloux's clients.solde means it (negative: the
 * customer owes; positive: the customer has credit).
 */
export async function customerBalance(q: Queryable, customerId: string): Promise<string> {
  const [row] = await q.query<{ s: unknown }>(
    `SELECT (SELECT COALESCE(SUM(paid_cents + credited_cents - total_cents), 0) FROM g2_rm_invoices WHERE customer_id = ? AND kind = 'invoice')
          + (SELECT COALESCE(SUM(credit_cents), 0) FROM g2_rm_customer_credit WHERE customer_id = ?) AS s`,
    [customerId, customerId],
  );
  return fromCents(row?.s ?? 0);
}

/** The customer's credit (money held for them, not owed on any invoice). */
export async function customerCredit(q: Queryable, customerId: string): Promise<string> {
  const [row] = await q.query<{ s: unknown }>(
    `SELECT COALESCE(SUM(credit_cents), 0) AS s FROM g2_rm_customer_credit WHERE customer_id = ?`,
    [customerId],
  );
  return fromCents(row?.s ?? 0);
}

export interface PaymentView {
  paymentId: string;
  customerId: string;
  method: string;
  amount: string;
  receivedOn: string;
  reference: string;
  bank: string;
  credit: string;
  reversed: string;
  status: 'valid' | 'bounced';
}

const SELECT_PAYMENT = `SELECT payment_id, customer_id, method, amount_cents, received_on, reference, bank, credit_cents, reversed_cents, status
  FROM g2_rm_payments`;

function toPaymentView(r: Record<string, unknown>): PaymentView {
  return {
    paymentId: String(r.payment_id),
    customerId: String(r.customer_id),
    method: String(r.method),
    amount: fromCents(r.amount_cents),
    receivedOn: String(r.received_on),
    reference: String(r.reference),
    bank: String(r.bank),
    credit: fromCents(r.credit_cents),
    reversed: fromCents(r.reversed_cents),
    status: r.status === 'bounced' ? 'bounced' : 'valid',
  };
}

/** The customer's payments, newest first. */
export async function paymentsOfCustomer(q: Queryable, customerId: string): Promise<PaymentView[]> {
  const rows = await q.query<Record<string, unknown>>(
    `${SELECT_PAYMENT} WHERE customer_id = ? ORDER BY received_on DESC, position DESC`,
    [customerId],
  );
  return rows.map(toPaymentView);
}

export async function findPayment(q: Queryable, paymentId: string): Promise<PaymentView | null> {
  const [row] = await q.query<Record<string, unknown>>(`${SELECT_PAYMENT} WHERE payment_id = ?`, [
    paymentId,
  ]);
  return row ? toPaymentView(row) : null;
}

/** Means of the payments allocated to an invoice, oldest first (a credit application has none). */
export async function paymentMethodsOfInvoice(q: Queryable, invoiceId: string): Promise<string[]> {
  const rows = await q.query<{ method: string }>(
    `SELECT p.method FROM g2_rm_invoice_payments ip JOIN g2_rm_payments p ON p.payment_id = ip.payment_id
      WHERE ip.invoice_id = ? ORDER BY ip.seq`,
    [invoiceId],
  );
  return rows.map((r) => String(r.method));
}
