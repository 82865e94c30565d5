import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { plural } from '../domain/shared/plural.js';
import { Clock } from '../src/kernel/clock.js';
import {
  APP_CONFIG,
  MAIL_USAGE_CONFIG,
  type AppConfig,
  type MailUsageConfig,
} from '../src/kernel/config.js';
import { Db } from '../src/kernel/database/db.js';
import { CommandPipeline } from '../src/kernel/event-store/command-pipeline.js';
import { LegacyIngester } from './legacy-ingest.js';
import type { ShareRules } from '../domain/shares/share-capital.js';
import { SHARES_CONFIG } from '../src/kernel/config.js';
import { LegacySyncWorker } from './legacy-sync.worker.js';
import { LegacyHostingMirror } from './legacy-hosting-mirror.js';

/**
 * Runs the gloux2 → Gloux mirror after every commit and on a timer (to catch up after a
 * restart), and the Gloux → gloux2 ingestion on the same timer (a backfill at start-up).
 */
@Module({
  providers: [
    { provide: LegacySyncWorker, inject: [Db], useFactory: (db: Db) => new LegacySyncWorker(db) },
    {
      provide: LegacyHostingMirror,
      inject: [Db, MAIL_USAGE_CONFIG],
      useFactory: (db: Db, mail: MailUsageConfig) =>
        new LegacyHostingMirror(db, { mailRoot: mail.mailRoot }),
    },
    {
      provide: LegacyIngester,
      inject: [Db, CommandPipeline, Clock, APP_CONFIG, SHARES_CONFIG],
      useFactory: (
        db: Db,
        pipeline: CommandPipeline,
        clock: Clock,
        config: AppConfig,
        shareRules: ShareRules,
      ) =>
        new LegacyIngester(
          db,
          pipeline,
          clock,
          config.legacyIngestBatch ?? 200,
          shareRules,
          (config.legacyInvoiceLinesDelayS ?? 600) * 1000,
        ),
    },
  ],
  exports: [LegacySyncWorker, LegacyHostingMirror, LegacyIngester],
})
export class LegacySyncModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LegacySync');
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ingesting = false;

  constructor(
    @Inject(LegacySyncWorker) private readonly worker: LegacySyncWorker,
    @Inject(LegacyHostingMirror) private readonly hosting: LegacyHostingMirror,
    @Inject(LegacyIngester) private readonly ingester: LegacyIngester,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.pipeline.committed$.subscribe(() => {
      void this.worker.wake();
      void this.hosting.wake();
    });
    this.timer = setInterval(() => this.tick(), this.config.legacySyncIntervalMs);
    this.timer.unref();
    this.tick();
  }

  /**
   * Starts the ingestion of Gloux's writes (backfill, then a poll per tick). Called by the
   * server once it listens, so start-up's own seeding (demo data) is done before it looks.
   */
  startIngest(): void {
    if (!this.config.legacyIngest || this.ingesting) return;
    this.ingesting = true;
    this.tick();
  }

  private tick(): void {
    void this.worker.wake();
    void this.hosting.wake();
    if (!this.ingesting) return;
    const before = this.ingester.lastError;
    void this.ingester.wake().then((n) => {
      // Only what came in, each agreed with its count: "Import Gloux : 1 facture, 2 paiements".
      const parts = [
        n.invoices > 0 ? plural(n.invoices, 'facture', 'factures') : '',
        n.creditNotes > 0 ? plural(n.creditNotes, 'avoir', 'avoirs') : '',
        n.payments > 0 ? plural(n.payments, 'paiement', 'paiements') : '',
        n.accounts > 0 ? plural(n.accounts, 'compte', 'comptes') : '',
        n.shares > 0 ? plural(n.shares, 'part sociale', 'parts sociales') : '',
      ].filter((p) => p !== '');
      if (parts.length > 0) this.logger.log(`Import Gloux : ${parts.join(', ')}`);
      const error = this.ingester.lastError;
      if (error && error !== before) this.logger.warn(`Import Gloux : ${error.message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    await this.ingester.settled();
    await this.worker.wake();
    await this.hosting.wake();
  }
}
