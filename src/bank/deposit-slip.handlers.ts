import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideCancelDepositSlip,
  decideIssueDepositSlip,
  foldDepositSlips,
  type ChequeFacts,
} from '../../domain/bank/deposit-slips.js';
import { DEPOSIT_SLIP_STREAM, type DepositSlipEvent } from '../../domain/bank/events.js';
import {
  paymentStream,
  type PaymentEvent,
  type PaymentRecorded,
} from '../../domain/billing/events.js';
import { evolvePayment, initialPaymentState } from '../../domain/billing/payment.js';
import { isDay, parisDayOf } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { pendingCheques, shareCheque } from '../../projections/bank/deposit-slips.queries.js';
import { isId } from '../billing/billing-streams.js';
import { Clock } from '../kernel/clock.js';
import type { Queryable } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { readStream } from '../kernel/event-store/event-store.js';
import {
  CancelDepositSlipCommand,
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from './deposit-slip.commands.js';

export async function loadDepositSlips(q: Queryable) {
  const history = await readStream(q, DEPOSIT_SLIP_STREAM);
  return {
    state: foldDepositSlips(history as unknown as DepositSlipEvent[]),
    version: history.length - 1,
  };
}

/** A payment as the slip decision needs it, from its own stream (null: unknown). */
async function chequeFacts(q: Queryable, paymentId: string): Promise<ChequeFacts | null> {
  if (!isId(paymentId)) return null;
  // A cheque for shares (docs/accounting.md §7) goes on a slip like an invoice's.
  const share = await shareCheque(q, paymentId);
  if (share) return { ...share, method: 'cheque', status: 'valid', reversed: '0.00' };
  const history = (await readStream(q, paymentStream(paymentId))) as unknown as PaymentEvent[];
  const recorded = history.find((e): e is PaymentRecorded => e.type === 'PaymentRecorded');
  if (!recorded) return null;
  const state = history.reduce(evolvePayment, initialPaymentState);
  const d = recorded.data;
  return {
    paymentId: d.paymentId,
    customerId: d.customerId,
    amount: d.amount,
    receivedOn: d.receivedOn,
    reference: d.reference,
    bank: d.bank,
    method: d.method,
    status: state.status === 'bounced' ? 'bounced' : 'valid',
    reversed: state.reversed.toString(),
  };
}

@CommandHandler(IssueDepositSlipCommand)
export class IssueDepositSlipHandler implements ICommandHandler<
  IssueDepositSlipCommand,
  DepositSlipResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: IssueDepositSlipCommand): Promise<DepositSlipResult> {
    const slipId = randomUUID();
    const input = command.input ?? {};
    return this.pipeline.run({
      commandType: 'IssueDepositSlip',
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request: input,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const slips = await loadDepositSlips(tx);
        let ids = Array.isArray(input.paymentIds) ? input.paymentIds.map(String) : [];
        if (ids.length === 0 && input.receivedOn !== undefined) {
          if (!isDay(input.receivedOn))
            throw new DomainError(
              'invalid_input',
              'Le jour de réception est invalide (AAAA-MM-JJ).',
              'receivedOn',
            );
          ids = (await pendingCheques(tx, input.receivedOn)).map((c) => c.paymentId);
          if (ids.length === 0)
            throw new DomainError(
              'invalid_input',
              'Aucun chèque à remettre pour ce jour de réception.',
              'receivedOn',
            );
        }
        const facts = new Map<string, ChequeFacts>();
        for (const id of new Set(ids)) {
          const f = await chequeFacts(tx, id);
          if (f) facts.set(id, f);
        }
        const events = decideIssueDepositSlip(
          slips.state,
          { paymentIds: ids, depositOn: input.depositOn },
          { slipId, today: parisDayOf(now), cheques: facts },
        );
        const d = events[0].data;
        return {
          appends: [{ streamId: DEPOSIT_SLIP_STREAM, expectedVersion: slips.version, events }],
          result: {
            slipId,
            number: d.number,
            depositOn: d.depositOn,
            chequeCount: d.cheques.length,
            total: d.total,
            status: 'active',
          },
        };
      },
    });
  }
}

@CommandHandler(CancelDepositSlipCommand)
export class CancelDepositSlipHandler implements ICommandHandler<
  CancelDepositSlipCommand,
  DepositSlipResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: CancelDepositSlipCommand): Promise<DepositSlipResult> {
    return this.pipeline.run({
      commandType: 'CancelDepositSlip',
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const slips = await loadDepositSlips(tx);
        const events = decideCancelDepositSlip(slips.state, command.input, {
          today: parisDayOf(now),
        });
        const slip = slips.state.slips.get(events[0].data.slipId)!;
        return {
          appends: [{ streamId: DEPOSIT_SLIP_STREAM, expectedVersion: slips.version, events }],
          result: {
            slipId: slip.slipId,
            number: slip.number,
            depositOn: slip.depositOn,
            chequeCount: slip.paymentIds.length,
            total: slip.total,
            status: 'cancelled',
          },
        };
      },
    });
  }
}
