import { execFile } from 'node:child_process';
import { Logger } from '@nestjs/common';
import { foldAccount } from '../../domain/accounts/account.js';
import { accountStream, isAccountEvent, type AccountEvent } from '../../domain/accounts/events.js';
import type { Clock } from '../kernel/clock.js';
import type { Db } from '../kernel/database/db.js';
import { readStream, sqlTimestamp, type RecordedEvent } from '../kernel/event-store/event-store.js';
import { LogFollower } from './log-follower.js';
import {
  processEnvironment,
  type LifecycleConfig,
  type ProvisioningAction,
} from '../kernel/config.js';
import { backoffMs } from './mail-outbox.js';

export const PROVISIONING_CHECKPOINT = 'provisioning';

export interface ProvisioningRunRow {
  id: number;
  run_key: string;
  action: ProvisioningAction;
  account_id: string;
  customer_id: string;
  account_name: string;
  reason: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  output: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/**
 * The provisioning hook: after commit, each account change made by gloux2 becomes a run of the
 * configured script (PROVISIONING_HOOK_SUSPEND=/path/script …) with the account as arguments
 * (`<action> <account id> <login> <customer id>`) and environment (GLOUX2_*). Output is kept;
 * failures are retried with a growing delay and shown to admins (/admin/provisionnement).
 */
export class Provisioning {
  readonly follower: LogFollower;
  private readonly logger = new Logger('Provisioning');
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly config: Pick<
      LifecycleConfig,
      'hooks' | 'hookTimeoutMs' | 'provisioningMaxAttempts' | 'retryBaseMs'
    >,
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
    let action: ProvisioningAction;
    let reason = '';
    switch (e.type) {
      case 'AccountOpened':
        action = 'open';
        break;
      case 'AccountSuspended':
        action = 'suspend';
        reason = e.data.note;
        break;
      case 'AccountReactivated':
        // The hosting stays off while another reason remains.
        if (state.suspensions.length > 0 || state.closedOn !== null) return;
        action = 'reactivate';
        break;
      case 'AccountClosed':
        action = 'close';
        reason = e.data.note;
        break;
      case 'AccountConverted':
      case 'AccountClosureNoticeSent':
        return;
    }
    const now = sqlTimestamp(this.clock.now());
    const insert = this.db.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await this.db.run((q) =>
      q.execute(
        `${insert} INTO g2_provisioning_runs (run_key, event_position, action, account_id, customer_id, account_name, reason, status, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        [
          `${event.position}:${action}`,
          event.position,
          action,
          accountId,
          state.customerId,
          state.name,
          reason.slice(0, 255),
          this.config.hooks[action] ? 'pending' : 'skipped',
          now,
          now,
        ],
      ),
    );
  }

  /** Queues the runs of everything committed so far, then runs what is due. */
  async process(): Promise<{ queued: number; ran: number }> {
    const queued = await this.follower.catchUp();
    return { queued, ran: await this.runDue() };
  }

  /** Runs the pending hook runs whose time has come, in order; one pass at a time. */
  runDue(): Promise<number> {
    this.running ??= this.runPending().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runPending(): Promise<number> {
    const now = this.clock.now();
    const due = await this.db.query<ProvisioningRunRow & Record<string, unknown>>(
      `SELECT * FROM g2_provisioning_runs WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 100`,
      [sqlTimestamp(now)],
    );
    let ran = 0;
    for (const row of due) {
      const script = this.config.hooks[row.action];
      if (!script) continue;
      const result = await this.exec(script, row);
      const attempts = Number(row.attempts) + 1;
      if (result.ok) {
        this.logger.log(
          `${row.action} ${row.account_name} (${row.account_id}): ${result.output.trim()}`,
        );
        await this.db.run((q) =>
          q.execute(
            `UPDATE g2_provisioning_runs SET status = 'done', attempts = ?, output = ?, last_error = NULL, finished_at = ? WHERE id = ?`,
            [attempts, result.output.slice(0, 10_000), sqlTimestamp(this.clock.now()), row.id],
          ),
        );
        ran += 1;
      } else {
        const failed = attempts >= this.config.provisioningMaxAttempts;
        this.logger.warn(
          `${row.action} ${row.account_name} (${row.account_id}) failed (attempt ${attempts}): ${result.error}`,
        );
        await this.db.run((q) =>
          q.execute(
            `UPDATE g2_provisioning_runs SET status = ?, attempts = ?, output = ?, last_error = ?, next_attempt_at = ?, finished_at = ? WHERE id = ?`,
            [
              failed ? 'failed' : 'pending',
              attempts,
              result.output.slice(0, 10_000),
              result.error.slice(0, 2000),
              sqlTimestamp(new Date(now.getTime() + backoffMs(this.config.retryBaseMs, attempts))),
              failed ? sqlTimestamp(this.clock.now()) : null,
              row.id,
            ],
          ),
        );
      }
    }
    return ran;
  }

  private exec(
    script: string,
    row: ProvisioningRunRow,
  ): Promise<{ ok: boolean; output: string; error: string }> {
    return new Promise((resolve) => {
      execFile(
        script,
        [row.action, row.account_id, row.account_name, row.customer_id],
        {
          timeout: this.config.hookTimeoutMs,
          env: {
            // The hook inherits the server's environment (PATH, its own settings…).
            ...processEnvironment(),
            GLOUX2_ACTION: row.action,
            GLOUX2_ACCOUNT_ID: row.account_id,
            GLOUX2_ACCOUNT_NAME: row.account_name,
            GLOUX2_CUSTOMER_ID: row.customer_id,
            GLOUX2_REASON: row.reason,
          },
        },
        (error, stdout, stderr) => {
          const output = `${stdout}${stderr ? `\n${stderr}` : ''}`;
          resolve({ ok: !error, output, error: error ? error.message : '' });
        },
      );
    });
  }

  /** Puts a failed run back in the queue (admin action). */
  async retry(id: number): Promise<boolean> {
    const { affected } = await this.db.run((q) =>
      q.execute(
        `UPDATE g2_provisioning_runs SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL WHERE id = ? AND status = 'failed'`,
        [sqlTimestamp(this.clock.now()), id],
      ),
    );
    return affected > 0;
  }
}
