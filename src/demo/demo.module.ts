import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { isLegacyEmpty, seedLegacyDemo } from '../../legacy-sync/legacy-demo-data.js';
import { BillingModule } from '../billing/billing.module.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { VAT_SCHEDULE_STREAM } from '../../domain/catalogue/events.js';
import { seedDemoBilling } from './demo-data.js';
import { seedDemoOverage } from '../overage/overage-demo.js';
import { OverageService } from '../overage/overage.service.js';
import { SharesModule } from '../shares/shares.module.js';
import { ShareMovements } from '../shares/shares.handlers.js';
import { LifecycleService } from '../lifecycle/lifecycle.service.js';
import { seedDemoLifecycle } from '../lifecycle/lifecycle-demo.js';
import { SentinelModule } from '../hosting/sentinel/sentinel.module.js';
import { SentinelService } from '../hosting/sentinel/sentinel.service.js';
import { seedDemoSentinel } from '../hosting/sentinel/sentinel-demo.js';

/** On an empty embedded database, seeds demo data so a new user sees real pages at once. */
@Module({ imports: [CqrsModule, BillingModule, SharesModule, SentinelModule] })
export class DemoModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Db) private readonly db: Db,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(OverageService) private readonly overage: OverageService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(ShareMovements) private readonly shares: ShareMovements,
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(SentinelService) private readonly sentinel: SentinelService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData || this.db.dialect !== 'sqlite') return;
    // The VAT history recorded at start-up (src/catalogue) does not count as use.
    const empty = await this.db.run(async (q) => {
      if (!(await isLegacyEmpty(q))) return false;
      const [row] = await q.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM g2_events WHERE stream_id <> ?`,
        [VAT_SCHEDULE_STREAM],
      );
      return Number(row?.n ?? 0) === 0;
    });
    if (!empty) return;
    await this.db.transaction((tx) => seedLegacyDemo(tx));
    await seedDemoBilling(this.commands);
    await seedDemoOverage(this.db, this.overage, this.clock.today());
    // SharesModule's start-up import ran before this seeding: the demo's shares are imported here.
    const shares = await this.shares.importLegacy('demo');
    for (const line of [...shares.anomalies, ...shares.mismatches]) this.logger.warn(line);
    await seedDemoLifecycle(this.commands, this.clock, this.lifecycle);
    await seedDemoSentinel(this.db, this.sentinel, this.clock.today());
    this.logger.log(
      `Demo data loaded: 4 members with ${shares.imported} shares, invoices, payments, a credit note, a bounced cheque, a disk overage and full mailboxes`,
    );
  }
}
