import type { CommandBus } from '@nestjs/cqrs';
import type { IssueInvoiceLineInput } from '../../domain/billing/invoice.js';
import { chequeFor } from '../../domain/billing/payment.js';
import { IssueInvoiceCommand, type IssueInvoiceResult } from '../billing/issue-invoice.command.js';
import { IssueCreditNoteCommand } from '../billing/issue-credit-note.command.js';
import {
  RecordPaymentCommand,
  type RecordPaymentResult,
} from '../billing/record-payment.command.js';
import { ReversePaymentCommand } from '../billing/reverse-payment.command.js';
import { IssueDepositSlipCommand } from '../bank/deposit-slip.commands.js';
import { RefundCreditCommand } from '../billing/customer-credit.commands.js';

const plaque = (start: string, end: string, net = '100.00'): IssueInvoiceLineInput => ({
  kind: 'subscription',
  label: 'Plaque de base',
  productId: '1',
  net,
  vatRate: '20',
  serviceStart: start,
  serviceEnd: end,
});

/**
 * The demo story, through gloux2's own commands so every figure comes from events:
 * the worked example of docs/accounting.md §2, a partial payment, an unpaid invoice, an old paid one,
 * an option cancelled by a credit note, a bounced cheque paid again by transfer, and an
 * overpayment kept as credit, card payments and a refund to a card. Invoices are issued in date order (chronological numbering).
 */
export async function seedDemoBilling(commands: CommandBus): Promise<void> {
  const issue = (customerId: string, issuedOn: string, lines: IssueInvoiceLineInput[]) =>
    commands.execute<IssueInvoiceCommand, IssueInvoiceResult>(
      new IssueInvoiceCommand(
        { customerId, issuedOn, lines },
        'demo',
        `demo-invoice-${customerId}-${issuedOn}`,
      ),
    );
  const pay = (
    customerId: string,
    invoiceId: string,
    amount: string,
    receivedOn: string,
    reference: string,
    bank: string,
  ) =>
    commands.execute<RecordPaymentCommand, RecordPaymentResult>(
      new RecordPaymentCommand(
        chequeFor(customerId, invoiceId, amount, receivedOn, reference, bank),
        'demo',
        `demo-cheque-${reference}`,
      ),
    );

  const old = await issue('4', '2024-06-01', [plaque('2024-06-01', '2025-05-31')]);
  await pay('4', old.invoiceId, old.total, '2024-06-20', '0001234', 'Banque Populaire');

  const anne = await issue('1', '2025-09-15', [plaque('2025-09-15', '2026-09-14')]);
  await pay('1', anne.invoiceId, '50.00', '2026-02-03', '0004512', 'Crédit Mutuel');
  await pay('1', anne.invoiceId, '70.00', '2026-03-10', '0004513', 'Crédit Mutuel');

  await issue('3', '2026-01-15', [
    plaque('2026-01-15', '2027-01-14'),
    {
      kind: 'option',
      label: 'Espace disque supplémentaire (100 Mo)',
      productId: '2',
      net: '5.02',
      vatRate: '20',
      serviceStart: '2026-01-15',
      serviceEnd: '2027-01-14',
    },
  ]);

  // Anne orders an option by mistake: the invoice is cancelled by a credit note.
  const option = await issue('1', '2026-03-15', [
    {
      kind: 'option',
      label: 'Base MySQL supplémentaire',
      productId: '3',
      net: '5.02',
      vatRate: '20',
      serviceStart: '2026-03-15',
      serviceEnd: '2027-03-14',
    },
  ]);
  await commands.execute(
    new IssueCreditNoteCommand(
      {
        invoiceId: option.invoiceId,
        issuedOn: '2026-03-20',
        reason: 'Option commandée par erreur',
      },
      'demo',
      'demo-credit-note-option',
    ),
  );

  // Member 4's cheque, deposited, bounces (a cheque never deposited cannot bounce); the invoice
  // is paid again by transfer.
  const renewal = await issue('4', '2026-06-01', [plaque('2026-06-01', '2027-05-31')]);
  const bounced = await pay('4', renewal.invoiceId, renewal.total, '2026-06-10', '0002468', 'CIC');
  await commands.execute(
    new IssueDepositSlipCommand(
      { paymentIds: [bounced.paymentId], depositOn: '2026-06-12' },
      'demo',
      'demo-slip-0002468',
    ),
  );
  await commands.execute(
    new ReversePaymentCommand(
      {
        paymentId: bounced.paymentId,
        kind: 'bounced',
        on: '2026-06-20',
        reason: 'Provision insuffisante',
      },
      'demo',
      'demo-bounce-0002468',
    ),
  );
  await commands.execute(
    new RecordPaymentCommand(
      {
        customerId: '4',
        method: 'transfer',
        amount: renewal.total,
        receivedOn: '2026-06-25',
        reference: 'VIR RENOUVELLEMENT',
        allocations: [{ invoiceId: renewal.invoiceId, amount: renewal.total }],
      },
      'demo',
      'demo-transfer-renewal',
    ),
  );

  const amis = await issue('2', '2026-09-12', [
    plaque('2026-09-12', '2027-09-11'),
    {
      kind: 'discount',
      label: 'Remise revendeur 10 %',
      net: '-10.00',
      vatRate: '20',
      serviceStart: '2026-09-12',
      serviceEnd: '2027-09-11',
    },
  ]);
  await pay('2', amis.invoiceId, '40.00', '2026-10-02', '0000777', 'La Banque Postale');
  // The association rounds its second cheque up: the 12.00 surplus is kept as credit.
  await commands.execute(
    new RecordPaymentCommand(
      {
        ...chequeFor('2', amis.invoiceId, '80.00', '2026-11-02', '0000778', 'La Banque Postale'),
        allocations: [{ invoiceId: amis.invoiceId, amount: '68.00' }],
        overpayment: true,
      },
      'demo',
      'demo-cheque-0000778',
    ),
  );

  // Card payments for the daily card listing: Jean pays an option by card, rounding up; the
  // surplus, kept as credit, is paid back to his card two days later (on its own day).
  const mysql = await issue('4', '2026-11-16', [
    {
      kind: 'option',
      label: 'Base MySQL supplémentaire',
      productId: '3',
      net: '5.02',
      vatRate: '20',
      serviceStart: '2026-11-16',
      serviceEnd: '2027-11-15',
    },
  ]);
  await commands.execute(
    new RecordPaymentCommand(
      {
        customerId: '4',
        method: 'card',
        amount: '10.00',
        receivedOn: '2026-11-16',
        reference: 'CB 4971',
        allocations: [{ invoiceId: mysql.invoiceId, amount: mysql.total }],
        overpayment: true,
      },
      'demo',
      'demo-card-4971',
    ),
  );
  await commands.execute(
    new RefundCreditCommand(
      { customerId: '4', amount: '3.98', on: '2026-11-18', method: 'card', reference: 'CB 4971 R' },
      'demo',
      'demo-card-refund-4971',
    ),
  );
}
