import { decideIssueCreditNote } from '../billing/credit-note.js';
import {
  evolveCustomerAccount,
  initialCustomerAccountState,
  type CustomerAccountState,
} from '../billing/customer-account.js';
import type { BillingEvent, InvoiceEvent, LineKind, PaymentEvent } from '../billing/events.js';
import type { ProductType } from '../catalogue/catalogue.js';
import {
  decideIssueInvoice,
  evolveInvoice,
  initialInvoiceState,
  type InvoiceState,
} from '../billing/invoice.js';
import {
  decideRecordPayment,
  decideReversePayment,
  evolvePayment,
  initialPaymentState,
  type PaymentState,
  type RecordPayment,
} from '../billing/payment.js';
import {
  decideIssueDepositSlip,
  evolveDepositSlips,
  initialDepositSlipsState,
  type ChequeFacts,
} from './deposit-slips.js';
import { decidePayRedemption, initialRedemptionPayoutState } from '../shares/redemption-payout.js';
import type { SharePaymentReceived } from '../shares/events.js';
import { decideBookBankLine, initialMatchesState } from './matching.js';
import { fecRows, GeneralLedger, journalTotals, type LedgerEvent } from './fec.js';

/** Gloux's sample catalogue (product ids 1 PLAQUE, 2 DISQUE100): their revenue accounts, §7. */
const PRODUCT_TYPES = new Map<string, ProductType>([
  ['1', 'plaque'],
  ['2', 'option'],
]);

/** An invoice line: a product of the catalogue, or none (its kind then gives the account). */
interface ExampleLine {
  readonly kind: LineKind;
  readonly productId: string | null;
  readonly label: string;
  readonly net: string;
}

/**
 * The two-year example of docs/accounting.md §7 (invoices straddling the year end, one unpaid at
 * the closing, one paid in advance, card fees, a bounce, a credit note, share subscriptions, a
 * redemption, Gloux's capital), built through the decide functions, closed year by year, and
 * exported (src/bank/books-two-years.spec.ts checks the files and compares them to the document).
 */
class Scenario {
  readonly ledger = new GeneralLedger('01-01', PRODUCT_TYPES);
  private position = 0;
  private readonly invoices = new Map<string, InvoiceState>();
  private readonly payments = new Map<string, PaymentState>();
  private readonly accounts = new Map<string, CustomerAccountState>();
  private slips = initialDepositSlipsState;

  apply(e: LedgerEvent): void {
    this.position++;
    this.ledger.apply({ ...e, position: this.position });
    if (e.type === 'SharePaymentReceived') {
      const d = (e as SharePaymentReceived).data;
      this.shareCheques.set(d.paymentId, {
        paymentId: d.paymentId,
        customerId: `T${d.tiersId}`,
        amount: d.amount,
        receivedOn: d.receivedOn,
        reference: d.reference,
        bank: d.bank,
        method: d.method,
        status: 'valid',
        reversed: '0.00',
      });
    }
    const b = e as BillingEvent;
    if (
      'invoiceId' in (b.data as object) &&
      ['InvoiceIssued', 'InvoicePaymentAllocated', 'CreditNoteIssued'].includes(b.type)
    ) {
      const id = (b.data as { invoiceId: string }).invoiceId;
      this.invoices.set(
        id,
        evolveInvoice(this.invoices.get(id) ?? initialInvoiceState, b as InvoiceEvent),
      );
    }
    if (['PaymentRecorded', 'PaymentReversed', 'PaymentAllocationChanged'].includes(b.type)) {
      const id = (b.data as { paymentId: string }).paymentId;
      this.payments.set(
        id,
        evolvePayment(this.payments.get(id) ?? initialPaymentState, b as PaymentEvent),
      );
    }
    if (['CustomerCredited', 'CustomerCreditApplied', 'CustomerCreditWithdrawn'].includes(b.type)) {
      const c = (b.data as { customerId: string }).customerId;
      this.accounts.set(
        c,
        evolveCustomerAccount(this.accounts.get(c) ?? initialCustomerAccountState(c), b as never),
      );
    }
  }

  invoice(
    id: string,
    number: string,
    customerId: string,
    issuedOn: string,
    lines: readonly ExampleLine[],
    start: string,
    end: string,
  ) {
    let n = 0;
    const [issued] = decideIssueInvoice(
      initialInvoiceState,
      {
        customerId,
        issuedOn,
        lines: lines.map((l) => ({
          ...l,
          vatRate: '20',
          serviceStart: start,
          serviceEnd: end,
        })),
      },
      { invoiceId: id, number, billingAddress: '', lineId: () => `${id}-l${++n}` },
    );
    this.apply(issued!);
  }

  pay(paymentId: string, cmd: RecordPayment) {
    const d = decideRecordPayment(cmd, this.invoices, { paymentId, today: '2027-12-31' });
    this.apply(d.payment);
    for (const a of d.allocations) this.apply(a);
    if (d.credit) this.apply(d.credit);
  }

  bounce(paymentId: string, on: string) {
    const payment = this.payments.get(paymentId)!;
    const d = decideReversePayment(
      payment,
      this.invoices,
      this.accounts.get(payment.customerId) ?? initialCustomerAccountState(payment.customerId),
      { paymentId, kind: 'bounced', on, reason: 'Sans provision' },
      { reversalId: `${paymentId}-impaye`, withdrawalId: `${paymentId}-w`, today: '2027-12-31' },
    );
    this.apply(d.reversal);
    for (const a of d.invoiceReversals) this.apply(a);
    if (d.withdrawal) this.apply(d.withdrawal);
  }

  /** Cheques received for shares (SharePaymentReceived): they go on slips like the others. */
  private readonly shareCheques = new Map<string, ChequeFacts>();

  deposit(slipId: string, paymentIds: string[], depositOn: string) {
    const cheques = new Map(
      paymentIds.map((id): [string, ChequeFacts] => {
        const share = this.shareCheques.get(id);
        if (share) return [id, share];
        const p = this.payments.get(id)!;
        return [
          id,
          {
            paymentId: id,
            customerId: p.customerId,
            amount: p.amount.toString(),
            receivedOn: p.receivedOn,
            reference: id,
            bank: '',
            method: 'cheque',
            status: 'valid' as const,
            reversed: '0.00',
          },
        ];
      }),
    );
    const [slip] = decideIssueDepositSlip(
      this.slips,
      { paymentIds, depositOn },
      { slipId, today: '2027-12-31', cheques },
    );
    this.slips = evolveDepositSlips(this.slips, slip);
    this.apply(slip);
  }

  /** A credit note of `net` on the invoice's line number `line`. */
  creditNote(
    id: string,
    number: string,
    invoiceId: string,
    issuedOn: string,
    net: string,
    line: number,
  ) {
    const invoice = this.invoices.get(invoiceId)!;
    const note = decideIssueCreditNote(
      invoice,
      {
        invoiceId,
        issuedOn,
        reason: 'Geste commercial',
        lines: [{ lineId: `${invoiceId}-l${line}`, net }],
      },
      { creditNoteId: id, number, billingAddress: '', lineId: () => `${id}-l1` },
    );
    this.apply(note);
    if (note.data.toCredit !== '0.00')
      this.apply({
        type: 'CustomerCredited',
        data: {
          customerId: note.data.customerId,
          amount: note.data.toCredit,
          on: issuedOn,
          source: 'credit_note',
          sourceId: id,
        },
      });
  }

  close(fiscalYear: number, closedOn: string) {
    const journals = journalTotals(this.ledger.entriesOf(fiscalYear));
    this.apply({
      type: 'FiscalYearClosed',
      data: {
        closingId: `cloture-${fiscalYear}`,
        fiscalYear,
        first: `${fiscalYear}-01-01`,
        last: `${fiscalYear}-12-31`,
        closedOn,
        throughPosition: this.position,
        journals,
      },
    });
  }
}

const NAMES: Record<string, string> = {
  C1: 'Anne Lefèvre',
  C2: 'Association Les Amis',
  T5: 'Jean Dupont',
  T6: 'Webcoop SARL',
  T9: 'Anne Lefèvre',
};

export function twoYearScenario(): GeneralLedger {
  const s = new Scenario();
  // Gloux's capital, taken over when gloux2 started: 2 shares paid up.
  s.apply({
    type: 'LegacySharesImported',
    data: {
      importedOn: '2025-01-02',
      shares: [2207, 2208].map((number) => ({
        number,
        tiersId: '9',
        nominal: '16.00',
        state: 'liberee',
        subscribedOn: '2012-05-03',
        paidOn: '2012-05-03',
        legacyPaymentId: 0,
        exitOn: null,
        transfereeTiersId: null,
      })),
    },
  });
  // 2025. Straddling the year end, unpaid at the closing.
  const plaque = (net: string) =>
    ({ kind: 'subscription', productId: '1', label: 'Plaque de base', net }) as const;
  const f1 = [plaque('100.00')];
  s.invoice('f1', 'F2025-000001', '1', '2025-09-15', f1, '2025-09-15', '2026-09-14');
  // Straddling, paid by card; the bank credits the card day 1.28 short.
  // A plaque and an option: two revenue accounts (7061, 7062).
  const option = {
    kind: 'option',
    productId: '2',
    label: 'Espace disque supplémentaire (100 Mo)',
    net: '10.00',
  } as const;
  const f2 = [plaque('50.00'), option];
  s.invoice('f2', 'F2025-000002', '2', '2025-12-01', f2, '2025-12-01', '2026-11-30');
  s.pay('p-cb', {
    customerId: '2',
    method: 'card',
    amount: '72.00',
    receivedOn: '2025-12-05',
    reference: 'CB-000123',
    bank: '',
    allocations: [{ invoiceId: 'f2', amount: '72.00' }],
  });
  s.apply({
    type: 'BankStatementImported',
    data: {
      importId: 'rel-12',
      account: 'FR76',
      format: 'ofx',
      fileName: 'releve-2025-12.ofx',
      fileHash: 'h',
      importedOn: '2026-01-05',
      skipped: 0,
      lines: [
        {
          lineId: 'bl-1',
          bookedOn: '2025-12-08',
          valueOn: '2025-12-08',
          amount: '70.72',
          label: 'REMISE CB 05/12',
          reference: 'CB051225',
        },
      ],
    },
  });
  s.apply({
    type: 'BankLineMatched',
    data: {
      matchId: 'm-1',
      lineId: 'bl-1',
      target: { kind: 'card_day', day: '2025-12-05' },
      lineAmount: '70.72',
      expectedAmount: '72.00',
      difference: '-1.28',
      on: '2026-01-05',
    },
  });
  // For 2026 only, paid in advance by cheque, deposited.
  // A line naming no product: its kind (misc) gives the account, 7068.
  const install = {
    kind: 'misc',
    productId: null,
    label: 'Migration du site',
    net: '30.00',
  } as const;
  const f3 = [install];
  s.invoice('f3', 'F2025-000003', '2', '2025-12-15', f3, '2026-01-01', '2026-12-31');
  s.pay('p-chq1', {
    customerId: '2',
    method: 'cheque',
    amount: '36.00',
    receivedOn: '2025-12-20',
    reference: '0004512',
    bank: '',
    allocations: [{ invoiceId: 'f3', amount: '36.00' }],
  });
  s.deposit('r1', ['p-chq1'], '2025-12-22');
  // Shares: subscribed unpaid then paid up; subscribed and paid at once.
  s.apply({
    type: 'SharesSubscribed',
    data: {
      subscriptionId: 's-5',
      tiersId: '5',
      numbers: [10398, 10399],
      nominal: '16.00',
      on: '2025-10-01',
      reference: 'BS-5',
    },
  });
  s.apply({
    type: 'SharesPaidUp',
    data: {
      liberationId: 'l-5',
      tiersId: '5',
      numbers: [10398, 10399],
      on: '2025-11-02',
      reference: 'VIR-5',
      legacyPaymentId: null,
    },
  });
  s.apply({
    type: 'SharesSubscribed',
    data: {
      subscriptionId: 's-6',
      tiersId: '6',
      numbers: [10400],
      nominal: '16.00',
      on: '2025-10-10',
      reference: 'BS-6',
    },
  });
  s.apply({
    type: 'SharesPaidUp',
    data: {
      liberationId: 'l-6',
      tiersId: '6',
      numbers: [10400],
      on: '2025-10-10',
      reference: 'BS-6',
      legacyPaymentId: null,
    },
  });
  s.close(2025, '2026-01-20');
  // 2026. The unpaid invoice paid by a cheque that bounces after its deposit, then by transfer.
  s.pay('p-chq2', {
    customerId: '1',
    method: 'cheque',
    amount: '120.00',
    receivedOn: '2026-02-03',
    reference: '0007789',
    bank: '',
    allocations: [{ invoiceId: 'f1', amount: '120.00' }],
  });
  s.deposit('r2', ['p-chq2'], '2026-02-04');
  s.bounce('p-chq2', '2026-02-10');
  // The bank charges 15.00 for the bounce; the treasurer books that line (627).
  const feeLine = {
    lineId: 'bl-2',
    bookedOn: '2026-02-10',
    valueOn: '2026-02-10',
    amount: '-15.00',
    label: 'FRAIS CHQ IMPAYE 0007789',
    reference: 'FI100226',
  };
  s.apply({
    type: 'BankStatementImported',
    data: {
      importId: 'rel-02',
      account: 'FR76',
      format: 'ofx',
      fileName: 'releve-2026-02.ofx',
      fileHash: 'h2',
      importedOn: '2026-03-02',
      skipped: 0,
      lines: [feeLine],
    },
  });
  s.apply(
    decideBookBankLine(
      initialMatchesState,
      { line: feeLine, kind: 'bounce_fee' },
      { today: '2026-03-02', newId: () => 'bk-1' },
    ),
  );
  s.pay('p-vir', {
    customerId: '1',
    method: 'transfer',
    amount: '120.00',
    receivedOn: '2026-02-20',
    reference: 'VIR-LEFEVRE',
    bank: '',
    allocations: [{ invoiceId: 'f1', amount: '120.00' }],
  });
  // A credit note on the card-paid invoice's option: 10.00 net back to the member's credit.
  s.creditNote('a1', 'A2026-000001', 'f2', '2026-03-01', '10.00', 2);
  // One more share for tiers 5, paid at once by a cheque (D 5112), deposited on a slip (C 5112).
  s.apply({
    type: 'SharesSubscribed',
    data: {
      subscriptionId: 's-5b',
      tiersId: '5',
      numbers: [10401],
      nominal: '16.00',
      on: '2026-04-02',
      reference: 'CHQ-5',
    },
  });
  s.apply({
    type: 'SharesPaidUp',
    data: {
      liberationId: 'l-5b',
      tiersId: '5',
      numbers: [10401],
      on: '2026-04-02',
      reference: 'CHQ-5',
      legacyPaymentId: null,
    },
  });
  s.apply({
    type: 'SharePaymentReceived',
    data: {
      paymentId: 'p-chq-parts',
      liberationId: 'l-5b',
      tiersId: '5',
      method: 'cheque',
      amount: '16.00',
      receivedOn: '2026-04-02',
      reference: 'CHQ-5',
      bank: 'Crédit Coopératif',
    },
  });
  s.deposit('r3', ['p-chq-parts'], '2026-04-03');
  // A redemption: the capital is owed (4567).
  s.apply({
    type: 'SharesRedeemed',
    data: {
      redemptionId: 'rb-6',
      requestId: null,
      tiersId: '6',
      numbers: [10400],
      on: '2026-06-30',
      requestedOn: '2026-06-01',
      amount: '16.00',
      reason: 'Démission',
    },
  });
  // Paid back by transfer on 2026-07-15 (D 4567 / C 512).
  s.apply(
    decidePayRedemption(
      initialRedemptionPayoutState,
      {
        redemption: { redemptionId: 'rb-6', tiersId: '6', amount: '16.00', on: '2026-06-30' },
        on: '2026-07-15',
        method: 'transfer',
        reference: 'VIR-REMB-6',
      },
      { today: '2026-07-15', newId: () => 'v-6' },
    ),
  );
  s.close(2026, '2027-01-15');
  return s.ledger;
}

export function exportOf(ledger: GeneralLedger, year: number): string {
  return `${[...fecRows(ledger.entriesOf(year), (aux) => NAMES[aux] ?? aux)].join('\r\n')}\r\n`;
}
