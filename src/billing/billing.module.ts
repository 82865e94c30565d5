import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BillingQueries } from './billing-queries.js';
import { ApplyCreditHandler, RefundCreditHandler } from './customer-credit.handlers.js';
import { IssueCreditNoteHandler } from './issue-credit-note.handler.js';
import { IssueInvoiceHandler } from './issue-invoice.handler.js';
import { ReversePaymentHandler } from './reverse-payment.handler.js';
import { RecordPaymentHandler } from './record-payment.handler.js';

@Module({
  imports: [CqrsModule],
  providers: [
    IssueInvoiceHandler,
    RecordPaymentHandler,
    IssueCreditNoteHandler,
    ReversePaymentHandler,
    ApplyCreditHandler,
    RefundCreditHandler,
    BillingQueries,
  ],
  exports: [BillingQueries],
})
export class BillingModule {}
