import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerStream, invoiceStream, paymentStream } from '../../domain/billing/events.js';
import { autoAllocate, balanceOf, evolveInvoice } from '../../domain/billing/invoice.js';
import { decideRecordPayment } from '../../domain/billing/payment.js';
import { parisDayOf } from '../../domain/shared/day.js';
import { Money } from '../../domain/shared/money.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import type { AppendRequest } from '../kernel/event-store/event-store.js';
import {
  loadCustomerAccount,
  loadInvoices,
  loadUnpaidInvoices,
  statesOf,
} from './billing-streams.js';
import { RecordPaymentCommand, type RecordPaymentResult } from './record-payment.command.js';

@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler implements ICommandHandler<
  RecordPaymentCommand,
  RecordPaymentResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(command: RecordPaymentCommand): Promise<RecordPaymentResult> {
    const now = this.clock.now();
    const paymentId = randomUUID();
    const outcome = await this.pipeline.execute<RecordPaymentResult>({
      commandType: 'RecordPayment',
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      decide: async (tx) => {
        let input = command.input;
        const loaded =
          input.allocations === undefined
            ? // No allocation given: the customer's unpaid invoices, oldest first.
              await loadUnpaidInvoices(tx, String(input.customerId ?? ''))
            : await loadInvoices(
                tx,
                (Array.isArray(input.allocations) ? input.allocations : []).map((a) =>
                  String(a?.invoiceId ?? ''),
                ),
              );
        const invoices = statesOf(loaded);
        if (input.allocations === undefined) {
          input = { ...input, allocations: autoAllocate(input.amount, [...invoices.values()]) };
        }
        const [first] = await tx.query<{ first_on: string | null }>(
          `SELECT MIN(issued_on) AS first_on FROM g2_rm_invoices WHERE customer_id = ?`,
          [String(input.customerId ?? '')],
        );
        const decision = decideRecordPayment(input, invoices, {
          paymentId,
          today: parisDayOf(now),
          firstDocumentOn: first?.first_on ?? null,
          ...(this.config.paymentMaxAmount
            ? { maxAmount: Money.of(this.config.paymentMaxAmount) }
            : {}),
        });
        const appends: AppendRequest[] = [
          { streamId: paymentStream(paymentId), expectedVersion: -1, events: [decision.payment] },
          ...decision.allocations.map((a) => ({
            streamId: invoiceStream(a.data.invoiceId),
            // Optimistic concurrency: a payment recorded meanwhile on this invoice makes us retry, not overpay.
            expectedVersion: loaded.get(a.data.invoiceId)?.version ?? -1,
            events: [a],
          })),
        ];
        if (decision.credit) {
          const account = await loadCustomerAccount(tx, input.customerId);
          appends.push({
            streamId: customerStream(input.customerId),
            expectedVersion: account.version,
            events: [decision.credit],
          });
        }
        return {
          appends,
          result: {
            paymentId,
            amount: decision.payment.data.amount,
            credited: decision.credit?.data.amount ?? '0.00',
            invoices: decision.allocations.map((a) => {
              const after = evolveInvoice(invoices.get(a.data.invoiceId)!, a);
              return {
                invoiceId: a.data.invoiceId,
                number: after.number,
                allocated: a.data.amount,
                balance: balanceOf(after).toString(),
              };
            }),
          },
        };
      },
    });
    return outcome.result;
  }
}
