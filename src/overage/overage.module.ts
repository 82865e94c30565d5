import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OVERAGE_CONFIG, loadOverageConfig } from './overage.config.js';
import { OverageQueries } from './overage-page.queries.js';
import { OverageService } from './overage.service.js';

/** Overage: the job (CLI overage:run), the closure flush, and the cooperator's page data. */
@Global()
@Module({
  imports: [CqrsModule],
  providers: [
    { provide: OVERAGE_CONFIG, useFactory: () => loadOverageConfig() },
    OverageService,
    OverageQueries,
  ],
  exports: [OVERAGE_CONFIG, OverageService, OverageQueries],
})
export class OverageModule {}
