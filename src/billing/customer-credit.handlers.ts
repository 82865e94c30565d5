import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideApplyCredit,
  decideRefundCredit,
  evolveCustomerAccount,
  type CustomerAccountState,
} from '../../domain/billing/customer-account.js';
import { customerStream, invoiceStream, type InvoiceEvent } from '../../domain/billing/events.js';
import type { InvoiceState } from '../../domain/billing/invoice.js';
import { parseDay, parisDayOf } from '../../domain/shared/day.js';
import { DomainError, parseField } from '../../domain/shared/errors.js';
import { Clock } from '../kernel/clock.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import type { AppendRequest } from '../kernel/event-store/event-store.js';
import { loadCustomerAccount, loadUnpaidInvoices, type Loaded } from './billing-streams.js';
import {
  ApplyCreditCommand,
  RefundCreditCommand,
  type ApplyCreditResult,
  type RefundCreditResult,
} from './customer-credit.commands.js';

/**
 * The appends that use a customer's credit on the given invoices (in order). `pending` are
 * events about to be appended to an invoice's stream in the same command (a new invoice).
 */
export function creditApplicationAppends(
  account: Loaded<CustomerAccountState>,
  invoices: readonly { loaded: Loaded<InvoiceState>; pending?: readonly InvoiceEvent[] }[],
  on: string,
): {
  appends: AppendRequest[];
  applied: { invoiceId: string; amount: string }[];
  creditLeft: string;
} {
  const d = decideApplyCredit(
    account.state,
    invoices.map((i) => i.loaded.state),
    { on, applicationId: () => randomUUID() },
  );
  const appends: AppendRequest[] = [];
  for (const a of d.allocations) {
    const target = invoices.find((i) => i.loaded.state.invoiceId === a.data.invoiceId)!;
    appends.push({
      streamId: invoiceStream(a.data.invoiceId),
      expectedVersion: target.loaded.version,
      events: [...(target.pending ?? []), a],
    });
  }
  if (d.applied.length > 0) {
    appends.push({
      streamId: customerStream(account.state.customerId),
      expectedVersion: account.version,
      events: d.applied,
    });
  }
  const after = d.applied.reduce((s, e) => evolveCustomerAccount(s, e), account.state);
  return {
    appends,
    applied: d.applied.map((a) => ({ invoiceId: a.data.invoiceId, amount: a.data.amount })),
    creditLeft: after.credit.toString(),
  };
}

@CommandHandler(ApplyCreditCommand)
export class ApplyCreditHandler implements ICommandHandler<ApplyCreditCommand, ApplyCreditResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: ApplyCreditCommand): Promise<ApplyCreditResult> {
    const now = this.clock.now();
    const input = command.input;
    const on =
      input.on === undefined
        ? parisDayOf(now)
        : parseField('on', () => parseDay(input.on), 'La date est invalide (AAAA-MM-JJ).');
    const outcome = await this.pipeline.execute<ApplyCreditResult>({
      commandType: 'ApplyCredit',
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      request: input,
      decide: async (tx) => {
        const customerId = String(input.customerId ?? '');
        const account = await loadCustomerAccount(tx, customerId);
        if (!account.state.credit.isPositive()) {
          throw new DomainError(
            'no_credit',
            'Ce client n’a pas de crédit à utiliser.',
            'customerId',
          );
        }
        let unpaid = [...(await loadUnpaidInvoices(tx, customerId)).values()];
        if (input.invoiceId !== undefined) {
          unpaid = unpaid.filter((l) => l.state.invoiceId === input.invoiceId);
          if (unpaid.length === 0) {
            throw new DomainError(
              'not_found',
              'Aucune facture impayée de ce client ne porte ce numéro.',
              'invoiceId',
            );
          }
        }
        const r = creditApplicationAppends(
          account,
          unpaid.map((loaded) => ({ loaded })),
          on,
        );
        if (r.applied.length === 0) {
          throw new DomainError(
            'nothing_to_pay',
            'Ce client n’a aucune facture impayée.',
            'customerId',
          );
        }
        return { appends: r.appends, result: { applied: r.applied, creditLeft: r.creditLeft } };
      },
    });
    return outcome.result;
  }
}

@CommandHandler(RefundCreditCommand)
export class RefundCreditHandler implements ICommandHandler<
  RefundCreditCommand,
  RefundCreditResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: RefundCreditCommand): Promise<RefundCreditResult> {
    const now = this.clock.now();
    const withdrawalId = randomUUID();
    const outcome = await this.pipeline.execute<RefundCreditResult>({
      commandType: 'RefundCredit',
      actor: command.actor,
      now,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      decide: async (tx) => {
        const account = await loadCustomerAccount(tx, String(command.input?.customerId ?? ''));
        const event = decideRefundCredit(account.state, command.input, {
          withdrawalId,
          today: parisDayOf(now),
        });
        return {
          appends: [
            {
              streamId: customerStream(account.state.customerId),
              expectedVersion: account.version,
              events: [event],
            },
          ],
          result: {
            withdrawalId,
            amount: event.data.amount,
            creditLeft: evolveCustomerAccount(account.state, event).credit.toString(),
          },
        };
      },
    });
    return outcome.result;
  }
}
