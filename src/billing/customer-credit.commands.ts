import type { RefundCredit } from '../../domain/billing/customer-account.js';

/** Uses the customer's credit on their unpaid invoices (oldest first, or the one named). */
export class ApplyCreditCommand {
  constructor(
    readonly input: { customerId: string; invoiceId?: string; on?: string },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface ApplyCreditResult {
  applied: { invoiceId: string; amount: string }[];
  creditLeft: string;
}

/** Pays credit back to the customer. */
export class RefundCreditCommand {
  constructor(
    readonly input: RefundCredit,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface RefundCreditResult {
  withdrawalId: string;
  amount: string;
  creditLeft: string;
}
