import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  decideAfterPayment,
  type LegacyAccountRow,
  type OpenInvoice,
} from '../../domain/accounts/account.js';
import type { AccountEvent } from '../../domain/accounts/events.js';
import type { Day } from '../../domain/shared/day.js';
import {
  readGlouxOnlyOpenInvoices,
  readLegacyAccountsOf,
} from '../../legacy-sync/legacy-accounts.js';
import {
  LegacyAccountAdoption,
  type LoadedAccount,
} from '../../legacy-sync/ingest/hebergements-ingest.js';
import { fromCents } from '../../domain/shared/cents.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { LIFECYCLE_CONFIG, type LifecycleConfig } from '../kernel/config.js';
import {
  ConvertAccountCommand,
  ReactAfterPaymentCommand,
  type AccountCommandResult,
} from './account.commands.js';

export type { LoadedAccount };

/** The owed invoices of customers (invoice read model), by customer. */
export async function openInvoicesByCustomer(
  q: Queryable,
  customerIds?: readonly string[],
): Promise<Map<string, OpenInvoice[]>> {
  const ids = customerIds ? [...new Set(customerIds)] : null;
  if (ids && ids.length === 0) return new Map();
  const rows = await q.query<{
    invoice_id: string;
    number: string;
    customer_id: string;
    issued_on: string;
    due_on: string;
    total_cents: unknown;
    left_cents: unknown;
  }>(
    `SELECT invoice_id, number, customer_id, issued_on, due_on, total_cents,
            total_cents - paid_cents - credited_cents AS left_cents
       FROM g2_rm_invoices
      WHERE kind = 'invoice' AND status = 'issued' AND total_cents > 0
        ${ids ? `AND customer_id IN (${ids.map(() => '?').join(', ')})` : ''}
      ORDER BY due_on, number`,
    ids ?? [],
  );
  const out = new Map<string, OpenInvoice[]>();
  for (const r of rows) {
    const list = out.get(r.customer_id) ?? [];
    list.push({
      invoiceId: r.invoice_id,
      number: r.number,
      issuedOn: r.issued_on,
      dueOn: r.due_on,
      total: fromCents(r.total_cents),
      left: fromCents(r.left_cents),
    });
    out.set(r.customer_id, list);
  }
  return out;
}

/**
 * What customers owe for the lifecycle's decisions: the log's invoices plus those Gloux issued
 * itself and the log does not know yet (never sent notices or reminders by gloux2).
 */
export async function owedInvoicesByCustomer(
  q: Queryable,
  customerIds?: readonly string[],
): Promise<Map<string, OpenInvoice[]>> {
  const out = await openInvoicesByCustomer(q, customerIds);
  for (const { customerId, ...invoice } of await readGlouxOnlyOpenInvoices(q, customerIds)) {
    const list = out.get(customerId) ?? [];
    list.push(invoice);
    out.set(customerId, list);
  }
  return out;
}

/**
 * Hosting accounts: loading an account (its stream, or Gloux's row for an account the log does
 * not know), taking in Gloux's own changes, and dispatching the account commands
 * (account.handlers.ts records them).
 */
@Injectable()
export class AccountLifecycle {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) pipeline: CommandPipeline,
    @Inject(Clock) clock: Clock,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(LIFECYCLE_CONFIG) private readonly config: LifecycleConfig,
  ) {
    this.adoption = new LegacyAccountAdoption(db, pipeline, clock);
  }

  /** Gloux's own account states are taken in by legacy-sync alone (the poll uses it too). */
  private readonly adoption: LegacyAccountAdoption;

  /** The account as the log has it plus what Gloux did to it (legacy-sync owns that adoption). */
  load(q: Queryable, accountId: string, row?: LegacyAccountRow | null): Promise<LoadedAccount> {
    return this.adoption.load(q, accountId, row);
  }

  /** Records what Gloux did to the account that the log does not know yet (source 'gloux'). */
  adopt(accountId: string): Promise<void> {
    return this.adoption.adopt(accountId);
  }

  /** The accounts of a customer: known to the log, or only to Gloux. */
  async accountIdsOf(
    q: Queryable,
    customerId: string,
  ): Promise<Map<string, LegacyAccountRow | null>> {
    const out = new Map<string, LegacyAccountRow | null>();
    const rows = await q.query<{ account_id: string }>(
      `SELECT account_id FROM g2_rm_accounts WHERE customer_id = ? ORDER BY account_id`,
      [customerId],
    );
    for (const r of rows) out.set(r.account_id, null);
    for (const legacy of await readLegacyAccountsOf(q, customerId))
      out.set(legacy.accountId, legacy);
    return out;
  }

  /**
   * After a payment (or credit) of this customer: converts trial accounts on a paid invoice and
   * lifts 'unpaid' suspensions (the log's and G3's) when nothing is owed past the delay on `on`.
   * `key` makes a retry of the same reaction record nothing more.
   */
  async afterPayment(
    customerId: string,
    paidInvoice: { invoiceId: string; issuedOn: Day } | null,
    on: Day,
    key: string,
  ): Promise<AccountEvent[]> {
    const { accounts, invoices } = await this.db.run(async (q) => ({
      accounts: await this.accountIdsOf(q, customerId),
      invoices: (await owedInvoicesByCustomer(q, [customerId])).get(customerId) ?? [],
    }));
    const recorded: AccountEvent[] = [];
    for (const [accountId, row] of accounts) {
      const command = { paidInvoice, on };
      const context = { invoices, rules: this.config.rules };
      const preview = await this.db.run((q) => this.load(q, accountId, row ?? undefined));
      if (decideAfterPayment(preview.state, command, context).length === 0) continue;
      recorded.push(
        ...(await this.commands.execute<ReactAfterPaymentCommand, AccountCommandResult>(
          new ReactAfterPaymentCommand(
            accountId,
            customerId,
            paidInvoice,
            on,
            invoices,
            `${key}:${accountId}`,
          ),
        )),
      );
    }
    return recorded;
  }

  /** An admin converts a trial account into a paying one. */
  convert(accountId: string, actor: string): Promise<AccountEvent[]> {
    return this.commands.execute<ConvertAccountCommand, AccountCommandResult>(
      new ConvertAccountCommand(accountId, actor),
    );
  }
}
