import {
  customerStream,
  invoiceStream,
  paymentStream,
  type CustomerAccountEvent,
  type InvoiceEvent,
  type PaymentEvent,
} from '../../domain/billing/events.js';
import {
  evolveCustomerAccount,
  initialCustomerAccount,
  type CustomerAccountState,
} from '../../domain/billing/customer-account.js';
import {
  initialInvoiceState,
  replayInvoice,
  type InvoiceState,
} from '../../domain/billing/invoice.js';
import {
  evolvePayment,
  initialPaymentState,
  type PaymentState,
} from '../../domain/billing/payment.js';
import type { Queryable } from '../database/db.js';
import { readStream } from '../event-store/event-store.js';

/** A stream's current state and version (-1: empty), for an append with optimistic concurrency. */
export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids arrive from forms and JSON: anything that is not a uuid is simply not found. */
export function isId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

export async function loadInvoice(q: Queryable, invoiceId: string): Promise<Loaded<InvoiceState>> {
  if (!isId(invoiceId)) return { state: initialInvoiceState, version: -1 };
  const history = await readStream(q, invoiceStream(invoiceId));
  return {
    state: replayInvoice(history as unknown as InvoiceEvent[]),
    version: history.length - 1,
  };
}

export async function loadPayment(q: Queryable, paymentId: string): Promise<Loaded<PaymentState>> {
  if (!isId(paymentId)) return { state: initialPaymentState, version: -1 };
  const history = await readStream(q, paymentStream(paymentId));
  return {
    state: history.reduce(
      (s, e) => evolvePayment(s, e as unknown as PaymentEvent),
      initialPaymentState,
    ),
    version: history.length - 1,
  };
}

export async function loadCustomerAccount(
  q: Queryable,
  customerId: string,
): Promise<Loaded<CustomerAccountState>> {
  const history = await readStream(q, customerStream(customerId));
  return {
    state: history.reduce(
      (s, e) => evolveCustomerAccount(s, e as unknown as CustomerAccountEvent),
      initialCustomerAccount(customerId),
    ),
    version: history.length - 1,
  };
}

/** The customer's unpaid invoices, oldest first, with their versions (for credit application). */
export async function loadUnpaidInvoices(
  q: Queryable,
  customerId: string,
): Promise<Map<string, Loaded<InvoiceState>>> {
  const rows = await q.query<{ invoice_id: string }>(
    `SELECT invoice_id FROM g2_rm_invoices WHERE customer_id = ? AND kind = 'invoice' AND status = 'issued' ORDER BY issued_on, number`,
    [customerId],
  );
  const out = new Map<string, Loaded<InvoiceState>>();
  for (const r of rows) out.set(r.invoice_id, await loadInvoice(q, r.invoice_id));
  return out;
}
