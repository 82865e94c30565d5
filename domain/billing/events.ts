/**
 * Billing events. Released shapes never change: add a new type instead, and an upcaster in
 * src/kernel/event-store/upcasting.ts if old events must read as the new one. Money is a decimal
 * string with two decimals, days are 'YYYY-MM-DD'.
 */

export type LineKind = 'subscription' | 'option' | 'prorata' | 'overage' | 'discount' | 'misc';
export type PaymentMethod = 'cheque' | 'card' | 'transfer' | 'cash' | 'other';

export interface InvoiceLine {
  readonly lineId: string;
  readonly kind: LineKind;
  readonly label: string;
  readonly productId: string | null;
  readonly hostingId: string | null;
  readonly quantity: string;
  readonly unitNet: string;
  readonly net: string;
  /** Snapshot of the rate in force on the invoice date, in percent ("20", "19.6"). */
  readonly vatRate: string;
  readonly vat: string;
  readonly total: string;
  readonly serviceStart: string;
  readonly serviceEnd: string;
}

export interface InvoiceIssued {
  readonly type: 'InvoiceIssued';
  readonly data: {
    readonly invoiceId: string;
    readonly number: string;
    readonly customerId: string;
    readonly issuedOn: string;
    readonly dueOn: string;
    readonly billingAddress: string;
    readonly lines: readonly InvoiceLine[];
    readonly totalNet: string;
    readonly totalVat: string;
    readonly total: string;
  };
}

/** Recorded on the invoice stream so that concurrent payments cannot overpay it. */
export interface InvoicePaymentAllocated {
  readonly type: 'InvoicePaymentAllocated';
  readonly data: {
    readonly invoiceId: string;
    readonly paymentId: string;
    readonly amount: string;
    readonly paidOn: string;
  };
}

/** Allocations may add up to less than `amount`: the rest goes to credit (CustomerCredited). */
export interface PaymentRecorded {
  readonly type: 'PaymentRecorded';
  readonly data: {
    readonly paymentId: string;
    readonly customerId: string;
    readonly method: PaymentMethod;
    readonly amount: string;
    readonly receivedOn: string;
    readonly reference: string;
    readonly bank: string;
    readonly allocations: readonly { readonly invoiceId: string; readonly amount: string }[];
  };
}

/** One credit-note line: what it takes off one line of the original invoice. */
export interface CreditNoteLine {
  readonly lineId: string;
  /** The invoice line it credits. */
  readonly creditedLineId: string;
  readonly kind: LineKind;
  readonly label: string;
  readonly productId: string | null;
  readonly hostingId: string | null;
  /** Amounts credited, positive: net (HT), VAT and total (TTC). */
  readonly net: string;
  /** The original line's snapshot, never the rate in force on the credit-note date. */
  readonly vatRate: string;
  /** The VAT given back (docs/accounting.md §1: exact when cancelling all, else per rate on the note's base). */
  readonly vat: string;
  readonly total: string;
  readonly serviceStart: string;
  readonly serviceEnd: string;
}

/**
 * A credit note (avoir) on the original invoice's stream, so it cannot race a payment.
 * `settled` reduces what is still due; `toCredit` is money already paid on the invoice,
 * released to the customer's credit (settled + toCredit = total).
 */
export interface CreditNoteIssued {
  readonly type: 'CreditNoteIssued';
  readonly data: {
    readonly creditNoteId: string;
    readonly number: string;
    readonly invoiceId: string;
    readonly invoiceNumber: string;
    readonly customerId: string;
    readonly issuedOn: string;
    readonly reason: string;
    readonly billingAddress: string;
    readonly lines: readonly CreditNoteLine[];
    readonly totalNet: string;
    readonly totalVat: string;
    readonly total: string;
    readonly settled: string;
    readonly toCredit: string;
  };
}

/**
 * A payment already recorded gets more (or less) of an invoice: Gloux lets an admin add an
 * allocation to an existing payment. On the payment's stream, so that a later bounce or refund
 * of the payment sees every invoice it pays; the invoice gets the matching InvoicePaymentAllocated.
 * `amount` is signed (negative: Gloux took part of an allocation back).
 */
export interface PaymentAllocationChanged {
  readonly type: 'PaymentAllocationChanged';
  readonly data: {
    readonly paymentId: string;
    readonly customerId: string;
    readonly invoiceId: string;
    readonly amount: string;
    readonly on: string;
  };
}

export type ReversalKind = 'bounced' | 'refund';

/**
 * A bounced cheque or a refund of (part of) a payment, on the payment's stream. Each invoice
 * it takes back gets a negative InvoicePaymentAllocated (paymentId = reversalId) dated `on`;
 * `fromCredit` is taken from the customer's credit.
 */
export interface PaymentReversed {
  readonly type: 'PaymentReversed';
  readonly data: {
    readonly paymentId: string;
    readonly reversalId: string;
    readonly customerId: string;
    readonly kind: ReversalKind;
    readonly amount: string;
    readonly on: string;
    readonly reference: string;
    readonly reason: string;
    readonly invoices: readonly { readonly invoiceId: string; readonly amount: string }[];
    readonly fromCredit: string;
  };
}

export type CreditSource = 'overpayment' | 'credit_note';

/** Money the customer has with us, not owed on any invoice (customer stream). */
export interface CustomerCredited {
  readonly type: 'CustomerCredited';
  readonly data: {
    readonly customerId: string;
    readonly amount: string;
    readonly on: string;
    readonly source: CreditSource;
    /** The payment or credit note it comes from. */
    readonly sourceId: string;
  };
}

/** Credit used to pay an invoice; the invoice gets InvoicePaymentAllocated (paymentId = applicationId). */
export interface CustomerCreditApplied {
  readonly type: 'CustomerCreditApplied';
  readonly data: {
    readonly customerId: string;
    readonly applicationId: string;
    readonly invoiceId: string;
    readonly amount: string;
    readonly on: string;
  };
}

/**
 * Credit taken back: a refund paid out, or the credit part of a bounced cheque. When the credit
 * was already used, `reversedApplications` names the applications undone (each also a negative
 * InvoicePaymentAllocated on its invoice).
 */
export interface CustomerCreditWithdrawn {
  readonly type: 'CustomerCreditWithdrawn';
  readonly data: {
    readonly customerId: string;
    readonly withdrawalId: string;
    readonly amount: string;
    readonly on: string;
    readonly reason: ReversalKind;
    readonly method: PaymentMethod;
    readonly reference: string;
    /** The payment reversed, or null for a refund of credit (e.g. after a credit note). */
    readonly paymentId: string | null;
    readonly reversedApplications: readonly {
      readonly applicationId: string;
      readonly invoiceId: string;
      readonly amount: string;
    }[];
  };
}

/**
 * Gloux changed the lines of one of its invoices after gloux2 took it in (factures_lignes rows
 * updated, added or deleted): the invoice now has `lines` and these totals. A correction dated
 * `on`, the day gloux2 saw it (moved to the first open day when locked): the reports put the
 * difference from `previous` on that day and never rewrite a period already declared.
 */
export interface LegacyInvoiceLinesCorrected {
  readonly type: 'LegacyInvoiceLinesCorrected';
  readonly data: {
    readonly correctionId: string;
    readonly invoiceId: string;
    readonly number: string;
    readonly customerId: string;
    readonly on: string;
    readonly lines: readonly InvoiceLine[];
    readonly totalNet: string;
    readonly totalVat: string;
    readonly total: string;
    /** The invoice as gloux2 had it before (its issue, or the previous correction). */
    readonly previous: {
      readonly lines: readonly InvoiceLine[];
      readonly totalNet: string;
      readonly totalVat: string;
      readonly total: string;
    };
  };
}

export type InvoiceEvent =
  InvoiceIssued | InvoicePaymentAllocated | CreditNoteIssued | LegacyInvoiceLinesCorrected;
export type PaymentEvent = PaymentRecorded | PaymentReversed | PaymentAllocationChanged;
export type CustomerAccountEvent =
  CustomerCredited | CustomerCreditApplied | CustomerCreditWithdrawn;
export type BillingEvent = InvoiceEvent | PaymentEvent | CustomerAccountEvent;

export const billingEventTypes: readonly BillingEvent['type'][] = [
  'InvoiceIssued',
  'InvoicePaymentAllocated',
  'CreditNoteIssued',
  'LegacyInvoiceLinesCorrected',
  'PaymentRecorded',
  'PaymentReversed',
  'PaymentAllocationChanged',
  'CustomerCredited',
  'CustomerCreditApplied',
  'CustomerCreditWithdrawn',
];

export function isBillingEvent(e: { type: string }): e is BillingEvent {
  return (billingEventTypes as readonly string[]).includes(e.type);
}

export const invoiceStream = (invoiceId: string) => `invoice-${invoiceId}`;
export const paymentStream = (paymentId: string) => `payment-${paymentId}`;
/** The customer's credit account (avoirs released, overpayments, their use and refunds). */
export const customerStream = (customerId: string) => `customer-${customerId}`;
