import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { invoiceStream } from '../../domain/billing/events.js';
import {
  decideIssueInvoice,
  evolveInvoice,
  initialInvoiceState,
  validateIssueInvoice,
  type IssueInvoice,
} from '../../domain/billing/invoice.js';
import { DomainError } from '../../domain/shared/errors.js';
import {
  billingAddressOf,
  drawInvoiceNumber,
  findCustomer,
} from '../../legacy-sync/legacy-gateway.js';
import { invoiceCatalogue } from '../catalogue/invoice-catalogue.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { loadCustomerAccount } from './billing-streams.js';
import { checkSeriesChronology } from './chronology.js';
import { creditApplicationAppends } from './customer-credit.handlers.js';
import { IssueInvoiceCommand, type IssueInvoiceResult } from './issue-invoice.command.js';

@CommandHandler(IssueInvoiceCommand)
export class IssueInvoiceHandler implements ICommandHandler<
  IssueInvoiceCommand,
  IssueInvoiceResult
> {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute(command: IssueInvoiceCommand): Promise<IssueInvoiceResult> {
    const input = command.input;
    const invoiceId = randomUUID();
    return this.pipeline.executeNumbered({
      commandType: 'IssueInvoice',
      actor: command.actor,
      now: this.clock.now(),
      idempotencyKey: command.idempotencyKey,
      request: input,
      check: () => this.check(input),
      datedOn: ({ issuedOn }) => [issuedOn],
      draw: ({ issuedOn }) =>
        this.db.run(async (q) => [
          await drawInvoiceNumber(q, Number(issuedOn.slice(0, 4)), this.clock.now()),
        ]),
      decide: async (tx, _ctx, [drawn], { catalogue, customer }) => {
        const number = drawn!.number;
        const events = decideIssueInvoice(initialInvoiceState, input, {
          invoiceId,
          number,
          billingAddress: billingAddressOf(customer),
          lineId: () => randomUUID(),
          catalogue,
        });
        // The customer's credit (overpayment, avoir) pays the new invoice at once.
        const issued = { state: evolveInvoice(initialInvoiceState, events[0]!), version: -1 };
        const credit = creditApplicationAppends(
          await loadCustomerAccount(tx, String(input.customerId)),
          [{ loaded: issued, pending: events }],
          events[0]!.data.issuedOn,
        );
        const appends = credit.appends.some((a) => a.streamId === invoiceStream(invoiceId))
          ? credit.appends
          : [
              { streamId: invoiceStream(invoiceId), expectedVersion: -1, events },
              ...credit.appends,
            ];
        return {
          appends,
          result: {
            invoiceId,
            number,
            total: events[0]!.data.total,
            paidFromCredit: credit.applied[0]?.amount ?? '0.00',
          },
        };
      },
    });
  }

  /** Bad input must not burn a number from Gloux's counter: everything is checked first. */
  private async check(input: IssueInvoice) {
    const catalogue = await this.db.run((q) => invoiceCatalogue(q, input.lines));
    const checked = validateIssueInvoice(input, { lineId: () => '', catalogue });
    const customer = await this.db.run((q) => findCustomer(q, String(input.customerId)));
    if (!customer)
      throw new DomainError('not_found', `Client ${input.customerId} introuvable.`, 'customerId');
    if (customer.state === 'ferme') {
      throw new DomainError(
        'customer_closed',
        `Le compte du client ${customer.customerNumber} est fermé.`,
        'customerId',
      );
    }
    await checkSeriesChronology(this.db, 'F', checked.issuedOn, this.clock.today());
    return { catalogue, customer, issuedOn: checked.issuedOn };
  }
}
