import type { RecordPayment } from '../../domain/billing/payment.js';

export class RecordPaymentCommand {
  constructor(
    readonly input: RecordPayment,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface RecordPaymentResult {
  paymentId: string;
  amount: string;
  /** What went to the customer's credit (overpayment). */
  credited: string;
  invoices: { invoiceId: string; number: string; allocated: string; balance: string }[];
}
