import { Inject, Injectable } from '@nestjs/common';
import { runDay } from '../../domain/shared/run-day.js';
import { CommandBus } from '@nestjs/cqrs';
import {
  overageStream,
  type HostingOverageEvent,
  type OverageInvoiceReason,
} from '../../domain/overage/events.js';
import type {
  OverageRules,
  RecordUsage,
  UsageReading,
} from '../../domain/overage/hosting-overage.js';
import { monthOf, previousMonth } from '../../domain/overage/months.js';
import { overageInvoiceInput } from '../../domain/overage/overage-invoicing.js';
import { KO_PER_GO, KO_PER_MO, overagePricing } from '../../domain/overage/pricing.js';
import { maxDay, parseDay, type Day } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  hostingIdsOfCustomer,
  readHostingUsage,
  readOverageProducts,
  type HostingUsage,
} from '../../legacy-sync/legacy-usage.js';
import { customersWithPendingOverage } from '../../projections/overage/overage.queries.js';
import { IssueInvoiceCommand, type IssueInvoiceResult } from '../billing/issue-invoice.command.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { OVERAGE_CONFIG, type OverageConfig } from '../kernel/config.js';
import {
  CloseOverageCommand,
  OVERAGE_ACTOR,
  RecordOverageInvoicedCommand,
  RecordOverageUsageCommand,
  RequestOverageInvoiceCommand,
  type RequestOverageInvoiceResult,
} from './overage.commands.js';
import { loadOverageVatLookup } from './overage-vat.js';

export interface OverageRunSummary {
  on: Day;
  hostings: number;
  detected: number;
  resolved: number;
  charged: number;
  invoices: IssueInvoiceResult[];
  /** Customers whose invoicing failed (e.g. a closed account), with the reason; retried next run. */
  errors: { customerId: string; message: string }[];
}

/** One hosting's readings for the domain: only resources with a known quota and a measurement. */
export function recordUsageOf(u: HostingUsage, on: Day, config: OverageConfig): RecordUsage {
  const readings: UsageReading[] = [];
  if (u.quotaDiskMo > 0 && u.diskKo !== null) {
    readings.push({ resource: 'disk', measured: u.diskKo, quota: u.quotaDiskMo * KO_PER_MO });
  }
  if (config.trafficAllowanceGo > 0) {
    readings.push({
      resource: 'traffic',
      measured: u.trafficMonthKo,
      quota: config.trafficAllowanceGo * KO_PER_GO,
      previousMonth: { month: previousMonth(monthOf(on)), measured: u.trafficPreviousMonthKo },
    });
  }
  if (u.includedMailboxes > 0) {
    readings.push({ resource: 'mail', measured: u.mailboxes, quota: u.includedMailboxes });
  }
  return { hostingId: u.hostingId, customerId: u.customerId, hostingName: u.name, on, readings };
}

/** The invoice issued under this key, whatever its date (the key is derived from the lines: ours only). */
async function issuedUnder(q: Queryable, key: string): Promise<IssueInvoiceResult | null> {
  const [row] = await q.query<{ result: string }>(
    `SELECT result FROM g2_commands WHERE idempotency_key = ? AND command_type = 'IssueInvoice'`,
    [key],
  );
  return row ? (JSON.parse(row.result) as IssueInvoiceResult) : null;
}

/**
 * The overage job: reads Gloux's measurements, records warnings, resolutions and pending lines
 * per hosting (one command each), then invoices every customer whose pending total reached the
 * threshold. Running it twice for the same day changes nothing.
 */
@Injectable()
export class OverageService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(OVERAGE_CONFIG) private readonly config: OverageConfig,
  ) {}

  private async rules(q: Queryable): Promise<OverageRules> {
    return {
      graceDays: this.config.graceDays,
      pricing: overagePricing(await readOverageProducts(q), this.config.pricing),
      vatRateOn: await loadOverageVatLookup(q),
    };
  }

  async run(
    day?: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<OverageRunSummary> {
    const today = this.clock.today();
    const on = runDay(today, day, 'Le relevé ne peut pas être daté dans le futur.');
    const { usages, rules, tracked } = await this.db.run(async (q) => {
      // A range, not LIKE: SQLite's LIKE scanned the whole event index on every run.
      const streams = await q.query<{ s: string }>(
        `SELECT DISTINCT stream_id AS s FROM g2_events WHERE stream_id >= 'overage-' AND stream_id < 'overage.'`,
      );
      return {
        usages: await readHostingUsage(q, on),
        rules: await this.rules(q),
        tracked: new Set(streams.map((r) => r.s)),
      };
    });
    const summary: OverageRunSummary = {
      on,
      hostings: usages.length,
      detected: 0,
      resolved: 0,
      charged: 0,
      invoices: [],
      errors: [],
    };
    let done = 0;
    for (const usage of usages) {
      const cmd = recordUsageOf(usage, on, this.config);
      // Nothing over and no history: nothing to decide (most accounts, most days).
      const quiet = cmd.readings.every((r) => r.measured <= r.quota);
      if (!quiet || tracked.has(overageStream(usage.hostingId))) {
        for (const e of await this.commands.execute<
          RecordOverageUsageCommand,
          HostingOverageEvent[]
        >(new RecordOverageUsageCommand(cmd, rules))) {
          if (e.type === 'OverageDetected') summary.detected += 1;
          if (e.type === 'OverageResolved') summary.resolved += 1;
          if (e.type === 'OverageCharged') summary.charged += 1;
        }
      }
      onProgress?.(++done, usages.length);
    }
    for (const customerId of await this.db.run((q) => customersWithPendingOverage(q))) {
      try {
        summary.invoices.push(...(await this.invoicePending(customerId, on, 'threshold')));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        summary.errors.push({ customerId, message: error.message });
      }
    }
    return summary;
  }

  /**
   * Account closure (called by the account lifecycle before it closes the account): ends every
   * open overage of the customer's hosting accounts on `on`, bills their days so far and issues
   * the pending lines in a last invoice, whatever their total.
   */
  async flushOnClosure(customerId: string, on: Day): Promise<IssueInvoiceResult[]> {
    const day = parseDay(on);
    const { rules, hostingIds } = await this.db.run(async (q) => ({
      rules: await this.rules(q),
      hostingIds: await hostingIdsOfCustomer(q, customerId),
    }));
    for (const hostingId of hostingIds) {
      await this.commands.execute<CloseOverageCommand, HostingOverageEvent[]>(
        new CloseOverageCommand(hostingId, day, rules),
      );
    }
    return this.invoicePending(customerId, day, 'account_closed');
  }

  /**
   * Invoices the customer's pending lines if the rule says so. A batch is recorded first, then
   * issued through IssueInvoiceCommand with a key derived from its lines, then marked invoiced:
   * after a crash anywhere, the next call issues the same batch again and gets the first invoice.
   */
  async invoicePending(
    customerId: string,
    on: Day,
    reason: OverageInvoiceReason,
  ): Promise<IssueInvoiceResult[]> {
    const issued: IssueInvoiceResult[] = [];
    // More than one batch only when a closure has more than 500 lines to flush.
    for (let round = 0; round < 100; round++) {
      const { charges, batch } = await this.batchToIssue(customerId, on, reason);
      if (!batch) return issued;
      // Issued before an interruption: its first result. Never issued: issue it now, dated today
      // at the earliest, as invoice numbers must stay chronological.
      const result =
        (await this.db.run((q) => issuedUnder(q, batch.idempotencyKey))) ??
        (await this.commands.execute<IssueInvoiceCommand, IssueInvoiceResult>(
          new IssueInvoiceCommand(
            {
              ...overageInvoiceInput(batch, customerId, charges),
              issuedOn: maxDay(batch.requestedOn, on),
            },
            OVERAGE_ACTOR,
            batch.idempotencyKey,
          ),
        ));
      await this.commands.execute<RecordOverageInvoicedCommand, null>(
        new RecordOverageInvoicedCommand(customerId, batch.batchId, result, on),
      );
      issued.push(result);
    }
    throw new Error(`Overage invoicing of customer ${customerId} does not settle`);
  }

  /** The batch left open by an interrupted run, or a new one if the pending lines call for it. */
  private batchToIssue(
    customerId: string,
    on: Day,
    reason: OverageInvoiceReason,
  ): Promise<RequestOverageInvoiceResult> {
    return this.commands.execute<RequestOverageInvoiceCommand, RequestOverageInvoiceResult>(
      new RequestOverageInvoiceCommand(customerId, on, reason, this.config.threshold),
    );
  }
}
