/**
 * Overage events. Released shapes never change: add a new type instead, and an upcaster in
 * src/kernel/event-store/upcasting.ts if old events must read as the new one.
 *
 * Quantities of usage are integers in the resource's base unit: kilo-octets (ko, as Gloux's
 * `mesures_disque` counts them) for disk and traffic, boxes for mail. Money is a decimal string
 * with two decimals (unit prices up to four), days are 'YYYY-MM-DD'.
 */

export type OverageResource = 'disk' | 'traffic' | 'mail';

export const OVERAGE_RESOURCES: readonly OverageResource[] = ['disk', 'traffic', 'mail'];

/** What one month at the current excess would cost (shown to the cooperator). */
export interface MonthlyEstimate {
  /** Blocks billed per month: started 100 Mo, started Go, boxes. */
  readonly quantity: string;
  readonly unitNet: string;
  readonly net: string;
  readonly vatRate: string;
  readonly total: string;
}

/** A resource went over its quota: the warning. Billable from `graceEndsOn` on if still over. */
export interface OverageDetected {
  readonly type: 'OverageDetected';
  readonly data: {
    readonly hostingId: string;
    readonly customerId: string;
    readonly hostingName: string;
    readonly resource: OverageResource;
    readonly measured: number;
    readonly quota: number;
    readonly excess: number;
    /** The day it was first seen over: the episode's id on its hosting and resource. */
    readonly since: string;
    /** First billable day: `since` + the grace period. */
    readonly graceEndsOn: string;
    readonly estimate: MonthlyEstimate;
  };
}

/** A new reading while still over (only recorded when the figures change). */
export interface OverageMeasured {
  readonly type: 'OverageMeasured';
  readonly data: {
    readonly hostingId: string;
    readonly customerId: string;
    readonly resource: OverageResource;
    readonly since: string;
    readonly on: string;
    readonly measured: number;
    readonly quota: number;
    readonly excess: number;
    readonly estimate: MonthlyEstimate;
  };
}

/**
 * 'back_under_quota': a reading under the quota (usage reduced, or an option bought);
 * 'month_ended': traffic is counted per calendar month; 'account_closed': closure flush.
 */
export type OverageResolution = 'back_under_quota' | 'month_ended' | 'account_closed';

/** The episode is over: days from `on` are not billable. */
export interface OverageResolved {
  readonly type: 'OverageResolved';
  readonly data: {
    readonly hostingId: string;
    readonly customerId: string;
    readonly resource: OverageResource;
    readonly since: string;
    readonly on: string;
    readonly reason: OverageResolution;
    /** Last figures: for 'month_ended', the whole month's traffic. */
    readonly measured: number;
    readonly quota: number;
  };
}

/** One pending line: billable overage of one period, carried forward until invoiced. */
export interface OverageCharge {
  /** `<hostingId>:<resource>:<periodStart>`: one line per period start, so a retry adds nothing. */
  readonly chargeId: string;
  readonly hostingId: string;
  readonly customerId: string;
  readonly resource: OverageResource;
  /** The episode it bills (its `since`). */
  readonly since: string;
  readonly label: string;
  /** Gloux's 'depassement' product the price came from, null for the configured default. */
  readonly productId: string | null;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly quantity: string;
  readonly unitNet: string;
  readonly net: string;
  readonly vatRate: string;
  readonly vat: string;
  readonly total: string;
  readonly chargedOn: string;
}

export interface OverageCharged {
  readonly type: 'OverageCharged';
  readonly data: OverageCharge;
}

export type OverageInvoiceReason = 'threshold' | 'account_closed';

/**
 * The pending lines frozen into one invoice (customer's overage-billing stream), recorded before
 * the invoice is issued: a crash in between is completed by issuing the same invoice again with
 * the same idempotency key, which returns the first one.
 */
export interface OverageInvoiceRequested {
  readonly type: 'OverageInvoiceRequested';
  readonly data: {
    readonly batchId: string;
    readonly customerId: string;
    readonly requestedOn: string;
    readonly reason: OverageInvoiceReason;
    readonly chargeIds: readonly string[];
    readonly total: string;
    readonly idempotencyKey: string;
  };
}

export interface OverageInvoiced {
  readonly type: 'OverageInvoiced';
  readonly data: {
    readonly batchId: string;
    readonly customerId: string;
    readonly invoiceId: string;
    readonly number: string;
    readonly total: string;
    readonly on: string;
  };
}

export type HostingOverageEvent =
  OverageDetected | OverageMeasured | OverageResolved | OverageCharged;
export type OverageBillingEvent = OverageInvoiceRequested | OverageInvoiced;
export type OverageEvent = HostingOverageEvent | OverageBillingEvent;

export const overageEventTypes: readonly OverageEvent['type'][] = [
  'OverageDetected',
  'OverageMeasured',
  'OverageResolved',
  'OverageCharged',
  'OverageInvoiceRequested',
  'OverageInvoiced',
];

export function isOverageEvent(e: { type: string }): e is OverageEvent {
  return (overageEventTypes as readonly string[]).includes(e.type);
}

/** A hosting account's overage episodes and pending lines. */
export const overageStream = (hostingId: string) => `overage-${hostingId}`;
/** A customer's overage invoicing (which pending lines went into which invoice). */
export const overageBillingStream = (customerId: string) => `overage-billing-${customerId}`;
