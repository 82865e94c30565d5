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
  initialCustomerAccountState,
  type CustomerAccountState,
} from '../../domain/billing/customer-account.js';
import {
  initialInvoiceState,
  foldInvoice,
  type InvoiceState,
} from '../../domain/billing/invoice.js';
import {
  evolvePayment,
  initialPaymentState,
  type PaymentState,
} from '../../domain/billing/payment.js';
import type { Queryable } from '../kernel/database/db.js';
import { readStream } from '../kernel/event-store/event-store.js';

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
    state: foldInvoice(history as unknown as InvoiceEvent[]),
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
      initialCustomerAccountState(customerId),
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
  return loadInvoices(
    q,
    rows.map((r) => r.invoice_id),
  );
}

/**
 * The invoices with these ids, in the order given, each once: the states a decision reads and
 * the versions its appends expect. Ids of no invoice are left out.
 */
export async function loadInvoices(
  q: Queryable,
  invoiceIds: Iterable<string>,
): Promise<Map<string, Loaded<InvoiceState>>> {
  const out = new Map<string, Loaded<InvoiceState>>();
  for (const id of invoiceIds) {
    if (out.has(id)) continue;
    const loaded = await loadInvoice(q, id);
    if (loaded.version >= 0) out.set(id, loaded);
  }
  return out;
}

/** The states of loaded streams, as the decide functions take them. */
export function statesOf<S>(loaded: ReadonlyMap<string, Loaded<S>>): Map<string, S> {
  return new Map([...loaded].map(([id, l]) => [id, l.state]));
}
