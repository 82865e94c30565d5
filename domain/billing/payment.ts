import { compareDays, formatDayFr, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { fitGlouxColumn } from '../legacy/gloux-columns.js';
import { formatEuros, Money } from '../shared/money.js';
import {
  checkedMethod,
  checkedReference,
  checkedReversalDay,
  type CustomerAccountState,
} from './customer-account.js';
import type {
  CustomerCredited,
  CustomerCreditWithdrawn,
  InvoicePaymentAllocated,
  PaymentEvent,
  PaymentMethod,
  PaymentRecorded,
  PaymentReversed,
  ReversalKind,
} from './events.js';
import { balanceOf, type InvoiceState } from './invoice.js';

export interface RecordPayment {
  customerId: string;
  method: PaymentMethod;
  amount: string;
  receivedOn: string;
  reference: string;
  bank?: string;
  /** Omitted: the customer's unpaid invoices, oldest first (see autoAllocate). */
  allocations?: { invoiceId: string; amount: string }[];
  /** Keep what exceeds the allocations as customer credit (otherwise it is refused). */
  overpayment?: boolean;
}

/** A cheque paying `amount` of one invoice (the common case of the cheque form). */
export function chequeFor(
  customerId: string,
  invoiceId: string,
  amount: string,
  receivedOn: string,
  reference: string,
  bank = '',
): RecordPayment {
  return {
    customerId,
    method: 'cheque',
    amount,
    receivedOn,
    reference,
    bank,
    allocations: [{ invoiceId, amount }],
  };
}

/** Gloux's money columns are DECIMAL(10,2): an amount they cannot hold is never recorded. */
export const GLOUX_MAX_AMOUNT = Money.of('99999999.99');

/** What a payment decision reads besides the invoices. */
export interface RecordPaymentContext {
  readonly paymentId: string;
  readonly today: Day;
  /** The day of the customer's first invoice or credit note (null: none yet). */
  readonly firstDocumentOn?: Day | null;
  /** The configured sanity ceiling of one payment (Gloux's own limit applies anyway). */
  readonly maxAmount?: Money;
}

/**
 * Records a payment and allocates it to invoices. Every allocated euro must fit the
 * invoice's balance; what the allocations leave over becomes customer credit when the
 * command says so (an overpayment), and is refused otherwise (most likely a typo).
 */
export function decideRecordPayment(
  cmd: RecordPayment,
  invoices: ReadonlyMap<string, InvoiceState>,
  ctx: RecordPaymentContext,
): {
  payment: PaymentRecorded;
  allocations: InvoicePaymentAllocated[];
  credit: CustomerCredited | null;
} {
  checkedMethod(cmd.method);
  const amount = parseField(
    'amount',
    () => Money.of(cmd.amount),
    'Le montant est invalide (ex. 30.01, deux décimales au plus).',
  );
  if (!amount.isPositive()) {
    throw new DomainError('invalid_input', 'Le montant doit être positif.', 'amount');
  }
  const ceiling =
    ctx.maxAmount && ctx.maxAmount.compare(GLOUX_MAX_AMOUNT) < 0 ? ctx.maxAmount : GLOUX_MAX_AMOUNT;
  if (amount.compare(ceiling) > 0) {
    throw new DomainError(
      'invalid_input',
      `Le montant dépasse le plafond d’un paiement (${formatEuros(ceiling)}) : vérifiez la saisie.`,
      'amount',
      { max: ceiling.toString() },
    );
  }
  const receivedOn = parseField(
    'receivedOn',
    () => parseDay(cmd.receivedOn),
    'La date de réception est invalide (AAAA-MM-JJ).',
  );
  if (compareDays(receivedOn, ctx.today) > 0) {
    throw new DomainError(
      'invalid_input',
      'La date de réception ne peut pas être dans le futur.',
      'receivedOn',
    );
  }
  const reference = checkedReference(cmd.reference);
  if (cmd.method === 'cheque' && reference === '') {
    throw new DomainError('invalid_input', 'Le numéro de chèque est obligatoire.', 'reference');
  }
  if (ctx.firstDocumentOn && compareDays(receivedOn, ctx.firstDocumentOn) < 0) {
    throw new DomainError(
      'invalid_input',
      `La date de réception précède le premier document de ce client (${formatDayFr(ctx.firstDocumentOn)}).`,
      'receivedOn',
    );
  }
  const bank = String(cmd.bank ?? '').trim();
  if (bank.length > 64) {
    throw new DomainError(
      'invalid_input',
      'Le nom de la banque fait au plus 64 caractères.',
      'bank',
    );
  }
  fitGlouxColumn(bank, 'paiements.banque', 'bank');
  const overpayment = cmd.overpayment === true;
  if (!Array.isArray(cmd.allocations) || (cmd.allocations.length === 0 && !overpayment)) {
    throw new DomainError('invalid_input', 'Indiquez la facture réglée.', 'allocations');
  }
  const seen = new Set<string>();
  const allocations: InvoicePaymentAllocated[] = (cmd.allocations ?? []).map((a, i) => {
    // Input from the API is untrusted JSON: an allocation may be anything.
    const invoiceId = typeof a?.invoiceId === 'string' ? a.invoiceId : '';
    const invoice = invoices.get(invoiceId);
    if (!invoice || invoice.status === 'none') {
      throw new DomainError('not_found', 'Facture introuvable.', `allocations[${i}].invoiceId`);
    }
    if (seen.has(invoiceId)) {
      throw new DomainError(
        'invalid_input',
        `La facture ${invoice.number} est citée deux fois.`,
        `allocations[${i}]`,
      );
    }
    seen.add(invoiceId);
    if (invoice.customerId !== cmd.customerId) {
      throw new DomainError(
        'invalid_input',
        `La facture ${invoice.number} n’appartient pas à ce client.`,
        `allocations[${i}].invoiceId`,
      );
    }
    if (invoice.status === 'paid') {
      throw new DomainError(
        'already_paid',
        `La facture ${invoice.number} est déjà réglée.`,
        `allocations[${i}].invoiceId`,
      );
    }
    if (invoice.status === 'cancelled') {
      throw new DomainError(
        'invoice_cancelled',
        `La facture ${invoice.number} est annulée par avoir : elle ne peut plus être réglée.`,
        `allocations[${i}].invoiceId`,
      );
    }
    if (compareDays(receivedOn, invoice.issuedOn) < 0) {
      throw new DomainError(
        'invalid_input',
        `La date de réception précède la facture ${invoice.number} (émise le ${formatDayFr(invoice.issuedOn)}).`,
        'receivedOn',
      );
    }
    const part = parseField(
      `allocations[${i}].amount`,
      () => Money.of(a?.amount),
      'Montant affecté invalide.',
    );
    if (!part.isPositive()) {
      throw new DomainError(
        'invalid_input',
        'Le montant affecté doit être positif.',
        `allocations[${i}].amount`,
      );
    }
    const balance = balanceOf(invoice);
    if (part.compare(balance) > 0) {
      throw new DomainError(
        'exceeds_balance',
        `Le montant dépasse le reste à payer de la facture ${invoice.number} (${formatEuros(balance)}).`,
        `allocations[${i}].amount`,
        { balance: balance.toString() },
      );
    }
    return {
      type: 'InvoicePaymentAllocated',
      data: {
        invoiceId,
        paymentId: ctx.paymentId,
        amount: part.toString(),
        paidOn: receivedOn,
      },
    };
  });
  const allocated = Money.sum(allocations.map((a) => Money.of(a.data.amount)));
  const rest = amount.minus(allocated);
  if (rest.isNegative() || (!rest.isZero() && !overpayment)) {
    throw new DomainError(
      'allocation_mismatch',
      rest.isNegative()
        ? `Le total affecté aux factures (${formatEuros(allocated)}) dépasse le montant (${formatEuros(amount)}).`
        : `Le montant (${formatEuros(amount)}) dépasse le total affecté aux factures (${formatEuros(allocated)}) : cochez « surplus en crédit » pour garder ${formatEuros(rest)} au crédit du client.`,
      'amount',
      { unallocated: rest.toString() },
    );
  }
  return {
    credit: rest.isZero()
      ? null
      : {
          type: 'CustomerCredited',
          data: {
            customerId: cmd.customerId,
            amount: rest.toString(),
            on: receivedOn,
            source: 'overpayment',
            sourceId: ctx.paymentId,
          },
        },
    payment: {
      type: 'PaymentRecorded',
      data: {
        paymentId: ctx.paymentId,
        customerId: cmd.customerId,
        method: cmd.method,
        amount: amount.toString(),
        receivedOn,
        reference,
        bank,
        allocations: allocations.map((a) => ({
          invoiceId: a.data.invoiceId,
          amount: a.data.amount,
        })),
      },
    },
    allocations,
  };
}

/** What a payment still stands for, after bounces and refunds. */
export interface PaymentState {
  readonly status: 'none' | 'valid' | 'bounced';
  readonly paymentId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly receivedOn: Day;
  readonly reference: string;
  /** Per invoice, in allocation order: what this payment still pays on it. */
  readonly allocations: ReadonlyMap<string, Money>;
  /** The part that went to the customer's credit and was not taken back. */
  readonly creditPart: Money;
  /** Reversed so far (refunds, bounce). */
  readonly reversed: Money;
}

export const initialPaymentState: PaymentState = {
  status: 'none',
  paymentId: '',
  customerId: '',
  method: 'other',
  amount: Money.ZERO,
  receivedOn: '',
  reference: '',
  allocations: new Map(),
  creditPart: Money.ZERO,
  reversed: Money.ZERO,
};

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRecorded': {
      const d = event.data;
      const allocations = new Map(d.allocations.map((a) => [a.invoiceId, Money.of(a.amount)]));
      const amount = Money.of(d.amount);
      return {
        status: 'valid',
        paymentId: d.paymentId,
        customerId: d.customerId,
        method: d.method,
        amount,
        receivedOn: d.receivedOn,
        reference: d.reference,
        allocations,
        creditPart: amount.minus(Money.sum(allocations.values())),
        reversed: Money.ZERO,
      };
    }
    case 'PaymentAllocationChanged': {
      const d = event.data;
      const amount = Money.of(d.amount);
      const allocations = new Map(state.allocations);
      allocations.set(d.invoiceId, (allocations.get(d.invoiceId) ?? Money.ZERO).plus(amount));
      // The allocation comes out of the part that was not allocated (or goes back to it).
      const creditPart = state.creditPart.minus(amount);
      return {
        ...state,
        allocations,
        creditPart: creditPart.isNegative() ? Money.ZERO : creditPart,
      };
    }
    case 'PaymentReversed': {
      const d = event.data;
      const allocations = new Map(state.allocations);
      for (const r of d.invoices) {
        allocations.set(
          r.invoiceId,
          (allocations.get(r.invoiceId) ?? Money.ZERO).minus(Money.of(r.amount)),
        );
      }
      const fromCredit = Money.of(d.fromCredit);
      return {
        ...state,
        status: d.kind === 'bounced' ? 'bounced' : state.status,
        allocations,
        creditPart:
          state.creditPart.compare(fromCredit) > 0
            ? state.creditPart.minus(fromCredit)
            : Money.ZERO,
        reversed: state.reversed.plus(Money.of(d.amount)),
      };
    }
  }
}

export interface ReversePayment {
  paymentId: string;
  kind: ReversalKind;
  /** Refund only: the amount refunded (a bounce always takes the whole payment back). */
  amount?: string;
  on: string;
  reference?: string;
  reason?: string;
}

const min = (a: Money, b: Money) => (a.compare(b) <= 0 ? a : b);

/**
 * A bounced cheque or a refund, as reversals dated `on`: negative allocations on the invoices
 * the payment paid and a withdrawal of the credit it fed. A refund takes the payment's unused
 * credit first, then its invoices (latest first); a bounce takes its invoices first, then its
 * credit, undoing credit applications when that credit was already used.
 */
export function decideReversePayment(
  payment: PaymentState,
  invoices: ReadonlyMap<string, InvoiceState>,
  account: CustomerAccountState,
  cmd: ReversePayment,
  ctx: { reversalId: string; withdrawalId: string; today: Day },
): {
  reversal: PaymentReversed;
  invoiceReversals: InvoicePaymentAllocated[];
  withdrawal: CustomerCreditWithdrawn | null;
} {
  if (payment.status === 'none')
    throw new DomainError('not_found', 'Paiement introuvable.', 'paymentId');
  if (payment.status === 'bounced') {
    throw new DomainError(
      'already_bounced',
      'Ce paiement est déjà enregistré comme impayé.',
      'paymentId',
    );
  }
  const on = checkedReversalDay(cmd.on, ctx.today, payment.receivedOn);
  const reason = String(cmd.reason ?? '')
    .trim()
    .slice(0, 255);
  const reference = checkedReference(cmd.reference);
  const left = payment.amount.minus(payment.reversed);
  let amount: Money;
  if (cmd.kind === 'bounced') {
    if (payment.method !== 'cheque') {
      throw new DomainError('invalid_input', 'Seul un chèque peut revenir impayé.', 'kind');
    }
    if (!payment.reversed.isZero()) {
      throw new DomainError(
        'invalid_input',
        'Ce chèque a déjà été remboursé en partie : enregistrez un remboursement, pas un impayé.',
        'kind',
      );
    }
    amount = payment.amount;
  } else if (cmd.kind === 'refund') {
    amount = parseField(
      'amount',
      () => Money.of(cmd.amount),
      'Le montant est invalide (ex. 30.01).',
    );
    if (!amount.isPositive())
      throw new DomainError('invalid_input', 'Le montant doit être positif.', 'amount');
    if (amount.compare(left) > 0) {
      throw new DomainError(
        'exceeds_payment',
        `Le remboursement dépasse ce qui reste de ce paiement (${formatEuros(left)}).`,
        'amount',
      );
    }
  } else {
    throw new DomainError(
      'invalid_input',
      'Type de contre-passation inconnu (impayé ou remboursement).',
      'kind',
    );
  }

  let rest = amount;
  const paidLeft = new Map([...invoices].map(([id, inv]) => [id, inv.paid]));
  const fromInvoices = new Map<string, Money>();
  const takeInvoices = () => {
    for (const [invoiceId, alloc] of [...payment.allocations].reverse()) {
      if (!rest.isPositive()) return;
      const paid = paidLeft.get(invoiceId) ?? Money.ZERO;
      const take = min(min(alloc, rest), paid);
      if (!take.isPositive()) continue;
      fromInvoices.set(invoiceId, take);
      paidLeft.set(invoiceId, paid.minus(take));
      rest = rest.minus(take);
    }
  };
  let fromCredit = Money.ZERO;
  const takeCredit = (limit: Money) => {
    const available = account.credit.isPositive() ? account.credit : Money.ZERO;
    const take = min(min(limit, rest), available);
    if (take.isPositive()) {
      fromCredit = fromCredit.plus(take);
      rest = rest.minus(take);
    }
  };
  const undone: { applicationId: string; invoiceId: string; amount: Money }[] = [];
  if (cmd.kind === 'refund') {
    takeCredit(payment.creditPart);
    takeInvoices();
    if (rest.isPositive()) {
      throw new DomainError(
        'exceeds_payment',
        `Ce paiement ne couvre plus que ${formatEuros(amount.minus(rest))} : le crédit qu’il a alimenté a déjà été utilisé.`,
        'amount',
      );
    }
  } else {
    takeInvoices();
    takeCredit(rest);
    // The credit this cheque fed was spent: the invoices it paid are unpaid again.
    for (const app of [...account.applications].reverse()) {
      if (!rest.isPositive()) break;
      const paid = paidLeft.get(app.invoiceId) ?? invoices.get(app.invoiceId)?.paid ?? Money.ZERO;
      const take = min(min(app.amount, rest), paid);
      if (!take.isPositive()) continue;
      undone.push({ applicationId: app.applicationId, invoiceId: app.invoiceId, amount: take });
      paidLeft.set(app.invoiceId, paid.minus(take));
      fromCredit = fromCredit.plus(take);
      rest = rest.minus(take);
    }
    // Credit already refunded: the customer now owes it outside any invoice.
    fromCredit = fromCredit.plus(rest);
    rest = Money.ZERO;
  }

  const negative = (invoiceId: string, paymentId: string, m: Money): InvoicePaymentAllocated => ({
    type: 'InvoicePaymentAllocated',
    data: { invoiceId, paymentId, amount: m.negate().toString(), paidOn: on },
  });
  const undoneByInvoice = new Map<string, Money>();
  for (const u of undone) {
    undoneByInvoice.set(
      u.invoiceId,
      (undoneByInvoice.get(u.invoiceId) ?? Money.ZERO).plus(u.amount),
    );
  }
  return {
    reversal: {
      type: 'PaymentReversed',
      data: {
        paymentId: payment.paymentId,
        reversalId: ctx.reversalId,
        customerId: payment.customerId,
        kind: cmd.kind,
        amount: amount.toString(),
        on,
        reference,
        reason,
        invoices: [...fromInvoices].map(([invoiceId, m]) => ({ invoiceId, amount: m.toString() })),
        fromCredit: fromCredit.toString(),
      },
    },
    invoiceReversals: [
      ...[...fromInvoices].map(([id, m]) => negative(id, ctx.reversalId, m)),
      ...[...undoneByInvoice].map(([id, m]) => negative(id, ctx.withdrawalId, m)),
    ],
    withdrawal: fromCredit.isZero()
      ? null
      : {
          type: 'CustomerCreditWithdrawn',
          data: {
            customerId: payment.customerId,
            withdrawalId: ctx.withdrawalId,
            amount: fromCredit.toString(),
            on,
            reason: cmd.kind,
            method: payment.method,
            reference,
            paymentId: payment.paymentId,
            reversedApplications: undone.map((u) => ({
              applicationId: u.applicationId,
              invoiceId: u.invoiceId,
              amount: u.amount.toString(),
            })),
          },
        },
  };
}
