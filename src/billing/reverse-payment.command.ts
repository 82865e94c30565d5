import type { ReversePayment } from '../../domain/billing/payment.js';

/** A bounced cheque (kind 'bounced') or a refund (kind 'refund') of a recorded payment. */
export class ReversePaymentCommand {
  constructor(
    readonly input: ReversePayment,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface ReversePaymentResult {
  reversalId: string;
  paymentId: string;
  amount: string;
  /** Invoices reopened, with what they owe now. */
  invoices: { invoiceId: string; number: string; balance: string }[];
  fromCredit: string;
}
