import { Controller, Get, Inject, Render } from '@nestjs/common';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { BillingQueries } from '../billing/billing-queries.js';
import { lastPosition } from '../event-store/event-store.js';
import { Db } from '../database/db.js';

@Controller()
export class HomeController {
  constructor(
    @Inject(BillingQueries) private readonly queries: BillingQueries,
    @Inject(LegacySyncWorker) private readonly sync: LegacySyncWorker,
    @Inject(Db) private readonly db: Db,
  ) {}

  @Get('/')
  @Render('home')
  async page() {
    return { title: 'Accueil', ...(await this.data()) };
  }

  @Get('/api')
  async data() {
    const [customers, logPosition, syncPosition] = await Promise.all([
      this.queries.customers(),
      this.db.run((q) => lastPosition(q)),
      this.sync.position(),
    ]);
    return {
      customers,
      legacySync: {
        logPosition,
        syncPosition,
        behind: logPosition - syncPosition,
        lastError: this.sync.lastError,
      },
    };
  }
}
