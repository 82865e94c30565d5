import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BillingQueries } from './billing-queries.js';
import { IssueInvoiceHandler } from './issue-invoice.handler.js';
import { RecordPaymentHandler } from './record-payment.handler.js';

@Module({
  imports: [CqrsModule],
  providers: [IssueInvoiceHandler, RecordPaymentHandler, BillingQueries],
  exports: [BillingQueries],
})
export class BillingModule {}
