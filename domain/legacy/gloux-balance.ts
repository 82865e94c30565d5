import type { BillingEvent } from '../billing/events.js';
import { centsOf } from '../shared/cents.js';

/**
 * What one billing event adds to Gloux's clients.solde (contract G9): Gloux's own forms move
 * the balance relatively (`solde = solde + @montant`), so gloux2 does the same, once per event
 * (`key` names it in the mirror's journal), and never rewrites it: a rewrite racing Gloux's
 * form counted Gloux's amount twice. Each amount is what the event changes of gloux2's balance
 * of the customer (what its invoices still ask, less its credit; negative: it owes).
 */
export interface GlouxBalanceDelta {
  readonly key: string;
  readonly customerId: string;
  /** Signed cents. */
  readonly cents: bigint;
}

const sum = (items: readonly { amount: string }[]) =>
  items.reduce((s, a) => s + centsOf(a.amount), 0n);

/** For one of gloux2's own events, mirrored into Gloux's tables; null: the balance is unchanged. */
export function ownBalanceDelta(e: BillingEvent): GlouxBalanceDelta | null {
  switch (e.type) {
    case 'InvoiceIssued':
      // A 0.00 invoice is born paid: nothing.
      return delta(`invoice:${e.data.invoiceId}`, e.data.customerId, -centsOf(e.data.total));
    case 'PaymentRecorded':
      // What it pays of invoices; a surplus comes as CustomerCredited.
      return delta(`payment:${e.data.paymentId}`, e.data.customerId, sum(e.data.allocations));
    case 'CreditNoteIssued':
      // What it cancels of the amount due; the part already paid comes as CustomerCredited.
      return delta(
        `credit-note:${e.data.creditNoteId}`,
        e.data.customerId,
        centsOf(e.data.settled),
      );
    case 'PaymentReversed':
      // What it takes back of invoices; the part taken from credit is CustomerCreditWithdrawn.
      return delta(`reversal:${e.data.reversalId}`, e.data.customerId, -sum(e.data.invoices));
    case 'CustomerCredited':
      // One credit per payment or credit note.
      return delta(
        `credited:${e.data.source}:${e.data.sourceId}`,
        e.data.customerId,
        centsOf(e.data.amount),
      );
    case 'CustomerCreditWithdrawn':
      // Applications undone give their credit back before it leaves: the amount, no more.
      return delta(`withdrawal:${e.data.withdrawalId}`, e.data.customerId, -centsOf(e.data.amount));
    case 'CustomerCreditApplied': // credit paying an invoice: owed and credit shrink alike
    case 'InvoicePaymentAllocated': // carried by the event listing it (payment, reversal, credit)
      return null;
    case 'PaymentAllocationChanged':
    case 'LegacyInvoiceLinesCorrected':
      // Only the ingester records them (ingestedBalanceDelta).
      return null;
  }
}

/**
 * For an event taken in from Gloux: Gloux's forms moved the balance when they wrote the
 * invoice, payment, allocation or avoir, so nothing is added; only what Gloux changes by hand
 * without touching the balance moves it (a cheque marked 'rejete' or 'rembourse' takes its
 * whole amount back, as Gloux's form had added it; an invoice's lines edited change its total).
 */
export function ingestedBalanceDelta(e: BillingEvent): GlouxBalanceDelta | null {
  switch (e.type) {
    case 'PaymentReversed':
      return delta(`reversal:${e.data.reversalId}`, e.data.customerId, -centsOf(e.data.amount));
    case 'LegacyInvoiceLinesCorrected':
      return delta(
        `correction:${e.data.correctionId}`,
        e.data.customerId,
        centsOf(e.data.previous.total) - centsOf(e.data.total),
      );
    case 'InvoiceIssued':
    case 'InvoicePaymentAllocated':
    case 'CreditNoteIssued':
    case 'PaymentRecorded':
    case 'PaymentAllocationChanged':
    case 'CustomerCredited':
    case 'CustomerCreditApplied':
    case 'CustomerCreditWithdrawn':
      return null;
  }
}

function delta(key: string, customerId: string, cents: bigint): GlouxBalanceDelta | null {
  return cents === 0n ? null : { key, customerId, cents };
}
