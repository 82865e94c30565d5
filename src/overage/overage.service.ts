import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  overageBillingStream,
  overageStream,
  type HostingOverageEvent,
  type OverageBillingEvent,
  type OverageCharge,
  type OverageInvoiceReason,
} from '../../domain/overage/events.js';
import {
  decideCloseOverage,
  decideRecordUsage,
  evolveHostingOverage,
  initialHostingOverageState,
  type HostingOverageState,
  type OverageRules,
  type RecordUsage,
  type UsageReading,
} from '../../domain/overage/hosting-overage.js';
import { monthOf, previousMonth } from '../../domain/overage/months.js';
import {
  decideRecordOverageInvoiced,
  decideRequestOverageInvoice,
  evolveOverageBilling,
  initialOverageBillingState,
  openBatch,
  overageInvoiceInput,
  type OverageBatch,
  type OverageBillingState,
} from '../../domain/overage/overage-invoicing.js';
import { KO_PER_GO, KO_PER_MO, overagePricing } from '../../domain/overage/pricing.js';
import { maxDay, parseDay, type Day } from '../../domain/shared/day.js';
import { DomainError, parseField } from '../../domain/shared/errors.js';
import { Money } from '../../domain/shared/money.js';
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
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream, type AppendRequest } from '../kernel/event-store/event-store.js';
import { OVERAGE_CONFIG, type OverageConfig } from '../kernel/config.js';
import { loadOverageVatLookup } from './overage-vat.js';

const ACTOR = 'overage-job';

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

async function loadHosting(q: Queryable, hostingId: string) {
  const events = await readStream(q, overageStream(hostingId));
  let state: HostingOverageState = initialHostingOverageState;
  for (const e of events) state = evolveHostingOverage(state, e as unknown as HostingOverageEvent);
  return { state, version: events.length === 0 ? -1 : events[events.length - 1]!.streamVersion };
}

/** The customer's invoicing stream and every overage line of its hosting accounts. */
async function loadBilling(q: Queryable, customerId: string) {
  const events = await readStream(q, overageBillingStream(customerId));
  let state: OverageBillingState = { ...initialOverageBillingState, customerId };
  for (const e of events) state = evolveOverageBilling(state, e as unknown as OverageBillingEvent);
  const charges: OverageCharge[] = [];
  for (const hostingId of await hostingIdsOfCustomer(q, customerId)) {
    for (const e of await readStream(q, overageStream(hostingId)))
      if (e.type === 'OverageCharged') charges.push(e.data as OverageCharge);
  }
  return {
    state,
    charges,
    version: events.length === 0 ? -1 : events[events.length - 1]!.streamVersion,
  };
}

/** The invoice issued under this key, whatever its date (the key is derived from the lines: ours only). */
async function issuedUnder(q: Queryable, key: string): Promise<IssueInvoiceResult | null> {
  const [row] = await q.query<{ result: string }>(
    `SELECT result FROM g2_commands WHERE idempotency_key = ? AND command_type = 'IssueInvoice'`,
    [key],
  );
  return row ? (JSON.parse(row.result) as IssueInvoiceResult) : null;
}

/** The idempotency key of the invoice of these lines: the same lines always give the same key. */
export function overageInvoiceKey(customerId: string, chargeIds: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...chargeIds].sort().join('\n'))
    .digest('hex');
  return `overage-invoice:${customerId}:${digest}`;
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
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
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
    const on =
      day === undefined
        ? today
        : parseField('on', () => parseDay(day), 'Date invalide (AAAA-MM-JJ).');
    if (on > today) {
      throw new DomainError(
        'invalid_input',
        'Le relevé ne peut pas être daté dans le futur.',
        'on',
      );
    }
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
        for (const e of await this.record(cmd.hostingId, 'RecordOverageUsage', cmd, (state) =>
          decideRecordUsage(state, cmd, rules),
        )) {
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
      await this.record(hostingId, 'CloseOverage', { hostingId, on: day }, (state) =>
        decideCloseOverage(state, { on: day }, rules),
      );
    }
    return this.invoicePending(customerId, day, 'account_closed');
  }

  /** One command on one hosting's overage stream; returns what it recorded. */
  private async record(
    hostingId: string,
    commandType: string,
    request: unknown,
    decide: (state: HostingOverageState) => HostingOverageEvent[],
  ): Promise<HostingOverageEvent[]> {
    const outcome = await this.pipeline.execute<null>({
      commandType,
      actor: ACTOR,
      now: this.clock.now(),
      request,
      decide: async (tx) => {
        const { state, version } = await loadHosting(tx, hostingId);
        const events = decide(state);
        const appends: AppendRequest[] =
          events.length > 0
            ? [{ streamId: overageStream(hostingId), expectedVersion: version, events }]
            : [];
        return { appends, result: null };
      },
    });
    return outcome.events.map((e) => ({ type: e.type, data: e.data }) as HostingOverageEvent);
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
    const threshold = Money.of(this.config.threshold);
    // More than one batch only when a closure has more than 500 lines to flush.
    for (let round = 0; round < 100; round++) {
      const { charges, batch } = await this.batchToIssue(customerId, on, reason, threshold);
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
            ACTOR,
            batch.idempotencyKey,
          ),
        ));
      await this.pipeline.execute<null>({
        commandType: 'RecordOverageInvoiced',
        actor: ACTOR,
        now: this.clock.now(),
        request: { customerId, batchId: batch.batchId, invoiceId: result.invoiceId },
        decide: async (tx) => {
          const { state, version } = await loadBilling(tx, customerId);
          const events = decideRecordOverageInvoiced(state, {
            batchId: batch.batchId,
            invoiceId: result.invoiceId,
            number: result.number,
            total: result.total,
            on,
          });
          const appends: AppendRequest[] =
            events.length > 0
              ? [{ streamId: overageBillingStream(customerId), expectedVersion: version, events }]
              : [];
          return { appends, result: null };
        },
      });
      issued.push(result);
    }
    throw new Error(`Overage invoicing of customer ${customerId} does not settle`);
  }

  /** The batch left open by an interrupted run, or a new one if the pending lines call for it. */
  private async batchToIssue(
    customerId: string,
    on: Day,
    reason: OverageInvoiceReason,
    threshold: Money,
  ): Promise<{ charges: OverageCharge[]; batch: OverageBatch | null }> {
    const outcome = await this.pipeline.execute<{
      charges: OverageCharge[];
      batch: OverageBatch | null;
    }>({
      commandType: 'RequestOverageInvoice',
      actor: ACTOR,
      now: this.clock.now(),
      request: { customerId, on, reason },
      decide: async (tx) => {
        const { state, charges, version } = await loadBilling(tx, customerId);
        const open = openBatch(state);
        if (open) return { appends: [], result: { charges, batch: open } };
        const events = decideRequestOverageInvoice(
          state,
          charges,
          { customerId, on, reason },
          { threshold },
          { batchId: randomUUID(), idempotencyKey: (ids) => overageInvoiceKey(customerId, ids) },
        );
        const after = events.reduce(evolveOverageBilling, state);
        return {
          appends:
            events.length > 0
              ? [{ streamId: overageBillingStream(customerId), expectedVersion: version, events }]
              : [],
          result: { charges, batch: openBatch(after) },
        };
      },
    });
    return outcome.result;
  }
}
