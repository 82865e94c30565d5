import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  overageBillingStream,
  overageStream,
  type HostingOverageEvent,
  type OverageBillingEvent,
  type OverageCharge,
} from '../../domain/overage/events.js';
import {
  decideCloseOverage,
  decideRecordUsage,
  evolveHostingOverage,
  initialHostingOverageState,
  type HostingOverageState,
} from '../../domain/overage/hosting-overage.js';
import {
  decideRecordOverageInvoiced,
  decideRequestOverageInvoice,
  evolveOverageBilling,
  initialOverageBillingState,
  openBatch,
  type OverageBillingState,
} from '../../domain/overage/overage-invoicing.js';
import { Money } from '../../domain/shared/money.js';
import { hostingIdsOfCustomer } from '../../legacy-sync/legacy-usage.js';
import { Clock } from '../kernel/clock.js';
import type { Queryable } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream, type AppendRequest } from '../kernel/event-store/event-store.js';
import {
  CloseOverageCommand,
  OVERAGE_ACTOR,
  RecordOverageInvoicedCommand,
  RecordOverageUsageCommand,
  RequestOverageInvoiceCommand,
  type RequestOverageInvoiceResult,
} from './overage.commands.js';

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

/** The idempotency key of the invoice of these lines: the same lines always give the same key. */
export function overageInvoiceKey(customerId: string, chargeIds: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...chargeIds].sort().join('\n'))
    .digest('hex');
  return `overage-invoice:${customerId}:${digest}`;
}

/** One command on one hosting's overage stream; returns what it recorded. */
async function recordOnHosting(
  pipeline: CommandPipeline,
  clock: Clock,
  hostingId: string,
  commandType: string,
  request: unknown,
  decide: (state: HostingOverageState) => HostingOverageEvent[],
): Promise<HostingOverageEvent[]> {
  const outcome = await pipeline.execute<null>({
    commandType,
    actor: OVERAGE_ACTOR,
    now: clock.now(),
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

@CommandHandler(RecordOverageUsageCommand)
export class RecordOverageUsageHandler implements ICommandHandler<
  RecordOverageUsageCommand,
  HostingOverageEvent[]
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute({ usage, rules }: RecordOverageUsageCommand): Promise<HostingOverageEvent[]> {
    return recordOnHosting(
      this.pipeline,
      this.clock,
      usage.hostingId,
      'RecordOverageUsage',
      usage,
      (state) => decideRecordUsage(state, usage, rules),
    );
  }
}

@CommandHandler(CloseOverageCommand)
export class CloseOverageHandler implements ICommandHandler<
  CloseOverageCommand,
  HostingOverageEvent[]
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute({ hostingId, on, rules }: CloseOverageCommand): Promise<HostingOverageEvent[]> {
    return recordOnHosting(
      this.pipeline,
      this.clock,
      hostingId,
      'CloseOverage',
      { hostingId, on },
      (state) => decideCloseOverage(state, { on }, rules),
    );
  }
}

@CommandHandler(RequestOverageInvoiceCommand)
export class RequestOverageInvoiceHandler implements ICommandHandler<
  RequestOverageInvoiceCommand,
  RequestOverageInvoiceResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: RequestOverageInvoiceCommand): Promise<RequestOverageInvoiceResult> {
    const { customerId, on, reason } = command;
    const outcome = await this.pipeline.execute<RequestOverageInvoiceResult>({
      commandType: 'RequestOverageInvoice',
      actor: OVERAGE_ACTOR,
      now: this.clock.now(),
      request: { customerId, on, reason },
      decide: async (tx) => {
        const { state, charges, version } = await loadBilling(tx, customerId);
        const open = openBatch(state);
        if (open) return { appends: [], result: { charges, batch: open } };
        const events = decideRequestOverageInvoice(
          state,
          { customerId, on, reason },
          {
            charges,
            threshold: Money.of(command.threshold),
            batchId: randomUUID(),
            idempotencyKey: (ids) => overageInvoiceKey(customerId, ids),
          },
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

@CommandHandler(RecordOverageInvoicedCommand)
export class RecordOverageInvoicedHandler implements ICommandHandler<
  RecordOverageInvoicedCommand,
  null
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: RecordOverageInvoicedCommand): Promise<null> {
    const { customerId, batchId, invoice, on } = command;
    await this.pipeline.execute<null>({
      commandType: 'RecordOverageInvoiced',
      actor: OVERAGE_ACTOR,
      now: this.clock.now(),
      request: { customerId, batchId, invoiceId: invoice.invoiceId },
      decide: async (tx) => {
        const { state, version } = await loadBilling(tx, customerId);
        const events = decideRecordOverageInvoiced(state, {
          batchId,
          invoiceId: invoice.invoiceId,
          number: invoice.number,
          total: invoice.total,
          on,
        });
        const appends: AppendRequest[] =
          events.length > 0
            ? [{ streamId: overageBillingStream(customerId), expectedVersion: version, events }]
            : [];
        return { appends, result: null };
      },
    });
    return null;
  }
}
