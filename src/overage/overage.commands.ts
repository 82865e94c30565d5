import type { OverageCharge, OverageInvoiceReason } from '../../domain/overage/events.js';
import type { OverageRules, RecordUsage } from '../../domain/overage/hosting-overage.js';
import type { OverageBatch } from '../../domain/overage/overage-invoicing.js';
import type { Day } from '../../domain/shared/day.js';
import type { IssueInvoiceResult } from '../billing/issue-invoice.command.js';

/** The actor of every overage command: the job (or the closure that flushes it). */
export const OVERAGE_ACTOR = 'overage-job';

/** One hosting's readings of the day: warnings, resolutions and pending lines. */
export class RecordOverageUsageCommand {
  constructor(
    readonly usage: RecordUsage,
    /** Loaded once per run (pricing, VAT): the same for every hosting of the run. */
    readonly rules: OverageRules,
  ) {}
}

/** Account closure: ends the hosting's open overages on `on` and bills their days so far. */
export class CloseOverageCommand {
  constructor(
    readonly hostingId: string,
    readonly on: Day,
    readonly rules: OverageRules,
  ) {}
}

/**
 * Freezes the customer's pending lines into a batch to invoice when the rule says so (or
 * returns the batch an interrupted run left open).
 */
export class RequestOverageInvoiceCommand {
  constructor(
    readonly customerId: string,
    readonly on: Day,
    readonly reason: OverageInvoiceReason,
    /** The pending total from which lines are invoiced (decimal string, euros). */
    readonly threshold: string,
  ) {}
}

export interface RequestOverageInvoiceResult {
  charges: OverageCharge[];
  /** The batch to issue; null: nothing to invoice. */
  batch: OverageBatch | null;
}

/** The batch's invoice was issued: the batch is closed with its invoice. */
export class RecordOverageInvoicedCommand {
  constructor(
    readonly customerId: string,
    readonly batchId: string,
    readonly invoice: IssueInvoiceResult,
    readonly on: Day,
  ) {}
}
