import type { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import type { LegacyHostingMirror } from '../../legacy-sync/legacy-hosting-mirror.js';
import type { JobQueue } from '../kernel/jobs/job-queue.js';
import type { InvoiceNotices } from './invoice-notices.js';
import type { JobFollowers } from './job-followers.js';
import type { MailOutbox } from './mail-outbox.js';
import type { PaymentReactor } from './payment-reactor.js';

/**
 * The after-commit workers of the lifecycle, in the order their effects depend on each other:
 * Gloux's mirrors (billing, hosting), then the reactions to payments (which may record reactivations) and the
 * notices of new invoices, then the e-mails and the jobs (account hooks, hosting work) of
 * whatever was recorded.
 */
export class AfterCommit {
  constructor(
    private readonly legacy: LegacySyncWorker,
    private readonly reactor: PaymentReactor,
    private readonly notices: InvoiceNotices,
    private readonly mail: MailOutbox,
    private readonly jobFollowers: JobFollowers,
    private readonly jobs: JobQueue,
    private readonly hosting: LegacyHostingMirror,
  ) {}

  /** After a commit or on the timer: never throws (errors stay on each follower's lastError). */
  async wake(): Promise<void> {
    await this.legacy.wake();
    await this.hosting.wake();
    await this.reactor.follower.wake();
    await this.notices.follower.wake();
    await this.mail.follower.wake();
    for (const f of this.jobFollowers.all()) await f.wake();
    await this.mail.flush().catch(() => 0);
    await this.jobs.runDue().catch(() => 0);
  }

  /**
   * Runs every worker until nothing is left to do (CLI, tests); throws on the first failure.
   * Each worker's pass under way after a commit is joined rather than run beside, so once this
   * resolves every reaction to what was committed before the call is recorded (tests that
   * count events settle first).
   */
  async settle(): Promise<void> {
    // Jobs run by the last call (-1: not run since the last drain that did something).
    let ran = -1;
    for (let round = 0; round < 20; round++) {
      let n =
        (await this.legacy.drain()) +
        (await this.hosting.drain()) +
        (await this.reactor.follower.drain()) +
        (await this.notices.follower.drain()) +
        (await this.mail.follower.drain());
      for (const f of this.jobFollowers.all()) n += await f.drain();
      if (n === 0 && ran === 0) break;
      if (n > 0 && round < 19) {
        ran = -1;
        continue;
      }
      await this.mail.flush();
      // A job's success may record events (a purged mailbox): their reactions come next.
      ran = await this.jobs.runDue();
    }
  }

  /** Last failures, for the admin pages. */
  errors(): { worker: string; at: string; message: string }[] {
    const out: { worker: string; at: string; message: string }[] = [];
    if (this.legacy.lastError) out.push({ worker: 'legacy-sync', ...this.legacy.lastError });
    if (this.hosting.lastError) out.push({ worker: 'legacy-hosting', ...this.hosting.lastError });
    for (const f of [
      this.reactor.follower,
      this.notices.follower,
      this.mail.follower,
      ...this.jobFollowers.all(),
    ]) {
      if (f.lastError)
        out.push({ worker: f.name, at: f.lastError.at, message: f.lastError.message });
    }
    return out;
  }
}
