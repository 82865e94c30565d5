import { foldAccount } from '../../domain/accounts/account.js';
import { accountStream, isAccountEvent, type AccountEvent } from '../../domain/accounts/events.js';
import type { AccountJobKind } from '../../domain/jobs/job-kinds.js';
import type { Clock } from '../kernel/clock.js';
import type { Db } from '../kernel/database/db.js';
import { readStream, type RecordedEvent } from '../kernel/event-store/event-store.js';
import { queueJob } from '../kernel/jobs/job-queue.js';
import { LogFollower } from './log-follower.js';

export const PROVISIONING_CHECKPOINT = 'provisioning';

/**
 * The provisioning hook: after commit, each account change made by gloux2 queues a job
 * (`account.open` … in g2_jobs) that runs the configured script (PROVISIONING_HOOK_SUSPEND=…)
 * with the account as arguments (`<action> <account id> <login> <customer id>`) and
 * environment (GLOUX2_*). The job queue (src/kernel/jobs/job-queue.ts) runs, retries and shows
 * them (/admin/provisionnement).
 */
export class Provisioning {
  readonly follower: LogFollower;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.follower = new LogFollower(
      db,
      PROVISIONING_CHECKPOINT,
      (e) => isAccountEvent(e) && e.metadata.source === 'g2',
      (e) => this.enqueue(e),
    );
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    const e = event as unknown as AccountEvent;
    const accountId = e.data.accountId;
    const history = (await this.db.run((q) => readStream(q, accountStream(accountId))))
      .filter((x) => x.position <= event.position)
      .map((x) => x as unknown as AccountEvent);
    const state = foldAccount(accountId, history);
    let kind: AccountJobKind;
    let reason = '';
    switch (e.type) {
      case 'AccountOpened':
        kind = 'account.open';
        break;
      case 'AccountSuspended':
        kind = 'account.suspend';
        reason = e.data.note;
        break;
      case 'AccountReactivated':
        // The hosting stays off while another reason remains.
        if (state.suspensions.length > 0 || state.closedOn !== null) return;
        kind = 'account.reactivate';
        break;
      case 'AccountClosed':
        kind = 'account.close';
        reason = e.data.note;
        break;
      case 'AccountConverted':
      case 'AccountClosureNoticeSent':
        return;
    }
    await this.db.run((q) =>
      queueJob(
        q,
        {
          eventPosition: event.position,
          kind,
          targetId: accountId,
          payload: {
            accountId,
            accountName: state.name,
            customerId: state.customerId,
            reason: reason.slice(0, 255),
          },
        },
        this.clock.now(),
      ),
    );
  }
}
