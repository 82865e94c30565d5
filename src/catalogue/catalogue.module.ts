import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Db } from '../kernel/database/db.js';
import { CatalogueQueries } from './catalogue-queries.js';
import { ScheduleVatRateHandler } from './schedule-vat-rate.handler.js';
import { ensureVatHistory } from './vat-history.js';

/** The catalogue (Gloux's produits) and the dated VAT schedule. */
@Module({
  imports: [CqrsModule],
  providers: [ScheduleVatRateHandler, CatalogueQueries],
  exports: [CatalogueQueries],
})
export class CatalogueModule implements OnModuleInit {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(ScheduleVatRateHandler) private readonly schedule: ScheduleVatRateHandler,
  ) {}

  /** Before any bootstrap hook (demo data, billing): the schedule must hold France's history. */
  async onModuleInit(): Promise<void> {
    await ensureVatHistory(this.db, this.schedule);
  }
}
