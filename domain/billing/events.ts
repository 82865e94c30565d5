/**
 * Billing events. Released shapes never change: add a new type (and an upcaster) instead.
 * Money is a decimal string with two decimals, days are 'YYYY-MM-DD'.
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

export type InvoiceEvent = InvoiceIssued | InvoicePaymentAllocated;
export type PaymentEvent = PaymentRecorded;
export type BillingEvent = InvoiceEvent | PaymentEvent;

export const billingEventTypes: readonly BillingEvent['type'][] = [
  'InvoiceIssued',
  'InvoicePaymentAllocated',
  'PaymentRecorded',
];

export function isBillingEvent(e: { type: string }): e is BillingEvent {
  return (billingEventTypes as readonly string[]).includes(e.type);
}

export const invoiceStream = (invoiceId: string) => `invoice-${invoiceId}`;
export const paymentStream = (paymentId: string) => `payment-${paymentId}`;
