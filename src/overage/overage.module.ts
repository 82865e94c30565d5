import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OverageAdminController } from './overage-admin.controller.js';
import { OverageHomeTiles } from './overage-home-tiles.js';
import { OverageQueries } from './overage-page.queries.js';
import {
  CloseOverageHandler,
  RecordOverageInvoicedHandler,
  RecordOverageUsageHandler,
  RequestOverageInvoiceHandler,
} from './overage.handlers.js';
import { OverageService } from './overage.service.js';

/** Overage: the job (CLI overage:run), the closure flush, and the cooperator's page data. */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [OverageAdminController],
  providers: [
    OverageService,
    OverageQueries,
    OverageHomeTiles,
    RecordOverageUsageHandler,
    CloseOverageHandler,
    RequestOverageInvoiceHandler,
    RecordOverageInvoicedHandler,
  ],
  exports: [OverageService, OverageQueries],
})
export class OverageModule {}
