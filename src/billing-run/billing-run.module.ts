import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BillingModule } from '../billing/billing.module.js';
import { AnniversaryBillingService } from './anniversary-billing.service.js';

/** The anniversary billing run (CLI `billing:run`, page /admin/facturation). */
@Module({
  imports: [CqrsModule, BillingModule],
  providers: [AnniversaryBillingService],
  exports: [AnniversaryBillingService],
})
export class BillingRunModule {}
