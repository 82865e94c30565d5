import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Subscription } from 'rxjs';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { LegacyHostingMirror } from '../../legacy-sync/legacy-hosting-mirror.js';
import { Clock } from '../kernel/clock.js';
import { LIFECYCLE_CONFIG, SELLER_IDENTITY, type LifecycleConfig } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { AccountLifecycle } from './account-lifecycle.js';
import {
  ConvertAccountHandler,
  OpenAccountHandler,
  ReactAfterPaymentHandler,
  ReviewAccountHandler,
  SendDunningHandler,
} from './account.handlers.js';
import { AfterCommit } from './after-commit.js';
import { InvoiceNotices } from './invoice-notices.js';
import { LifecycleAdminController } from './lifecycle-admin.controller.js';
import { LifecycleService } from './lifecycle.service.js';
import { MailMessages, MailTemplates } from './mail-messages.js';
import { MailOutbox } from './mail-outbox.js';
import { PaymentReactor } from './payment-reactor.js';
import { Provisioning } from './provisioning.js';
import { JobFollowers } from './job-followers.js';
import { JobQueue } from '../kernel/jobs/job-queue.js';
import { LifecycleHomeTiles } from './lifecycle-home-tiles.js';
import { LifecyclePagesQueries } from './lifecycle-pages.queries.js';

/**
 * The account lifecycle: the daily job (CLI lifecycle:run, and a cron in the app), the
 * after-commit reactions (reactivation on payment, e-mails, the job queue: provisioning hooks and
 * hosting jobs) and admin pages.
 */
@Global()
@Module({
  imports: [CqrsModule, ScheduleModule.forRoot(), LegacySyncModule],
  controllers: [LifecycleAdminController],
  providers: [
    AccountLifecycle,
    ReviewAccountHandler,
    ReactAfterPaymentHandler,
    ConvertAccountHandler,
    OpenAccountHandler,
    SendDunningHandler,
    LifecycleService,
    LifecyclePagesQueries,
    LifecycleHomeTiles,
    {
      provide: MailOutbox,
      inject: [Db, LIFECYCLE_CONFIG, Clock, SELLER_IDENTITY],
      useFactory: (db: Db, config: LifecycleConfig, clock: Clock, seller: SellerIdentity) =>
        new MailOutbox(
          db,
          new MailMessages(new MailTemplates(), config, seller.name),
          config,
          clock,
        ),
    },
    {
      provide: PaymentReactor,
      inject: [Db, AccountLifecycle, Clock],
      useFactory: (db: Db, accounts: AccountLifecycle, clock: Clock) =>
        new PaymentReactor(db, accounts, clock),
    },
    {
      provide: JobQueue,
      inject: [Db, LIFECYCLE_CONFIG, Clock, CommandPipeline],
      useFactory: (db: Db, config: LifecycleConfig, clock: Clock, pipeline: CommandPipeline) =>
        new JobQueue(db, config, clock, pipeline),
    },
    {
      provide: JobFollowers,
      inject: [Db, Clock],
      useFactory: (db: Db, clock: Clock) => new JobFollowers(db, clock),
    },
    {
      provide: Provisioning,
      inject: [Db, Clock, JobFollowers],
      useFactory: (db: Db, clock: Clock, followers: JobFollowers) => {
        const provisioning = new Provisioning(db, clock);
        followers.add(provisioning.follower);
        return provisioning;
      },
    },
    {
      provide: InvoiceNotices,
      inject: [Db, LifecycleService, Clock, LIFECYCLE_CONFIG],
      useFactory: (db: Db, job: LifecycleService, clock: Clock, config: LifecycleConfig) =>
        new InvoiceNotices(db, job, clock, config.rules.catchUpDays),
    },
    {
      provide: AfterCommit,
      inject: [
        LegacySyncWorker,
        PaymentReactor,
        InvoiceNotices,
        MailOutbox,
        JobFollowers,
        JobQueue,
        LegacyHostingMirror,
        // Its follower is among the job followers once it exists.
        Provisioning,
      ],
      useFactory: (
        legacy: LegacySyncWorker,
        reactor: PaymentReactor,
        notices: InvoiceNotices,
        mail: MailOutbox,
        followers: JobFollowers,
        jobs: JobQueue,
        hosting: LegacyHostingMirror,
      ) => new AfterCommit(legacy, reactor, notices, mail, followers, jobs, hosting),
    },
  ],
  exports: [
    AccountLifecycle,
    LifecycleService,
    MailOutbox,
    PaymentReactor,
    Provisioning,
    JobQueue,
    JobFollowers,
    AfterCommit,
  ],
})
export class LifecycleModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(AfterCommit) private readonly afterCommit: AfterCommit,
    @Inject(LifecycleService) private readonly job: LifecycleService,
    @Inject(SchedulerRegistry) private readonly scheduler: SchedulerRegistry,
    @Inject(MailOutbox) private readonly mail: MailOutbox,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.pipeline.committed$.subscribe(() => void this.afterCommit.wake());
    this.timer = setInterval(() => void this.afterCommit.wake(), this.config.afterCommitIntervalMs);
    this.timer.unref();
    void this.afterCommit.wake();
    if (this.config.schedulerEnabled) {
      const job = CronJob.from({
        cronTime: this.config.cron,
        timeZone: 'Europe/Paris',
        waitForCompletion: true,
        onTick: async () => {
          try {
            const s = await this.job.run();
            this.logger.log(
              `Lifecycle ${s.on}: ${s.notices} notice(s), ${s.reminders} reminder(s), ${s.suspensions.unpaid + s.suspensions.trial_expired} suspension(s), ${s.closureNotices} closure notice(s), ${s.closures} closure(s), ${s.errors.length} error(s)`,
            );
          } catch (error) {
            this.logger.error(`Lifecycle job failed: ${(error as Error).message}`);
          }
        },
      });
      this.scheduler.addCronJob('lifecycle', job);
      job.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    if (this.scheduler.doesExist('cron', 'lifecycle')) this.scheduler.deleteCronJob('lifecycle');
    await this.afterCommit.wake();
    this.mail.close();
  }
}
