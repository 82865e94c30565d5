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
import { withDrawnNumbers } from './number-gaps.js';

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

  async execute(command: IssueCreditNoteCommand): Promise<IssueCreditNoteResult> {
    const input = command.input;
    if (!isId(input?.invoiceId))
      throw new DomainError('not_found', 'Facture introuvable.', 'invoiceId');
    const key = command.idempotencyKey;
    const previous = await this.pipeline.replayOf<IssueCreditNoteResult>(
      key,
      'IssueCreditNote',
      input,
    );
    if (previous) return previous;
    // Bad input must not burn a number: check against the invoice as it is now, first.
    const current = await this.db.run((q) => loadInvoice(q, input.invoiceId));
    const checked = validateCreditNote(current.state, input, { lineId: () => '' });
    await checkSeriesChronology(this.db, 'A', checked.issuedOn, this.clock.today());
    const drawn = await this.db.run((q) =>
      drawDocumentNumber(q, 'credit_note', Number(checked.issuedOn.slice(0, 4))),
    );
    const creditNoteId = randomUUID();
    return withDrawnNumbers(this.db, this.clock, [drawn], () =>
      this.pipeline.execute<IssueCreditNoteResult>({
        commandType: 'IssueCreditNote',
        actor: command.actor,
        now: this.clock.now(),
        idempotencyKey: key,
        request: input,
        decide: async (tx) => {
          const invoice = await loadInvoice(tx, input.invoiceId);
          const event = decideIssueCreditNote(invoice.state, input, {
            creditNoteId,
            number: drawn.number,
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
              number: drawn.number,
              invoiceId: input.invoiceId,
              total: event.data.total,
              toCredit: event.data.toCredit,
            },
          };
        },
      }),
    );
  }
}
