import fc from 'fast-check';
import type { CreditNoteIssued, CreditNoteLine, InvoiceIssued } from '../billing/events.js';
import { decideIssueInvoice, initialInvoiceState, lineVat } from '../billing/invoice.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import {
  creditNoteDocument,
  InconsistentDocumentError,
  invoiceDocument,
  vatByRate,
  type BillingDocument,
} from './billing-document.js';

function issue(
  lines: { net: string; vatRate: string; quantity?: string; kind?: 'discount' | 'misc' }[],
  number = 'F2026-000219',
): InvoiceIssued {
  let n = 0;
  const [event] = decideIssueInvoice(
    initialInvoiceState,
    {
      customerId: '2',
      issuedOn: '2026-02-03',
      lines: lines.map((l, i) => ({
        label: `Ligne ${i + 1}`,
        serviceStart: '2026-02-03',
        serviceEnd: '2027-02-02',
        ...l,
      })),
    },
    {
      invoiceId: 'inv-1',
      number,
      billingAddress: 'Association Les Amis\n3 place Y\n\n69001 Lyon',
      lineId: () => `line-${++n}`,
    },
  );
  return event!;
}

/** A credit note taking `nets` off the invoice's lines, VAT computed as the billing code does. */
function creditNote(invoice: InvoiceIssued, nets: readonly string[], paid = '0.00') {
  const lines: CreditNoteLine[] = invoice.data.lines.flatMap((line, i) => {
    const net = nets[i];
    if (net === undefined || Money.of(net).isZero()) return [];
    const before = Money.of(line.vat);
    const after = lineVat(Money.of(line.net).minus(Money.of(net)), line.vatRate);
    const vat = before.minus(after);
    return [
      {
        lineId: `cn-line-${i}`,
        creditedLineId: line.lineId,
        kind: line.kind,
        label: line.label,
        productId: null,
        hostingId: null,
        net,
        vatRate: line.vatRate,
        vat: vat.toString(),
        total: Money.of(net).plus(vat).toString(),
        serviceStart: line.serviceStart,
        serviceEnd: line.serviceEnd,
      },
    ];
  });
  const totalNet = Money.sum(lines.map((l) => Money.of(l.net)));
  const totalVat = Money.sum(lines.map((l) => Money.of(l.vat)));
  const total = totalNet.plus(totalVat);
  const toCredit = Money.of(paid).compare(total) < 0 ? Money.of(paid) : total;
  const event: CreditNoteIssued = {
    type: 'CreditNoteIssued',
    data: {
      creditNoteId: 'cn-1',
      number: 'A2026-000007',
      invoiceId: invoice.data.invoiceId,
      invoiceNumber: invoice.data.number,
      customerId: invoice.data.customerId,
      issuedOn: '2026-03-10',
      reason: 'Résiliation anticipée',
      billingAddress: invoice.data.billingAddress,
      lines,
      totalNet: totalNet.toString(),
      totalVat: totalVat.toString(),
      total: total.toString(),
      settled: total.minus(toCredit).toString(),
      toCredit: toCredit.toString(),
    },
  };
  return event;
}

const payment = {
  type: 'InvoicePaymentAllocated',
  data: { invoiceId: 'inv-1', paymentId: 'p-1', amount: '10.00', paidOn: '2026-02-10' },
};

/** Independent check in integer cents: per-rate rows add up to the document's totals. */
function expectRowsAddUp(doc: BillingDocument, event: { data: Record<string, unknown> }) {
  const cents = (s: string) => BigInt(s.replace('.', ''));
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const rates = doc.vatByRate.map((r) => Number(r.vatRate));
  expect([...rates].sort((a, b) => a - b)).toEqual(rates);
  expect(new Set(rates).size).toBe(rates.length);
  for (const row of doc.vatByRate) {
    const mine = doc.lines.filter((l) => Number(l.vatRate) === Number(row.vatRate));
    expect(mine.length).toBeGreaterThan(0);
    expect(cents(row.net)).toBe(sum(mine.map((l) => cents(l.net))));
    expect(cents(row.vat)).toBe(sum(mine.map((l) => cents(l.vat))));
    expect(cents(row.total)).toBe(cents(row.net) + cents(row.vat));
  }
  expect(sum(doc.vatByRate.map((r) => cents(r.net)))).toBe(cents(String(event.data.totalNet)));
  expect(sum(doc.vatByRate.map((r) => cents(r.vat)))).toBe(cents(String(event.data.totalVat)));
  expect(sum(doc.vatByRate.map((r) => cents(r.total)))).toBe(cents(String(event.data.total)));
  expect(doc.totalNet).toBe(event.data.totalNet);
  expect(doc.totalVat).toBe(event.data.totalVat);
  expect(doc.total).toBe(event.data.total);
}

describe('invoice document', () => {
  it('gives every line and a net/VAT table per rate (worked example)', () => {
    // 20.07 × 19.6 % = 3.93372 → 3.93; 5.02 × 19.6 % = 0.98392 → 0.98;
    // 10.00 × 5.5 % = 0.55; −2.00 × 19.6 % = −0.392 → −0.39; 16.00 at 0 %.
    const event = issue([
      { net: '20.07', vatRate: '19.6' },
      { net: '10.04', vatRate: '19.6', quantity: '2' },
      { net: '10.00', vatRate: '5.5' },
      { net: '-2.00', vatRate: '19.6', kind: 'discount' },
      { net: '16.00', vatRate: '0' },
    ]);
    const doc = invoiceDocument([event, payment])!;
    expect(doc.kind).toBe('invoice');
    expect(doc.number).toBe('F2026-000219');
    expect(doc.dueOn).toBe('2026-04-04');
    expect(doc.billingAddress).toEqual(['Association Les Amis', '3 place Y', '69001 Lyon']);
    expect(doc.lines[1]).toMatchObject({ quantity: '2', unitNet: '5.02', net: '10.04' });
    expect(doc.lines[3]).toMatchObject({ kind: 'discount', net: '-2.00', vat: '-0.39' });
    expect(doc.vatByRate).toEqual([
      { vatRate: '0', net: '16.00', vat: '0.00', total: '16.00' },
      { vatRate: '5.5', net: '10.00', vat: '0.55', total: '10.55' },
      // 3.93 + 1.97 − 0.39, each line rounded on its own.
      { vatRate: '19.6', net: '28.11', vat: '5.51', total: '33.62' },
    ]);
    expect([doc.totalNet, doc.totalVat, doc.total]).toEqual(['54.11', '6.06', '60.17']);
    expect(doc.creditedInvoice).toBeNull();
    expect(doc.settlement).toBeNull();
  });

  it('sums each rate from the rounded line VATs, even where rounding the base would differ', () => {
    // 0.13 × 20 % = 0.026 → 0.03 on each line, 0.09 billed; round(0.39 × 20 %) would say 0.08.
    const rows = vatByRate([
      { net: '0.13', vatRate: '20', vat: '0.03' },
      { net: '0.13', vatRate: '20.0', vat: '0.03' },
      { net: '0.13', vatRate: '20.00', vat: '0.03' },
    ]);
    expect(rows).toEqual([{ vatRate: '20', net: '0.39', vat: '0.09', total: '0.48' }]);
  });

  it('is null when the stream holds no invoice', () => {
    expect(invoiceDocument([])).toBeNull();
    expect(invoiceDocument([payment])).toBeNull();
  });

  it('refuses an event whose totals disagree with its lines', () => {
    const event = issue([{ net: '10.00', vatRate: '20' }]);
    const broken = { ...event, data: { ...event.data, totalVat: '2.01', total: '12.01' } };
    expect(() => invoiceDocument([broken])).toThrow(InconsistentDocumentError);
  });

  it('adds up to the event totals on any invoice the billing code issues (property)', () => {
    const line = fc.record({
      cents: fc.oneof(
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: -20_000, max: 0 }),
        fc.integer({ min: 0, max: 99 }),
      ),
      vatRate: fc.constantFrom('0', '2.1', '5.5', '10', '19.6', '20', '20.0', '8.5'),
      quantity: fc.constantFrom('1', '2', '3', '12', '0.5'),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        let event: InvoiceIssued;
        try {
          event = issue(
            lines.map((l) => ({
              net: Money.round(Money.of(String(l.cents)).times('0.01')).toString(),
              vatRate: l.vatRate,
              quantity: l.quantity,
            })),
          );
        } catch (error) {
          // A negative total is refused by the billing code: not an invoice.
          if (error instanceof DomainError) return fc.pre(false);
          throw error;
        }
        const doc = invoiceDocument([event])!;
        expect(doc.lines).toHaveLength(lines.length);
        expectRowsAddUp(doc, event);
      }),
      { numRuns: 500 },
    );
  });
});

describe('credit note document', () => {
  const invoice = issue([
    { net: '100.00', vatRate: '20' },
    { net: '10.00', vatRate: '5.5' },
  ]);

  it('cites the original invoice, its number and date, with the reason and lines credited', () => {
    const event = creditNote(invoice, ['40.00'], '30.00');
    const doc = creditNoteDocument([invoice, payment, event], 'cn-1')!;
    expect(doc).toMatchObject({
      kind: 'credit_note',
      documentId: 'cn-1',
      number: 'A2026-000007',
      invoiceId: 'inv-1',
      issuedOn: '2026-03-10',
      dueOn: null,
      reason: 'Résiliation anticipée',
      creditedInvoice: { invoiceId: 'inv-1', number: 'F2026-000219', issuedOn: '2026-02-03' },
      settlement: { settled: '18.00', toCredit: '30.00' },
    });
    expect(doc.lines).toEqual([
      expect.objectContaining({ net: '40.00', vat: '8.00', total: '48.00', quantity: null }),
    ]);
    expect(doc.vatByRate).toEqual([{ vatRate: '20', net: '40.00', vat: '8.00', total: '48.00' }]);
    expectRowsAddUp(doc, event);
  });

  it('is null for an id that is not on the stream', () => {
    const event = creditNote(invoice, ['40.00']);
    expect(creditNoteDocument([invoice, event], 'cn-2')).toBeNull();
  });

  it('refuses a credit note whose invoice is not on its stream', () => {
    const event = creditNote(invoice, ['40.00']);
    expect(() => creditNoteDocument([event], 'cn-1')).toThrow(InconsistentDocumentError);
  });

  it('adds up to the event totals for any partial or full credit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cents: fc.integer({ min: 1, max: 2_000_000 }),
            vatRate: fc.constantFrom('0', '5.5', '10', '19.6', '20'),
            share: fc.integer({ min: 0, max: 100 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 0, max: 3_000_000 }),
        (lines, paidCents) => {
          const inv = issue(
            lines.map((l) => ({
              net: Money.round(Money.of(String(l.cents)).times('0.01')).toString(),
              vatRate: l.vatRate,
            })),
          );
          const nets = inv.data.lines.map((l, i) =>
            Money.round(Money.of(l.net).times(String(lines[i]!.share)).dividedBy(100)).toString(),
          );
          fc.pre(nets.some((n) => !Money.of(n).isZero()));
          const paid = Money.round(Money.of(String(paidCents)).times('0.01')).toString();
          const event = creditNote(inv, nets, paid);
          const doc = creditNoteDocument([inv, event], 'cn-1')!;
          expectRowsAddUp(doc, event);
          expect(
            Money.of(doc.settlement!.settled).plus(Money.of(doc.settlement!.toCredit)).toString(),
          ).toBe(doc.total);
        },
      ),
      { numRuns: 300 },
    );
  });
});
