import type { IssueCreditNote } from '../../domain/billing/credit-note.js';

export class IssueCreditNoteCommand {
  constructor(
    readonly input: IssueCreditNote,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface IssueCreditNoteResult {
  creditNoteId: string;
  number: string;
  invoiceId: string;
  total: string;
  /** Part of the credit note that went to the customer's credit (the invoice was already paid). */
  toCredit: string;
}
