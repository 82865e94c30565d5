import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { BillingModule } from '../billing/billing.module.js';
import { BillingRunModule } from '../billing-run/billing-run.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { AdminController } from './admin.controller.js';
import { BillingRunController } from './billing-run.controller.js';
import { CatalogueController } from './catalogue.controller.js';
import { CooperatorController } from './cooperator.controller.js';
import { HomeController } from './home.controller.js';
import { TreasurerController } from './treasurer.controller.js';

@Module({
  imports: [CqrsModule, BillingModule, LegacySyncModule, CatalogueModule, BillingRunModule],
  controllers: [
    HomeController,
    CooperatorController,
    TreasurerController,
    AdminController,
    CatalogueController,
    BillingRunController,
  ],
})
export class PanelModule {}
