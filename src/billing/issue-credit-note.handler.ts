import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideIssueCreditNote, validateCreditNote } from '../../domain/billing/credit-note.js';
import { customerStream, invoiceStream } from '../../domain/billing/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { drawDocumentNumber } from '../../legacy-sync/legacy-gateway.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import type { AppendRequest } from '../kernel/event-store/event-store.js';
import { isId, loadCustomerAccount, loadInvoice } from './billing-streams.js';
import { checkSeriesChronology } from './chronology.js';
import { IssueCreditNoteCommand, type IssueCreditNoteResult } from './issue-credit-note.command.js';

/** Cancels or corrects an invoice, fully or partly, by a numbered credit note citing it. */
@CommandHandler(IssueCreditNoteCommand)
export class IssueCreditNoteHandler implements ICommandHandler<
  IssueCreditNoteCommand,
  IssueCreditNoteResult
> {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute(command: IssueCreditNoteCommand): Promise<IssueCreditNoteResult> {
    const input = command.input;
    const creditNoteId = randomUUID();
    return this.pipeline.executeNumbered({
      commandType: 'IssueCreditNote',
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: input,
      // Bad input must not burn a number: check against the invoice as it is now, first.
      check: async () => {
        if (!isId(input?.invoiceId))
          throw new DomainError('not_found', 'Facture introuvable.', 'invoiceId');
        const current = await this.db.run((q) => loadInvoice(q, input.invoiceId));
        const { issuedOn } = validateCreditNote(current.state, input, { lineId: () => '' });
        await checkSeriesChronology(this.db, 'A', issuedOn, this.clock.today());
        return issuedOn;
      },
      datedOn: (issuedOn) => [issuedOn],
      draw: (issuedOn) =>
        this.db.run(async (q) => [
          await drawDocumentNumber(
            q,
            'credit_note',
            Number(issuedOn.slice(0, 4)),
            this.clock.now(),
          ),
        ]),
      decide: async (tx, _ctx, [drawn]) => {
        const number = drawn!.number;
        const invoice = await loadInvoice(tx, input.invoiceId);
        const event = decideIssueCreditNote(invoice.state, input, {
          creditNoteId,
          number,
          billingAddress: invoice.state.billingAddress,
          lineId: () => randomUUID(),
        });
        const appends: AppendRequest[] = [
          {
            streamId: invoiceStream(input.invoiceId),
            expectedVersion: invoice.version,
            events: [event],
          },
        ];
        if (event.data.toCredit !== '0.00') {
          const account = await loadCustomerAccount(tx, event.data.customerId);
          appends.push({
            streamId: customerStream(event.data.customerId),
            expectedVersion: account.version,
            events: [
              {
                type: 'CustomerCredited',
                data: {
                  customerId: event.data.customerId,
                  amount: event.data.toCredit,
                  on: event.data.issuedOn,
                  source: 'credit_note',
                  sourceId: creditNoteId,
                },
              },
            ],
          });
        }
        return {
          appends,
          result: {
            creditNoteId,
            number,
            invoiceId: input.invoiceId,
            total: event.data.total,
            toCredit: event.data.toCredit,
          },
        };
      },
    });
  }
}
