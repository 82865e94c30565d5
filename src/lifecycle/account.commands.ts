import type { OpenAccount, OpenInvoice } from '../../domain/accounts/account.js';
import type { AccountEvent, DunningEvent } from '../../domain/accounts/events.js';
import type { Day } from '../../domain/shared/day.js';

/** The daily job's decision for one account on `on` (closure, trial expiry, suspension, notice). */
export class ReviewAccountCommand {
  constructor(
    readonly accountId: string,
    readonly on: Day,
    /** What the customer owes (the log's invoices and Gloux's own). */
    readonly invoices: readonly OpenInvoice[],
  ) {}
}

/** After a payment or credit: converts a trial account, lifts an 'unpaid' suspension. */
export class ReactAfterPaymentCommand {
  constructor(
    readonly accountId: string,
    readonly customerId: string,
    readonly paidInvoice: { readonly invoiceId: string; readonly issuedOn: Day } | null,
    readonly on: Day,
    readonly invoices: readonly OpenInvoice[],
    /** Derived from the event reacted to: a retry records nothing more. */
    readonly idempotencyKey: string,
  ) {}
}

/** Opens an account the log does not hold yet (the demo's trial account, for instance). */
export class OpenAccountCommand {
  constructor(
    readonly accountId: string,
    readonly account: OpenAccount,
    readonly actor: string,
  ) {}
}

/** An admin turns a trial account into a paying one. */
export class ConvertAccountCommand {
  constructor(
    readonly accountId: string,
    readonly actor: string,
  ) {}
}

/** The events an account command recorded (none: nothing was due). */
export type AccountCommandResult = AccountEvent[];

/** The day's invoice notices and reminders for one customer. */
export class SendDunningCommand {
  constructor(
    readonly customerId: string,
    readonly on: Day,
    readonly invoices: readonly OpenInvoice[],
  ) {}
}

export type SendDunningResult = DunningEvent[];
