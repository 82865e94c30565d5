import type { InvoiceIssued } from '../../domain/billing/events.js';
import { addDays } from '../../domain/shared/day.js';
import type { Clock } from '../kernel/clock.js';
import type { Db } from '../kernel/database/db.js';
import type { RecordedEvent } from '../kernel/event-store/event-store.js';
import type { LifecycleService } from './lifecycle.service.js';
import { LogFollower } from './log-follower.js';

export const INVOICE_NOTICE_CHECKPOINT = 'lifecycle-invoice-notices';

/**
 * The notice of a new invoice as soon as gloux2 issues it, not at the next morning's job: from
 * the log after commit, the customer's dunning is decided for today (InvoiceNoticeSent, which
 * the outbox mails). The dunning stream records it, so the daily job never sends it again.
 */
export class InvoiceNotices {
  readonly follower: LogFollower;

  constructor(
    db: Db,
    private readonly lifecycle: LifecycleService,
    private readonly clock: Clock,
    private readonly catchUpDays: number,
  ) {
    this.follower = new LogFollower(
      db,
      INVOICE_NOTICE_CHECKPOINT,
      (e) => e.type === 'InvoiceIssued' && e.metadata.source === 'g2',
      (e) => this.react(e),
    );
  }

  private async react(event: RecordedEvent): Promise<void> {
    const d = (event as unknown as InvoiceIssued).data;
    const today = this.clock.today();
    // Only what the daily job would still announce: old invoices read again say nothing.
    if (today >= addDays(d.issuedOn, this.catchUpDays)) return;
    await this.lifecycle.dunCustomer(d.customerId, today);
  }
}
