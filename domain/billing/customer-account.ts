import { compareDays, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { fitGlouxColumn } from '../legacy/gloux-columns.js';
import { formatEuros, Money } from '../shared/money.js';
import type {
  CustomerAccountEvent,
  CustomerCreditApplied,
  CustomerCreditWithdrawn,
  InvoicePaymentAllocated,
  PaymentMethod,
} from './events.js';
import { autoAllocate, type InvoiceState } from './invoice.js';

/**
 * The customer's credit: money we hold that no invoice owes (overpayments, paid invoices
 * credited by an avoir). It is applied to invoices and may be refunded. It goes below zero
 * only when a bounced cheque had fed credit that was already spent or refunded.
 */
export interface CustomerAccountState {
  readonly customerId: string;
  readonly credit: Money;
  /** Credit applications still standing (net of reversals), oldest first. */
  readonly applications: readonly { applicationId: string; invoiceId: string; amount: Money }[];
}

export const initialCustomerAccountState = (customerId: string): CustomerAccountState => ({
  customerId,
  credit: Money.ZERO,
  applications: [],
});

export function evolveCustomerAccount(
  state: CustomerAccountState,
  event: CustomerAccountEvent,
): CustomerAccountState {
  switch (event.type) {
    case 'CustomerCredited':
      return { ...state, credit: state.credit.plus(Money.of(event.data.amount)) };
    case 'CustomerCreditApplied': {
      const d = event.data;
      return {
        ...state,
        credit: state.credit.minus(Money.of(d.amount)),
        applications: [
          ...state.applications,
          { applicationId: d.applicationId, invoiceId: d.invoiceId, amount: Money.of(d.amount) },
        ],
      };
    }
    case 'CustomerCreditWithdrawn': {
      const d = event.data;
      const undone = new Map<string, Money>();
      for (const r of d.reversedApplications) {
        undone.set(
          r.applicationId,
          (undone.get(r.applicationId) ?? Money.ZERO).plus(Money.of(r.amount)),
        );
      }
      return {
        ...state,
        credit: state.credit.plus(Money.sum([...undone.values()])).minus(Money.of(d.amount)),
        applications: state.applications
          .map((a) => ({ ...a, amount: a.amount.minus(undone.get(a.applicationId) ?? Money.ZERO) }))
          .filter((a) => a.amount.isPositive()),
      };
    }
  }
}

/**
 * Uses the customer's credit on unpaid invoices, in the order given (oldest first), up to
 * each invoice's balance. Nothing happens when there is no credit.
 */
export function decideApplyCredit(
  account: CustomerAccountState,
  invoices: readonly InvoiceState[],
  ctx: { on: Day; applicationId: (invoiceId: string) => string },
): { applied: CustomerCreditApplied[]; allocations: InvoicePaymentAllocated[] } {
  const own = invoices.filter((i) => i.customerId === account.customerId);
  const applied: CustomerCreditApplied[] = [];
  const allocations: InvoicePaymentAllocated[] = [];
  for (const { invoiceId, amount } of autoAllocate(account.credit.toString(), own)) {
    const applicationId = ctx.applicationId(invoiceId);
    applied.push({
      type: 'CustomerCreditApplied',
      data: { customerId: account.customerId, applicationId, invoiceId, amount, on: ctx.on },
    });
    allocations.push({
      type: 'InvoicePaymentAllocated',
      data: { invoiceId, paymentId: applicationId, amount, paidOn: ctx.on },
    });
  }
  return { applied, allocations };
}

export interface RefundCredit {
  customerId: string;
  amount: string;
  on: string;
  method: PaymentMethod;
  reference: string;
}

/** Pays credit back to the customer (e.g. after an avoir on a paid invoice). */
export function decideRefundCredit(
  account: CustomerAccountState,
  cmd: RefundCredit,
  ctx: { withdrawalId: string; today: Day },
): CustomerCreditWithdrawn {
  const amount = parseField(
    'amount',
    () => Money.of(cmd.amount),
    'Le montant est invalide (ex. 30.01).',
  );
  if (!amount.isPositive())
    throw new DomainError('invalid_input', 'Le montant doit être positif.', 'amount');
  if (amount.compare(account.credit) > 0) {
    throw new DomainError(
      'exceeds_credit',
      `Le remboursement dépasse le crédit du client (${formatEuros(account.credit.isNegative() ? Money.ZERO : account.credit)}).`,
      'amount',
      { credit: account.credit.toString() },
    );
  }
  const on = checkedReversalDay(cmd.on, ctx.today);
  return {
    type: 'CustomerCreditWithdrawn',
    data: {
      customerId: account.customerId,
      withdrawalId: ctx.withdrawalId,
      amount: amount.toString(),
      on,
      reason: 'refund',
      method: checkedMethod(cmd.method),
      reference: checkedReference(cmd.reference),
      paymentId: null,
      reversedApplications: [],
    },
  };
}

const METHODS: readonly PaymentMethod[] = ['cheque', 'card', 'transfer', 'cash', 'other'];

export function checkedMethod(method: unknown): PaymentMethod {
  if (!METHODS.includes(method as PaymentMethod)) {
    throw new DomainError('invalid_input', 'Mode de paiement inconnu.', 'method');
  }
  return method as PaymentMethod;
}

export function checkedReference(reference: unknown): string {
  const r = String(reference ?? '').trim();
  if (r.length > 64)
    throw new DomainError('invalid_input', 'La référence fait au plus 64 caractères.', 'reference');
  // Mirrored into paiements.reference (latin1 bytes): refused here rather than cut there.
  return fitGlouxColumn(r, 'paiements.reference', 'reference');
}

export function checkedReversalDay(input: unknown, today: Day, notBefore?: Day): Day {
  const on = parseField('on', () => parseDay(input), 'La date est invalide (AAAA-MM-JJ).');
  if (compareDays(on, today) > 0) {
    throw new DomainError('invalid_input', 'La date ne peut pas être dans le futur.', 'on');
  }
  if (notBefore && compareDays(on, notBefore) < 0) {
    throw new DomainError(
      'invalid_input',
      `La date ne peut pas précéder le paiement (${notBefore}).`,
      'on',
    );
  }
  return on;
}
