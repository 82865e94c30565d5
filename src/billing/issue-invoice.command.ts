import type { IssueInvoice } from '../../domain/billing/invoice.js';

export class IssueInvoiceCommand {
  constructor(
    readonly input: IssueInvoice,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface IssueInvoiceResult {
  invoiceId: string;
  number: string;
  total: string;
  /** Paid at once from the customer's credit. */
  paidFromCredit: string;
}
