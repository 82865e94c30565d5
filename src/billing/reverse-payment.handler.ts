import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerStream, invoiceStream, paymentStream } from '../../domain/billing/events.js';
import { balanceOf, evolveInvoice } from '../../domain/billing/invoice.js';
import { decideReversePayment } from '../../domain/billing/payment.js';
import { parisDayOf } from '../../domain/shared/day.js';
import { Clock } from '../kernel/clock.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import type { AppendRequest } from '../kernel/event-store/event-store.js';
import { loadCustomerAccount, loadInvoices, loadPayment, statesOf } from './billing-streams.js';
import { ReversePaymentCommand, type ReversePaymentResult } from './reverse-payment.command.js';

@CommandHandler(ReversePaymentCommand)
export class ReversePaymentHandler implements ICommandHandler<
  ReversePaymentCommand,
  ReversePaymentResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: ReversePaymentCommand): Promise<ReversePaymentResult> {
    const now = this.clock.now();
    const reversalId = randomUUID();
    const withdrawalId = randomUUID();
    const outcome = await this.pipeline.execute<ReversePaymentResult>({
      commandType: 'ReversePayment',
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      decide: async (tx) => {
        const payment = await loadPayment(tx, String(command.input?.paymentId ?? ''));
        const account = await loadCustomerAccount(tx, payment.state.customerId);
        // Every invoice the payment paid, and those its credit paid (a bounce may reopen them).
        const ids = new Set([
          ...payment.state.allocations.keys(),
          ...account.state.applications.map((a) => a.invoiceId),
        ]);
        const loaded = await loadInvoices(tx, ids);
        const invoices = statesOf(loaded);
        const d = decideReversePayment(payment.state, invoices, account.state, command.input, {
          reversalId,
          withdrawalId,
          today: parisDayOf(now),
        });
        const byInvoice = new Map<string, typeof d.invoiceReversals>();
        for (const r of d.invoiceReversals) {
          byInvoice.set(r.data.invoiceId, [...(byInvoice.get(r.data.invoiceId) ?? []), r]);
        }
        const appends: AppendRequest[] = [
          {
            streamId: paymentStream(payment.state.paymentId),
            expectedVersion: payment.version,
            events: [d.reversal],
          },
          ...[...byInvoice].map(([id, events]) => ({
            streamId: invoiceStream(id),
            expectedVersion: loaded.get(id)?.version ?? -1,
            events,
          })),
        ];
        if (d.withdrawal) {
          appends.push({
            streamId: customerStream(payment.state.customerId),
            expectedVersion: account.version,
            events: [d.withdrawal],
          });
        }
        return {
          appends,
          result: {
            reversalId,
            paymentId: payment.state.paymentId,
            amount: d.reversal.data.amount,
            fromCredit: d.reversal.data.fromCredit,
            invoices: [...byInvoice].map(([id, events]) => {
              const after = events.reduce((s, e) => evolveInvoice(s, e), invoices.get(id)!);
              return { invoiceId: id, number: after.number, balance: balanceOf(after).toString() };
            }),
          },
        };
      },
    });
    return outcome.result;
  }
}
