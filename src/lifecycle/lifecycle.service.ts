import { Inject, Injectable } from '@nestjs/common';
import { runDay } from '../../domain/shared/run-day.js';
import { CommandBus } from '@nestjs/cqrs';
import { decideDaily, type OpenInvoice } from '../../domain/accounts/account.js';
import {
  decideDunning,
  initialDunningState,
  type DunningState,
} from '../../domain/accounts/dunning.js';
import type { Day } from '../../domain/shared/day.js';
import { readOpenLegacyAccounts } from '../../legacy-sync/legacy-accounts.js';
import type { LegacyAccountRow } from '../../domain/accounts/account.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import {
  AccountLifecycle,
  openInvoicesByCustomer,
  owedInvoicesByCustomer,
} from './account-lifecycle.js';
import { LIFECYCLE_CONFIG, type LifecycleConfig } from '../kernel/config.js';
import {
  ReviewAccountCommand,
  SendDunningCommand,
  type AccountCommandResult,
  type SendDunningResult,
} from './account.commands.js';

export interface LifecycleRunSummary {
  on: Day;
  accounts: number;
  notices: number;
  reminders: number;
  suspensions: { unpaid: number; trial_expired: number };
  closureNotices: number;
  closures: number;
  errors: { id: string; message: string }[];
}

/**
 * The daily lifecycle job: invoice notices and reminders (per customer), then per account the
 * closure of expired notices, trial expiry, suspension for unpaid invoices and closure notices.
 * Every decision is taken from the recorded state, so a second run on the same day records
 * nothing. Effects (Gloux, e-mails, hooks) follow after commit, from the log.
 */
@Injectable()
export class LifecycleService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AccountLifecycle) private readonly accounts: AccountLifecycle,
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
  ) {}

  async run(
    day?: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<LifecycleRunSummary> {
    const today = this.clock.today();
    const on = runDay(today, day, 'Le traitement ne peut pas être daté dans le futur.');
    const rules = this.config.rules;
    const { invoices, owed, dunning, accounts } = await this.db.run(async (q) => {
      const known = await q.query<{ account_id: string }>(
        `SELECT account_id FROM g2_rm_accounts WHERE status <> 'closed' ORDER BY account_id`,
      );
      const all = new Map<string, LegacyAccountRow | null>(known.map((r) => [r.account_id, null]));
      for (const row of await readOpenLegacyAccounts(q)) all.set(row.accountId, row);
      const sent = await q.query<{
        invoice_id: string;
        customer_id: string;
        notice_on: string | null;
        reminders: unknown;
      }>(`SELECT invoice_id, customer_id, notice_on, reminders FROM g2_rm_dunning`);
      return {
        invoices: await openInvoicesByCustomer(q),
        owed: await owedInvoicesByCustomer(q),
        dunning: sent,
        accounts: all,
      };
    });
    const summary: LifecycleRunSummary = {
      on,
      accounts: accounts.size,
      notices: 0,
      reminders: 0,
      suspensions: { unpaid: 0, trial_expired: 0 },
      closureNotices: 0,
      closures: 0,
      errors: [],
    };
    // Notices and reminders, from the read model first: a command only where something is due.
    const sentOf = new Map<string, DunningState>();
    for (const r of dunning) {
      const state = sentOf.get(r.customer_id) ?? initialDunningState(r.customer_id);
      const invoicesSent = new Map(state.invoices);
      invoicesSent.set(r.invoice_id, {
        noticeOn: r.notice_on,
        reminders: Number(r.reminders ?? 0),
      });
      sentOf.set(r.customer_id, { ...state, invoices: invoicesSent });
    }
    for (const [customerId, list] of invoices) {
      const preview = sentOf.get(customerId) ?? initialDunningState(customerId);
      if (decideDunning(preview, { on }, { invoices: list, rules }).length === 0) continue;
      try {
        for (const e of await this.commands.execute<SendDunningCommand, SendDunningResult>(
          new SendDunningCommand(customerId, on, list),
        )) {
          if (e.type === 'InvoiceNoticeSent') summary.notices += 1;
          else summary.reminders += 1;
        }
      } catch (error) {
        summary.errors.push({ id: `client ${customerId}`, message: (error as Error).message });
      }
    }
    let done = 0;
    for (const [accountId, row] of accounts) {
      try {
        const preview = await this.db.run((q) =>
          this.accounts.load(q, accountId, row ?? undefined),
        );
        const list: readonly OpenInvoice[] = owed.get(preview.state.customerId) ?? [];
        const decided = decideDaily(preview.state, { on }, { invoices: list, rules }).length > 0;
        // Gloux suspended or closed it (G3, an admin): taken in now, so its e-mail goes out today.
        if (!decided && preview.adoption.some((e) => e.type !== 'AccountOpened'))
          await this.accounts.adopt(accountId);
        if (decided) {
          const events = await this.commands.execute<ReviewAccountCommand, AccountCommandResult>(
            new ReviewAccountCommand(accountId, on, list),
          );
          for (const e of events) {
            if (
              e.type === 'AccountSuspended' &&
              e.data.reason !== 'admin' &&
              e.data.reason !== 'abuse'
            )
              summary.suspensions[e.data.reason] += 1;
            if (e.type === 'AccountClosureNoticeSent') summary.closureNotices += 1;
            if (e.type === 'AccountClosed') summary.closures += 1;
          }
        }
      } catch (error) {
        summary.errors.push({ id: `compte ${accountId}`, message: (error as Error).message });
      }
      onProgress?.(++done, accounts.size);
    }
    return summary;
  }

  /** One customer's notices and reminders due on `on` (right after an invoice is issued). */
  async dunCustomer(customerId: string, on: Day): Promise<SendDunningResult> {
    const invoices = await this.db.run((q) => openInvoicesByCustomer(q, [customerId]));
    const list = invoices.get(customerId) ?? [];
    if (list.length === 0) return [];
    return this.commands.execute<SendDunningCommand, SendDunningResult>(
      new SendDunningCommand(customerId, on, list),
    );
  }
}
