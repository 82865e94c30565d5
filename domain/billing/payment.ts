import { compareDays, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { formatEuros, Money } from '../shared/money.js';
import type { InvoicePaymentAllocated, PaymentMethod, PaymentRecorded } from './events.js';
import { balanceOf, type InvoiceState } from './invoice.js';

export interface RecordPayment {
  customerId: string;
  method: PaymentMethod;
  amount: string;
  receivedOn: string;
  reference: string;
  bank?: string;
  allocations: { invoiceId: string; amount: string }[];
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

const METHODS: readonly PaymentMethod[] = ['cheque', 'card', 'transfer', 'cash', 'other'];

/**
 * Records a payment and allocates it to invoices. Every allocated euro must fit the
 * invoice's balance and the allocations must add up to the payment (customer credit
 * and overpayment come with the billing core).
 */
export function decideRecordPayment(
  cmd: RecordPayment,
  invoices: ReadonlyMap<string, InvoiceState>,
  ctx: { paymentId: string; today: Day },
): { payment: PaymentRecorded; allocations: InvoicePaymentAllocated[] } {
  if (!METHODS.includes(cmd.method)) {
    throw new DomainError('invalid_input', 'Mode de paiement inconnu.', 'method');
  }
  const amount = parseField(
    'amount',
    () => Money.of(cmd.amount),
    'Le montant est invalide (ex. 30.01, deux décimales au plus).',
  );
  if (!amount.isPositive()) {
    throw new DomainError('invalid_input', 'Le montant doit être positif.', 'amount');
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
  const reference = String(cmd.reference ?? '').trim();
  if (cmd.method === 'cheque' && reference === '') {
    throw new DomainError('invalid_input', 'Le numéro de chèque est obligatoire.', 'reference');
  }
  if (reference.length > 64) {
    throw new DomainError('invalid_input', 'La référence fait au plus 64 caractères.', 'reference');
  }
  const bank = String(cmd.bank ?? '').trim();
  if (bank.length > 64) {
    throw new DomainError(
      'invalid_input',
      'Le nom de la banque fait au plus 64 caractères.',
      'bank',
    );
  }
  if (!Array.isArray(cmd.allocations) || cmd.allocations.length === 0) {
    throw new DomainError('invalid_input', 'Indiquez la facture réglée.', 'allocations');
  }
  const seen = new Set<string>();
  const allocations: InvoicePaymentAllocated[] = cmd.allocations.map((a, i) => {
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
        `La facture ${invoice.number} n'appartient pas à ce client.`,
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
  if (!allocated.equals(amount)) {
    throw new DomainError(
      'allocation_mismatch',
      `Le montant (${formatEuros(amount)}) doit être égal au total affecté aux factures (${formatEuros(allocated)}).`,
      'amount',
    );
  }
  return {
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
