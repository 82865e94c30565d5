import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { invoiceStream, paymentStream, type InvoiceEvent } from '../../domain/billing/events.js';
import {
  balanceOf,
  evolveInvoice,
  initialInvoiceState,
  type InvoiceState,
} from '../../domain/billing/invoice.js';
import { decideRecordPayment } from '../../domain/billing/payment.js';
import { parisDayOf } from '../../domain/shared/day.js';
import { Clock } from '../clock.js';
import { CommandPipeline } from '../event-store/command-pipeline.js';
import { readStream, type AppendRequest } from '../event-store/event-store.js';
import { RecordPaymentCommand, type RecordPaymentResult } from './record-payment.command.js';

@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler implements ICommandHandler<
  RecordPaymentCommand,
  RecordPaymentResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
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
        const invoices = new Map<string, InvoiceState>();
        const versions = new Map<string, number>();
        for (const a of command.input.allocations ?? []) {
          const id = String(a?.invoiceId ?? '');
          if (invoices.has(id) || !/^[0-9a-f-]{36}$/.test(id)) continue;
          const history = await readStream(tx, invoiceStream(id));
          invoices.set(
            id,
            history.reduce(
              (s, e) => evolveInvoice(s, e as unknown as InvoiceEvent),
              initialInvoiceState,
            ),
          );
          versions.set(id, history.length - 1);
        }
        const decision = decideRecordPayment(command.input, invoices, {
          paymentId,
          today: parisDayOf(now),
        });
        const appends: AppendRequest[] = [
          { streamId: paymentStream(paymentId), expectedVersion: -1, events: [decision.payment] },
          ...decision.allocations.map((a) => ({
            streamId: invoiceStream(a.data.invoiceId),
            // Optimistic concurrency: a payment recorded meanwhile on this invoice makes us fail, not overpay.
            expectedVersion: versions.get(a.data.invoiceId) ?? -1,
            events: [a],
          })),
        ];
        return {
          appends,
          result: {
            paymentId,
            amount: decision.payment.data.amount,
            invoices: decision.allocations.map((a) => {
              const after = evolveInvoice(invoices.get(a.data.invoiceId)!, a);
              return {
                invoiceId: a.data.invoiceId,
                number: after.number,
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
