import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { BillingModule } from '../billing/billing.module.js';
import { BillingFormQueries } from '../billing/billing-forms.queries.js';
import { BillingRunModule } from '../billing-run/billing-run.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { MoneticoModule } from '../monetico/monetico.module.js';
import { AdminController } from './admin.controller.js';
import { BillingRunController } from './billing-run.controller.js';
import { CatalogueController } from './catalogue.controller.js';
import { CooperatorController } from './cooperator.controller.js';
import { CooperatorHome } from './cooperator-home.js';
import { CreditNotesController } from './credit-notes.controller.js';
import { CustomerCreditController } from './customer-credit.controller.js';
import { ErrorLog } from './error-log.js';
import { GuideController } from './guide.controller.js';
import { HomeController } from './home.controller.js';
import { PanelHomeTiles } from './panel-home-tiles.js';
import { PaymentsController } from './payments.controller.js';

@Module({
  imports: [
    CqrsModule,
    BillingModule,
    LegacySyncModule,
    CatalogueModule,
    BillingRunModule,
    MoneticoModule,
  ],
  controllers: [
    HomeController,
    GuideController,
    CooperatorController,
    AdminController,
    CatalogueController,
    BillingRunController,
    CreditNotesController,
    PaymentsController,
    CustomerCreditController,
  ],
  providers: [BillingFormQueries, ErrorLog, PanelHomeTiles, CooperatorHome],
  exports: [ErrorLog],
})
export class PanelModule {}
