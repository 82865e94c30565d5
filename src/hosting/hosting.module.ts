import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DomainsController } from './domains.controller.js';
import { AddDomainHandler, loadDomains, RemoveDomainHandler } from './domains.handlers.js';
import { DomainPages } from './domains.pages.js';
import { LegacySyncModule } from '../../legacy-sync/legacy-sync.module.js';
import { Db } from '../kernel/database/db.js';
import { FtpAccountHandler } from './ftp/ftp-accounts.handler.js';
import { MailboxHandler } from './mail/mailboxes.handler.js';
import { MailboxPages } from './mail/mailbox-pages.service.js';
import { MailboxesController } from './mail/mailboxes.controller.js';
import { ftpSection } from './ftp/hosting-ftp.section.js';
import { FtpController } from './ftp/ftp.controller.js';
import { MailUsageCollector } from './mail/mail-usage.collector.js';
import { RedirectionHandler } from './mail/redirections.handler.js';
import { RedirectionsController } from './mail/redirections.controller.js';
import { redirectionsSection } from './mail/redirections.section.js';
import { MailUsageController } from './mail/mail-usage.controller.js';
import { MailUsagePages } from './mail/mail-usage.pages.js';
import { mailUsageSection } from './mail/mail-usage.section.js';
import { JobQueue } from '../kernel/jobs/job-queue.js';
import { JobFollowers } from '../lifecycle/job-followers.js';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { VHOST_HANDLERS } from './vhosts/vhost.handlers.js';
import { followVhostJobs } from './vhosts/vhost-jobs.js';
import { followFtpJobs } from './ftp/ftp-jobs.js';
import { followMailPurges, mailClosureFollower } from './mail/mail-purge.js';
import { loadMailboxes } from './mail/mailboxes.handler.js';
import {
  HOSTING_CONFIG,
  MAIL_USAGE_CONFIG,
  type HostingConfig,
  type MailUsageConfig,
} from '../kernel/config.js';
import { VhostPages } from './vhosts/vhost-pages.service.js';
import { VhostsController } from './vhosts/vhosts.controller.js';
import { vhostsSection } from './vhosts/vhosts.section.js';
import { HostingAccess } from './hosting-access.js';
import { mailDomainsSection } from './mail/mail-domains.section.js';
import { MailMxController } from './mail/mail-mx.controller.js';
import { mailMxFollower, SetDomainMailHandler } from './mail/mail-mx.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { Clock } from '../kernel/clock.js';
import { domainsSection } from './hosting-domains.section.js';
import { HostingController } from './hosting.controller.js';
import { HostingSections } from './hosting-sections.js';
import { HostingPages } from './hosting-pages.service.js';
import { DnsZoneController } from './dns/dns-zone.controller.js';
import { DnsZonePages } from './dns/dns-zone-pages.service.js';
import {
  AddDnsRecordHandler,
  ChangeDnsRecordHandler,
  RemoveDnsRecordHandler,
  ZoneCommands,
} from './dns/dns.handlers.js';

/**
 * Web hosting (issue 18): the cooperator's hostings and their pages, who may manage which
 * (HostingAccess), and the sections each module adds to a hosting's page. The mirror of the
 * hosting events into Gloux's tables (legacy-sync/legacy-hosting-mirror.ts) runs in
 * LegacySyncModule beside the billing mirror, woken after every commit and on its timer.
 */
@Module({
  imports: [CqrsModule, LegacySyncModule, LifecycleModule],
  controllers: [
    HostingController,
    FtpController,
    MailboxesController,
    DnsZoneController,
    VhostsController,
    DomainsController,
    MailMxController,
    RedirectionsController,
    MailUsageController,
  ],
  providers: [
    HostingAccess,
    HostingSections,
    HostingPages,
    FtpAccountHandler,
    MailboxHandler,
    MailboxPages,
    ZoneCommands,
    DnsZonePages,
    AddDnsRecordHandler,
    ChangeDnsRecordHandler,
    RemoveDnsRecordHandler,
    VhostPages,
    ...VHOST_HANDLERS,
    DomainPages,
    AddDomainHandler,
    RemoveDomainHandler,
    MailUsageCollector,
    RedirectionHandler,
    SetDomainMailHandler,
    MailUsagePages,
  ],
  exports: [HostingAccess, HostingSections],
})
export class HostingModule implements OnModuleInit {
  constructor(
    @Inject(HostingSections) private readonly sections: HostingSections,
    @Inject(Db) private readonly db: Db,
    @Inject(JobQueue) private readonly jobs: JobQueue,
    @Inject(JobFollowers) private readonly jobFollowers: JobFollowers,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(MailUsagePages) private readonly mailUsage: MailUsagePages,
    @Inject(HOSTING_CONFIG) private readonly config: HostingConfig,
    @Inject(MAIL_USAGE_CONFIG) private readonly mail: MailUsageConfig,
    @Inject(MailboxPages) private readonly mailboxPages: MailboxPages,
  ) {}

  onModuleInit(): void {
    this.sections.register(
      domainsSection(this.db, (hostingId) =>
        this.db.transaction(async (tx) => (await loadDomains(tx, hostingId)).state.domains),
      ),
      vhostsSection(this.db, this.jobs),
      ftpSection(this.db),
      this.mailboxPages.section(),
      mailDomainsSection(this.db),
      redirectionsSection(this.db),
      mailUsageSection(this.mailUsage),
    );
    followVhostJobs(this.jobFollowers);
    followFtpJobs(this.jobFollowers);
    // Ouvaton's MX written when mail is added to a domain (woken and settled with the jobs).
    this.jobFollowers.add(mailMxFollower(this.db, this.pipeline, this.clock));
    // Deferred deletion's second half: the purge jobs, and a closing hosting's boxes.
    const closure = mailClosureFollower(
      this.db,
      this.pipeline,
      this.clock,
      this.config.mailDeletionDays,
      async (tx, hostingId) =>
        [...(await loadMailboxes(tx, hostingId)).state.boxes.values()].filter(
          (b) => b.status === 'active' || b.status === 'disabled',
        ),
    );
    followMailPurges(this.jobFollowers, this.jobs, this.mail.mailRoot, closure);
  }
}
