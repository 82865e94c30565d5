import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CUSTOMER,
  issueInvoices,
  Ledger,
  lineArb,
  opArb,
} from '../billing/billing-history.testkit.js';
import type { PaymentRecorded } from '../billing/events.js';
import { chequeFor, decideRecordPayment } from '../billing/payment.js';
import { effectiveLines } from '../billing/credit-note.js';
import { decideIssueInvoice, evolveInvoice, initialInvoiceState } from '../billing/invoice.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import {
  decideCancelDepositSlip,
  decideIssueDepositSlip,
  evolveDepositSlips,
  initialDepositSlipsState,
  type ChequeFacts,
} from './deposit-slips.js';
import type { DepositSlipEvent } from './events.js';
import { exportFileName, fecRows, GeneralLedger, isBalanced, type LedgerEntry } from './fec.js';

/** Debit − credit of every carried-forward account (classes 1 to 5) and auxiliary, non-zero. */
function balances(entries: readonly LedgerEntry[]): Record<string, string> {
  const out = new Map<string, Money>();
  for (const x of entries)
    for (const l of x.lines)
      if (/^[1-5]/.test(l.account)) {
        const key = `${l.account}/${l.aux}`;
        out.set(key, (out.get(key) ?? Money.ZERO).plus(l.debit).minus(l.credit));
      }
  return Object.fromEntries(
    [...out]
      .filter(([, m]) => !m.isZero())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, m]) => [k, m.toString()]),
  );
}

/** Debit − credit of the revenue accounts (706 and its 706x) over entries. */
function revenue(entries: readonly LedgerEntry[]): Money {
  return Money.sum(
    entries.flatMap((x) =>
      x.lines.filter((l) => l.account.startsWith('706')).map((l) => l.debit.minus(l.credit)),
    ),
  );
}

/** Debit − credit of an account (and auxiliary account) over entries. */
function net(entries: readonly LedgerEntry[], account: string, aux?: string): Money {
  return Money.sum(
    entries.flatMap((x) =>
      x.lines
        .filter((l) => l.account === account && (aux === undefined || l.aux === aux))
        .map((l) => l.debit.minus(l.credit)),
    ),
  );
}

/** F2026-000001 of customer 1: one line of 100.00 at 20 % (120.00). */
function plaqueInvoice() {
  const [issued] = decideIssueInvoice(
    initialInvoiceState,
    {
      customerId: '1',
      issuedOn: '2026-02-01',
      lines: [
        {
          label: 'Plaque de base',
          net: '100.00',
          vatRate: '20',
          serviceStart: '2026-02-01',
          serviceEnd: '2026-02-28',
        },
      ],
    },
    { invoiceId: 'inv-1', number: 'F2026-000001', billingAddress: '', lineId: () => 'l1' },
  );
  return issued!;
}

describe('FEC general ledger', () => {
  it('worked example: invoice, cheque, deposit slip, year-end deferral', () => {
    const [issued] = decideIssueInvoice(
      initialInvoiceState,
      {
        customerId: '1',
        issuedOn: '2025-09-15',
        lines: [
          {
            kind: 'subscription',
            label: 'Plaque de base',
            net: '100.00',
            vatRate: '20',
            serviceStart: '2025-09-15',
            serviceEnd: '2026-09-14',
          },
        ],
      },
      { invoiceId: 'inv-1', number: 'F2025-000001', billingAddress: '', lineId: () => 'l1' },
    );
    const ledger = new GeneralLedger();
    ledger.apply(issued!);
    // Paid in full on 2025-09-20 by cheque: N = 2025, 70.41 of the net is N+1 (docs/accounting.md §2).
    const paid = decideRecordPayment(
      chequeFor('1', 'inv-1', '120.00', '2025-09-20', '0004512'),
      new Map([['inv-1', evolveInvoice(initialInvoiceState, issued!)]]),
      { paymentId: 'pay-1', today: '2025-12-31' },
    );
    ledger.apply(paid.payment);
    for (const a of paid.allocations) ledger.apply(a);
    const [slip] = decideIssueDepositSlip(
      initialDepositSlipsState,
      { paymentIds: ['pay-1'], depositOn: '2025-09-22' },
      { slipId: 's1', today: '2025-12-31', cheques: new Map([['pay-1', facts(paid.payment)]]) },
    );
    ledger.apply(slip);
    const entries = ledger.entriesOf(2025);
    expect(entries.every(isBalanced)).toBe(true);
    // Numbered per journal; not validated (ValidDate empty) while 2025 is open.
    expect([...fecRows(entries, () => 'Anne Martin')]).toEqual([
      'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise',
      'VT\tVentes\t1\t20250915\t411\tClients\tC1\tAnne Martin\tF2025-000001\t20250915\tFacture F2025-000001\t120,00\t0,00\t\t\t\t\t',
      'VT\tVentes\t1\t20250915\t7061\tPrestations de services - plaques\t\t\tF2025-000001\t20250915\tFacture F2025-000001\t0,00\t100,00\t\t\t\t\t',
      'VT\tVentes\t1\t20250915\t44574\tTVA à collecter (sur encaissements)\t\t\tF2025-000001\t20250915\tFacture F2025-000001\t0,00\t20,00\t\t\t\t\t',
      'BQ\tBanque\t1\t20250920\t5112\tChèques à encaisser\t\t\t0004512\t20250920\tRèglement chèque 0004512\t120,00\t0,00\t\t\t\t\t',
      'BQ\tBanque\t1\t20250920\t411\tClients\tC1\tAnne Martin\t0004512\t20250920\tRèglement chèque 0004512\t0,00\t120,00\t\t\t\t\t',
      'BQ\tBanque\t1\t20250920\t44574\tTVA à collecter (sur encaissements)\t\t\t0004512\t20250920\tRèglement chèque 0004512\t20,00\t0,00\t\t\t\t\t',
      'BQ\tBanque\t1\t20250920\t44571\tTVA collectée\t\t\t0004512\t20250920\tRèglement chèque 0004512\t0,00\t20,00\t\t\t\t\t',
      'BQ\tBanque\t2\t20250922\t512\tBanque\t\t\tR1\t20250922\tRemise de chèques n° 1\t120,00\t0,00\t\t\t\t\t',
      'BQ\tBanque\t2\t20250922\t5112\tChèques à encaisser\t\t\tR1\t20250922\tRemise de chèques n° 1\t0,00\t120,00\t\t\t\t\t',
      'OD\tOpérations diverses\t1\t20251231\t7061\tPrestations de services - plaques\t\t\tPCA2025\t20251231\tProduits constatés d’avance 2025\t70,41\t0,00\t\t\t\t\t',
      'OD\tOpérations diverses\t1\t20251231\t487\tProduits constatés d’avance\t\t\tPCA2025\t20251231\tProduits constatés d’avance 2025\t0,00\t70,41\t\t\t\t\t',
    ]);
    // The deferral comes back on the first day of 2026, after the opening balances (AN).
    const y2026 = ledger.entriesOf(2026);
    expect(y2026[0]).toMatchObject({ journal: 'AN', date: '2026-01-01' });
    expect(y2026.find((x) => x.pieceRef === 'PCA2025')).toMatchObject({ date: '2026-01-01' });
    expect(
      net(
        y2026.filter((x) => x.journal !== 'AN'),
        '487',
      ).toString(),
    ).toBe('70.41');
    expect(exportFileName('123 456 789', '2025-12-31')).toBe(
      '123456789-gloux2-ecritures-20251231.txt',
    );
  });

  it('collects each payment’s VAT by date, whatever the order the payments were recorded in', () => {
    // 106.70 + 20 % = 128.04, paid 33.33 on 10 January and 94.71 on 10 February (docs/accounting.md §2).
    const vatOf = (order: [string, string, string][]) => {
      const [issued] = decideIssueInvoice(
        initialInvoiceState,
        {
          customerId: '1',
          issuedOn: '2026-01-05',
          lines: [
            {
              label: 'Plaque de base',
              net: '106.70',
              vatRate: '20',
              serviceStart: '2026-01-05',
              serviceEnd: '2026-12-31',
            },
          ],
        },
        { invoiceId: 'inv-1', number: 'F2026-000001', billingAddress: '', lineId: () => 'l1' },
      );
      const ledger = new GeneralLedger();
      ledger.apply(issued!);
      let invoice = evolveInvoice(initialInvoiceState, issued!);
      for (const [amount, on, cheque] of order) {
        const paid = decideRecordPayment(
          chequeFor('1', 'inv-1', amount, on, cheque),
          new Map([['inv-1', invoice]]),
          { paymentId: `pay-${cheque}`, today: '2026-03-01' },
        );
        ledger.apply(paid.payment);
        for (const a of paid.allocations) {
          ledger.apply(a);
          invoice = evolveInvoice(invoice, a);
        }
      }
      const entries = ledger.entriesOf(2026);
      expect(entries.every(isBalanced)).toBe(true);
      return Object.fromEntries(
        ['0000001', '0000002'].map((ref) => [
          ref,
          net(
            entries.filter((x) => x.pieceRef === ref),
            '44571',
          )
            .negate()
            .toString(),
        ]),
      );
    };
    const january: [string, string, string] = ['33.33', '2026-01-10', '0000001'];
    const february: [string, string, string] = ['94.71', '2026-02-10', '0000002'];
    const expected = { '0000001': '5.56', '0000002': '15.78' };
    expect(vatOf([january, february])).toEqual(expected);
    // The January cheque typed in after the February one (recording order gave 5.55 / 15.79).
    expect(vatOf([february, january])).toEqual(expected);
  });

  it('an allocation Gloux adds later to a payment moves its unallocated part from 4191 to 411', () => {
    const ledger = new GeneralLedger();
    ledger.apply(plaqueInvoice());
    // Gloux's payment came in with nothing allocated; Gloux's admin then allocated 120.00 of it.
    ledger.apply({
      type: 'PaymentRecorded',
      data: {
        paymentId: 'pay-1',
        customerId: '1',
        method: 'transfer',
        amount: '150.00',
        receivedOn: '2026-02-03',
        reference: 'VIR 42',
        bank: '',
        allocations: [],
      },
    });
    // Gloux's allocation change, and the invoice's side of it, as the ingestion records them.
    const allocate = (amount: string) => {
      ledger.apply({
        type: 'PaymentAllocationChanged',
        data: { paymentId: 'pay-1', customerId: '1', invoiceId: 'inv-1', amount, on: '2026-02-03' },
      });
      ledger.apply({
        type: 'InvoicePaymentAllocated',
        data: { invoiceId: 'inv-1', paymentId: 'pay-1', amount, paidOn: '2026-02-03' },
      });
    };
    allocate('120.00');
    const entries = ledger.entriesOf(2026);
    expect(entries.every(isBalanced)).toBe(true);
    expect(
      entries.find((x) => x.journal === 'OD' && x.label.startsWith('Régularisation')),
    ).toMatchObject({
      date: '2026-02-03',
      pieceRef: 'VIR 42',
      label:
        'Régularisation : affectation du règlement VIR 42 sur F2026-000001 (ajoutée dans Gloux)',
    });
    expect(net(entries, '411', 'C1').toString()).toBe('0.00');
    expect(net(entries, '4191', 'C1').toString()).toBe('-30.00');
    expect(net(entries, '512').toString()).toBe('150.00');
    // The VAT of the money now allocated is due (VAT on receipts).
    expect(net(entries, '44574').toString()).toBe('0.00');
    expect(net(entries, '44571').toString()).toBe('-20.00');
    // Gloux takes 20.00 of it back: the reverse entry.
    allocate('-20.00');
    const after = ledger.entriesOf(2026);
    expect(after.every(isBalanced)).toBe(true);
    expect(net(after, '411', 'C1').toString()).toBe('20.00');
    expect(net(after, '4191', 'C1').toString()).toBe('-50.00');
  });

  /**
   * Random histories (invoices, payments, credit notes, bounces, refunds, uses and refunds of
   * credit, deposit slips made and cancelled): every entry balances, the customer's 411 moves by
   * exactly what their invoices still ask, 4191 holds their credit, and 512 + 5112 hold the
   * money received less the money paid out.
   */
  it('books a second Gloux allocation of a payment to the same invoice on its own day, even out of date order', () => {
    const ledger = new GeneralLedger();
    ledger.apply(plaqueInvoice());
    const pay = (paymentId: string, day: string, amount: string, allocated: string) => {
      ledger.apply({
        type: 'PaymentRecorded',
        data: {
          paymentId,
          customerId: '1',
          method: 'transfer',
          amount,
          receivedOn: day,
          reference: paymentId,
          bank: '',
          allocations: [{ invoiceId: 'inv-1', amount: allocated }],
        },
      });
      ledger.apply({
        type: 'InvoicePaymentAllocated',
        data: { invoiceId: 'inv-1', paymentId, amount: allocated, paidOn: day },
      });
    };
    // Gloux's transfer of 100.00 pays 60.00; one dated earlier is recorded after it.
    pay('pay-1', '2026-02-10', '100.00', '60.00');
    pay('pay-2', '2026-02-05', '20.00', '20.00');
    // In March Gloux allocates 40.00 more of the first transfer to the same invoice.
    ledger.apply({
      type: 'PaymentAllocationChanged',
      data: {
        paymentId: 'pay-1',
        customerId: '1',
        invoiceId: 'inv-1',
        amount: '40.00',
        on: '2026-03-02',
      },
    });
    ledger.apply({
      type: 'InvoicePaymentAllocated',
      data: { invoiceId: 'inv-1', paymentId: 'pay-1', amount: '40.00', paidOn: '2026-03-02' },
    });
    const entries = ledger.entriesOf(2026);
    expect(entries.every(isBalanced)).toBe(true);
    const collected = (month: string) =>
      net(
        entries.filter((x) => x.date.startsWith(month)),
        '44571',
      ).toString();
    // February keeps the VAT of the 80.00 received then; March's correction has the rest.
    expect(collected('2026-02')).toBe('-13.33');
    expect(collected('2026-03')).toBe('-6.67');
    expect(
      entries
        .filter((x) => x.date === '2026-03-02')
        .map((x) => [x.journal, x.label, net([x], '44571').toString()]),
    ).toEqual([
      [
        'OD',
        'Régularisation : affectation du règlement pay-1 sur F2026-000001 (ajoutée dans Gloux)',
        '-6.67',
      ],
    ]);
  });

  it('property: entries balance; 411 = what is due; 4191 = credit; banks = cash', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(lineArb, { minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.oneof(opArb, fc.constant('slip' as const), fc.constant('cancel' as const)), {
          minLength: 1,
          maxLength: 25,
        }),
        (invoices, ops) => {
          const history = new Ledger();
          issueInvoices(history, invoices);
          let slips = initialDepositSlipsState;
          let slipNo = 0;
          for (const op of ops) {
            try {
              if (op === 'slip' || op === 'cancel') {
                const event = slipOp(op, history, slips, ++slipNo);
                if (!event) continue;
                slips = evolveDepositSlips(slips, event);
                history.log.push(event);
              } else history.run(op);
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }
          const ledger = new GeneralLedger();
          for (const e of history.log) ledger.apply(e);
          const years = [2024, 2025, 2026, 2027, 2028, 2029, 2030];
          const all = years.flatMap((fy) => ledger.entriesOf(fy));
          for (const x of all) expect(isBalanced(x)).toBe(true);
          // Movements only: the opening balances (AN) repeat what earlier years moved.
          const entries = all.filter((x) => x.journal !== 'AN');
          const due = Money.sum(
            [...history.invoices.values()].map((i) => i.total.minus(i.credited).minus(i.paid)),
          );
          expect(net(entries, '411', `C${CUSTOMER}`).toString()).toBe(due.toString());
          expect(net(entries, '4191').negate().toString()).toBe(history.account.credit.toString());
          const cash = ['512', '5112', '5115'].map((a) => net(entries, a));
          expect(Money.sum(cash).toString()).toBe(
            history.received.minus(history.paidOut).toString(),
          );
          // Every deferral is taken back the next year: over all years, 706x is the net invoiced.
          expect(net(entries, '487').toString()).toBe('0.00');
          const invoiced = Money.sum(
            [...history.invoices.values()].flatMap((i) =>
              effectiveLines(i).map((l) => Money.of(l.net)),
            ),
          );
          expect(revenue(entries).negate().toString()).toBe(invoiced.toString());
          // Opening of N+1 = closing of N, account by account (classes 1 to 5).
          for (const fy of years.slice(0, -1)) {
            const closing = balances(ledger.entriesOf(fy));
            const opening = balances(ledger.entriesOf(fy + 1).filter((x) => x.journal === 'AN'));
            expect(opening).toEqual(closing);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});

function facts(p: PaymentRecorded): ChequeFacts {
  return { ...p.data, method: p.data.method, status: 'valid', reversed: '0.00' };
}

/** A slip of every cheque not deposited nor reversed, or the cancellation of the last slip. */
function slipOp(
  op: 'slip' | 'cancel',
  history: Ledger,
  slips: typeof initialDepositSlipsState,
  n: number,
): DepositSlipEvent | null {
  if (op === 'cancel') {
    const last = [...slips.slips.values()].filter((s) => !s.cancelled).pop();
    return last
      ? decideCancelDepositSlip(
          slips,
          { number: last.number, reason: 'test' },
          { today: '2027-12-31' },
        )[0]
      : null;
  }
  const cheques = new Map<string, ChequeFacts>();
  for (const e of history.log) {
    if (e.type !== 'PaymentRecorded') continue;
    const p = e as PaymentRecorded;
    const state = history.payments.get(p.data.paymentId);
    if (p.data.method !== 'cheque' || !state || !state.reversed.isZero()) continue;
    if (slips.slipOfCheque.has(p.data.paymentId)) continue;
    cheques.set(p.data.paymentId, facts(p));
  }
  if (cheques.size === 0) return null;
  const latest = [...cheques.values()]
    .map((c) => c.receivedOn)
    .sort()
    .pop()!;
  return decideIssueDepositSlip(
    slips,
    { paymentIds: [...cheques.keys()], depositOn: latest },
    { slipId: `slip-${n}`, today: '2027-12-31', cheques },
  )[0];
}

/** An invoice of one line (20 % VAT) as the log holds it. */
function invoice(
  id: string,
  number: string,
  issuedOn: string,
  net: string,
  start: string,
  end: string,
) {
  const [issued] = decideIssueInvoice(
    initialInvoiceState,
    {
      customerId: '1',
      issuedOn,
      lines: [
        {
          kind: 'subscription',
          label: 'Hébergement',
          net,
          vatRate: '20',
          serviceStart: start,
          serviceEnd: end,
        },
      ],
    },
    { invoiceId: id, number, billingAddress: '', lineId: () => `${id}-l1` },
  );
  return issued!;
}

const closing = (fiscalYear: number, closedOn: string, position: number) => ({
  type: 'FiscalYearClosed',
  position,
  data: {
    closingId: `c${fiscalYear}`,
    fiscalYear,
    first: `${fiscalYear}-01-01`,
    last: `${fiscalYear}-12-31`,
    closedOn,
    throughPosition: position - 1,
    journals: [],
  },
});

describe('the books of docs/accounting.md §7', () => {
  it('defers the service days after the closing of every line issued by then, paid or not', () => {
    const ledger = new GeneralLedger();
    // §7's worked example: issued in 2025, unpaid at 31/12/2025.
    ledger.apply(invoice('i1', 'F2025-000001', '2025-09-15', '100.00', '2025-09-15', '2026-09-14'));
    const y2025 = ledger.entriesOf(2025);
    expect(net(y2025, '487').toString()).toBe('-70.41');
    expect(net(y2025, '7061').negate().toString()).toBe('29.59');
    const y2026 = ledger.entriesOf(2026).filter((x) => x.journal !== 'AN');
    expect(net(y2026, '487').toString()).toBe('70.41');
    expect(net(y2026, '7061').negate().toString()).toBe('70.41');
    expect(ledger.deferredRevenue(2026).toString()).toBe('0.00');
  });

  it('a line issued after the closing for days of the closed year is revenue of its own year', () => {
    const ledger = new GeneralLedger();
    ledger.apply(invoice('i1', 'F2026-000001', '2026-01-05', '100.00', '2025-09-15', '2026-09-14'));
    expect(ledger.entriesOf(2025)).toEqual([]);
    expect(net(ledger.entriesOf(2026), '7061').negate().toString()).toBe('100.00');
  });

  it('the closing validates the year on its day, fixes its numbers, and nothing renumbers an entry', () => {
    const ledger = new GeneralLedger();
    ledger.apply(invoice('i1', 'F2025-000001', '2025-09-15', '100.00', '2025-09-15', '2026-09-14'));
    ledger.apply(invoice('i2', 'F2026-000001', '2026-01-10', '50.00', '2026-01-10', '2026-12-31'));
    const numbers = () =>
      ledger
        .entriesOf(2026)
        .filter((x) => x.journal === 'VT')
        .map((x) => `${x.pieceRef}:${x.num}`);
    expect(numbers()).toEqual(['F2026-000001:1']);
    // A 2026 invoice dated earlier, recorded later, takes the next number; 2025's arrival neither.
    ledger.apply(invoice('i3', 'F2026-000002', '2026-01-02', '10.00', '2026-01-02', '2026-01-02'));
    ledger.apply(invoice('i4', 'F2025-000002', '2025-12-20', '10.00', '2025-12-20', '2026-12-19'));
    expect(numbers()).toEqual(['F2026-000001:1', 'F2026-000002:2']);

    ledger.apply(closing(2025, '2026-02-15', 7));
    const y2025 = ledger.entriesOf(2025);
    expect(y2025.map((x) => [x.journal, x.num, x.validOn])).toEqual([
      ['VT', 1, '2026-02-15'],
      ['VT', 2, '2026-02-15'],
      ['OD', 1, '2026-02-15'],
    ]);
    expect([...fecRows(y2025, () => '')][1]!.split('\t')[15]).toBe('20260215');
    // An entry dated in the closed year after its closing (the pipeline refuses it) is not in it.
    ledger.apply(invoice('i5', 'F2025-000003', '2025-12-31', '10.00', '2025-12-31', '2025-12-31'));
    expect(ledger.entriesOf(2025)).toEqual(y2025);
    expect(ledger.closingOf(2025)).toMatchObject({ closedOn: '2026-02-15', throughPosition: 6 });
  });

  it('opens the next year with the balances carried forward (AN), balanced on 890', () => {
    const ledger = new GeneralLedger();
    ledger.apply(invoice('i1', 'F2025-000001', '2025-09-15', '100.00', '2025-09-15', '2026-09-14'));
    ledger.apply({
      type: 'LegacySharesImported',
      data: {
        importedOn: '2025-03-01',
        shares: [1, 2].map((n) => ({
          number: n,
          tiersId: '9',
          nominal: '16.00',
          state: 'liberee',
          subscribedOn: '2010-01-01',
          paidOn: '2010-01-01',
          legacyPaymentId: 0,
          exitOn: null,
          transfereeTiersId: null,
        })),
      },
    });
    const an2025 = ledger.entriesOf(2025).filter((x) => x.journal === 'AN');
    expect(an2025).toHaveLength(1);
    expect(balancesOf(an2025)).toEqual({ '1013/T9': '-32.00', '890/': '32.00' });
    const an2026 = ledger.entriesOf(2026).filter((x) => x.journal === 'AN');
    expect(balancesOf(an2026)).toEqual({
      '1013/T9': '-32.00',
      '411/C1': '120.00',
      '44574/': '-20.00',
      '487/': '-70.41',
      '890/': '2.41',
    });
  });

  it('labels a use of credit and a refund of credit for what they are', () => {
    const ledger = new GeneralLedger();
    ledger.apply(invoice('i1', 'F2026-000001', '2026-02-01', '100.00', '2026-02-01', '2026-12-31'));
    ledger.apply({
      type: 'InvoicePaymentAllocated',
      data: { invoiceId: 'i1', paymentId: 'app-1', amount: '60.00', paidOn: '2026-03-01' },
    });
    ledger.apply({
      type: 'CustomerCreditApplied',
      data: {
        customerId: '1',
        applicationId: 'app-1',
        invoiceId: 'i1',
        amount: '60.00',
        on: '2026-03-01',
      },
    });
    ledger.apply({
      type: 'CustomerCreditWithdrawn',
      data: {
        customerId: '1',
        withdrawalId: 'w-1',
        amount: '5.00',
        on: '2026-03-02',
        reason: 'refund',
        method: 'transfer',
        reference: 'VIR-7',
        paymentId: null,
        reversedApplications: [],
      },
    });
    const labels = ledger.entriesOf(2026).map((x) => `${x.journal} ${x.label}`);
    expect(labels).toContain('OD Crédit client imputé sur F2026-000001');
    expect(labels).toContain('BQ Remboursement du crédit client VIR-7');
    expect(labels.join('|')).not.toMatch(/TVA encaissée|Remboursement d’avoir/);
  });
});

/** Debit − credit per account/auxiliary of entries, every line (zero balances left out). */
function balancesOf(entries: readonly LedgerEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const x of entries)
    for (const l of x.lines) {
      const key = `${l.account}/${l.aux}`;
      out[key] = Money.of(out[key] ?? '0')
        .plus(l.debit)
        .minus(l.credit)
        .toString();
    }
  return out;
}
