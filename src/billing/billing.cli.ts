import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { PaymentMethod } from '../../domain/billing/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formatEuros } from '../../domain/shared/money.js';
import { findInvoiceByNumber } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { IssueCreditNoteCommand, type IssueCreditNoteResult } from './issue-credit-note.command.js';
import { RecordPaymentCommand, type RecordPaymentResult } from './record-payment.command.js';
import { ReversePaymentCommand, type ReversePaymentResult } from './reverse-payment.command.js';

/** The treasurer's billing actions from the command line (src/cli.ts parses and dispatches). */

export interface PaymentCliOptions {
  invoice?: string;
  customer?: string;
  method?: string;
  amount?: string;
  reference?: string;
  bank?: string;
  on?: string;
  reason?: string;
  payment?: string;
  overpayment?: boolean;
  key?: string;
}

const METHODS: Record<string, PaymentMethod> = {
  cheque: 'cheque',
  cb: 'card',
  card: 'card',
  virement: 'transfer',
  transfer: 'transfer',
  especes: 'cash',
  cash: 'cash',
  autre: 'other',
  other: 'other',
};

async function invoiceIdOf(app: INestApplicationContext, number: string | undefined) {
  if (!number) throw new DomainError('invalid_input', 'Indiquez --invoice F<année>-<numéro>.');
  const invoice = await app.get(Db).run((q) => findInvoiceByNumber(q, number));
  if (!invoice) throw new DomainError('not_found', `Facture ${number} introuvable.`, 'invoice');
  return invoice;
}

/** `credit-note:issue --invoice F… --reason … [--on]`: cancels what is left of the invoice. */
export async function creditNoteCli(
  app: INestApplicationContext,
  o: PaymentCliOptions,
): Promise<number> {
  const invoice = await invoiceIdOf(app, o.invoice);
  const r = await app.get(CommandBus).execute<IssueCreditNoteCommand, IssueCreditNoteResult>(
    new IssueCreditNoteCommand(
      {
        invoiceId: invoice.invoiceId,
        issuedOn: o.on ?? app.get(Clock).today(),
        reason: o.reason ?? '',
      },
      'cli',
      o.key,
    ),
  );
  console.log(
    `Avoir ${r.number} sur la facture ${invoice.number} : ${formatEuros(r.total)}` +
      (r.toCredit !== '0.00' ? ` (dont ${formatEuros(r.toCredit)} au crédit du client)` : ''),
  );
  return 0;
}

/**
 * `payment:record --customer N --method cheque --amount 120.00 --reference … [--invoice F…]
 * [--overpayment]`: without --invoice, the customer's unpaid invoices, oldest first.
 */
export async function paymentCli(
  app: INestApplicationContext,
  o: PaymentCliOptions,
): Promise<number> {
  const method = METHODS[o.method ?? ''];
  if (!method) {
    throw new DomainError(
      'invalid_input',
      'Mode de paiement inconnu (--method cheque, cb, virement, especes ou autre).',
      'method',
    );
  }
  const invoice = o.invoice ? await invoiceIdOf(app, o.invoice) : null;
  const customerId = o.customer ?? invoice?.customerId ?? '';
  const amount = o.amount ?? '';
  const r = await app.get(CommandBus).execute<RecordPaymentCommand, RecordPaymentResult>(
    new RecordPaymentCommand(
      {
        customerId,
        method,
        amount,
        receivedOn: o.on ?? app.get(Clock).today(),
        reference: o.reference ?? '',
        bank: o.bank,
        ...(invoice ? { allocations: [{ invoiceId: invoice.invoiceId, amount }] } : {}),
        overpayment: o.overpayment === true,
      },
      'cli',
      o.key,
    ),
  );
  console.log(`Paiement ${r.paymentId} : ${formatEuros(r.amount)}`);
  for (const i of r.invoices) {
    console.log(`  ${i.number} : ${formatEuros(i.allocated)} (reste ${formatEuros(i.balance)})`);
  }
  if (r.credited !== '0.00') console.log(`  au crédit du client : ${formatEuros(r.credited)}`);
  return 0;
}

/** `payment:bounce --payment ID` and `payment:refund --payment ID --amount X`. */
export async function reversalCli(
  app: INestApplicationContext,
  kind: 'bounced' | 'refund',
  o: PaymentCliOptions,
): Promise<number> {
  const r = await app.get(CommandBus).execute<ReversePaymentCommand, ReversePaymentResult>(
    new ReversePaymentCommand(
      {
        paymentId: o.payment ?? '',
        kind,
        amount: o.amount,
        on: o.on ?? app.get(Clock).today(),
        reference: o.reference,
        reason: o.reason,
      },
      'cli',
      o.key,
    ),
  );
  console.log(
    `${kind === 'bounced' ? 'Impayé' : 'Remboursement'} de ${formatEuros(r.amount)} enregistré.`,
  );
  for (const i of r.invoices) console.log(`  ${i.number} : reste ${formatEuros(i.balance)}`);
  return 0;
}
