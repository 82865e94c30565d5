import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec, Money } from '../shared/money.js';
import { allocateInvoicePayments } from './allocation.js';
import {
  decideIssueCreditNote,
  effectiveLines,
  remainingNet,
  remainingVat,
} from './credit-note.js';
import type { InvoiceIssued } from './events.js';
import {
  decideIssueInvoice,
  evolveInvoice,
  initialInvoiceState,
  foldInvoice,
  validateIssueInvoice,
  vatPerRate,
  type InvoiceState,
} from './invoice.js';

/** docs/accounting.md §1: VAT per rate on the base, spread over the rate's lines. */

const period = { serviceStart: '2026-01-01', serviceEnd: '2026-12-31' };
const lineIds = { lineId: (i: number) => `L${i + 1}` };

const issue = (lines: { net: string; vatRate: string }[]): InvoiceState => {
  const [event] = decideIssueInvoice(
    initialInvoiceState,
    {
      customerId: '7',
      issuedOn: '2026-03-02',
      lines: lines.map((l) => ({ label: 'x', ...l, ...period })),
    },
    { invoiceId: 'I', number: 'F2026-000001', billingAddress: 'A', ...lineIds },
  );
  return evolveInvoice(initialInvoiceState, event!);
};

const credit = (invoice: InvoiceState, lines?: { lineId: string; net: string }[], n = 1) =>
  evolveInvoice(
    invoice,
    decideIssueCreditNote(
      invoice,
      { invoiceId: 'I', issuedOn: '2026-03-03', reason: 'r', ...(lines ? { lines } : {}) },
      {
        creditNoteId: `C${n}`,
        number: `F2026-00000${n + 1}`,
        billingAddress: 'A',
        lineId: (i) => `C${n}-${i}`,
      },
    ),
  );

describe('VAT per rate — worked examples', () => {
  it('a 112.50 € base at 20 % gives 22.50 €, where rounding each line gives 22.49 €', () => {
    const v = validateIssueInvoice(
      {
        customerId: '7',
        issuedOn: '2026-03-02',
        lines: ['37.52', '37.52', '37.46'].map((net) => ({
          label: 'x',
          net,
          vatRate: '20',
          ...period,
        })),
      },
      lineIds,
    );
    // Cumulative nets 37.52, 75.04, 112.50 → VAT 7.50, 15.01, 22.50.
    expect(v.lines.map((l) => [l.net, l.vat, l.total])).toEqual([
      ['37.52', '7.50', '45.02'],
      ['37.52', '7.51', '45.03'],
      ['37.46', '7.49', '44.95'],
    ]);
    expect([v.totalNet.toString(), v.totalVat.toString(), v.total.toString()]).toEqual([
      '112.50',
      '22.50',
      '135.00',
    ]);
  });

  it('a one-line invoice gets round(net × rate); each rate is computed on its own base', () => {
    expect(vatPerRate([{ net: Money.of('20.07'), vatRate: '19.6' }]).map(String)).toEqual(['3.93']);
    const vats = vatPerRate(
      [
        ['20.07', '19.6'],
        ['10.03', '5.5'],
        ['5.02', '19.6'],
        ['-2.01', '19.6'],
        ['10.03', '5.5'],
        ['3.00', '0'],
      ].map(([net, vatRate]) => ({ net: Money.of(net!), vatRate: vatRate! })),
    );
    // 19.6 %: cumulative 20.07, 25.09, 23.08 → 3.93, 4.92, 4.52; 5.5 %: 10.03, 20.06 → 0.55, 1.10.
    expect(vats.map(String)).toEqual(['3.93', '0.55', '0.99', '-0.40', '0.55', '0.00']);
  });

  it('an invoice issued under the line rule keeps its VAT when replayed and paid', () => {
    // Recorded before VAT per rate: 37.46 × 20 % alone = 7.49, and the event says so.
    const old: InvoiceIssued = {
      type: 'InvoiceIssued',
      data: {
        invoiceId: 'I',
        number: 'F2025-000001',
        customerId: '7',
        issuedOn: '2025-03-02',
        dueOn: '2025-05-01',
        billingAddress: 'A',
        lines: ['37.52', '37.52', '37.46'].map((net, i) => {
          const vat = ['7.50', '7.50', '7.49'][i]!;
          return {
            lineId: `L${i + 1}`,
            kind: 'misc',
            label: 'x',
            productId: null,
            hostingId: null,
            quantity: '1',
            unitNet: net,
            net,
            vatRate: '20',
            vat,
            total: Money.of(net).plus(Money.of(vat)).toString(),
            ...period,
          };
        }),
        totalNet: '112.50',
        totalVat: '22.49',
        total: '134.99',
      },
    };
    const state = foldInvoice([old]);
    expect(effectiveLines(state).map((l) => l.vat)).toEqual(['7.50', '7.50', '7.49']);
    const entries = allocateInvoicePayments({
      lines: effectiveLines(state),
      payments: [{ id: 'P', date: '2026-02-01', amount: '134.99' }],
    });
    expect(entries.map((e) => e.vat)).toEqual(['7.50', '7.50', '7.49']);
    // A full credit note gives back exactly that VAT, never the rule's 22.50.
    const cancelled = credit(state);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.credited.toString()).toBe('134.99');
  });

  it('allocateInvoicePayments takes a line’s given VAT, and the rule otherwise', () => {
    const lines = ['37.52', '37.52', '37.46'].map((net, i) => ({
      id: `L${i}`,
      net,
      vatRate: '20',
      ...period,
    }));
    const rule = allocateInvoicePayments({
      lines,
      payments: [{ id: 'P', date: '2026-06-01', amount: '135.00' }],
    });
    expect(rule.map((e) => e.vat)).toEqual(['7.50', '7.51', '7.49']);
    const given = allocateInvoicePayments({
      lines: lines.map((l, i) => ({ ...l, vat: ['7.50', '7.50', '7.49'][i]! })),
      payments: [{ id: 'P', date: '2026-06-01', amount: '134.99' }],
    });
    expect(given.map((e) => e.vat)).toEqual(['7.50', '7.50', '7.49']);
    expect(() =>
      allocateInvoicePayments({
        lines: [{ ...lines[0]!, vat: '7,50' }],
        payments: [],
      }),
    ).toThrow(/montant de TVA illisible/);
  });

  it('a partial credit note is a document with VAT per rate on its own base', () => {
    const invoice = issue([
      { net: '37.52', vatRate: '20' },
      { net: '37.52', vatRate: '20' },
      { net: '37.46', vatRate: '20' },
    ]);
    const after = credit(invoice, [
      { lineId: 'L1', net: '10.03' },
      { lineId: 'L2', net: '10.03' },
    ]);
    const note = after.creditNotes[0]!;
    // Base 20.06 × 20 % = 4.01 (2.01 + 2.00), where line by line would give 4.02.
    expect(note.total.toString()).toBe('24.07');
    expect(after.lines.map((l) => remainingVat(after, l).toString())).toEqual([
      '5.49',
      '5.51',
      '7.49',
    ]);
  });
});

// ---- properties ---------------------------------------------------------------------------

const cents = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => new Dec(n).dividedBy(100).toFixed(2));
const rateArb = fc.constantFrom('0', '2.1', '5.5', '10', '19.6', '20');
const linesArb = fc.array(fc.record({ net: cents(-5_000, 50_000), vatRate: rateArb }), {
  minLength: 1,
  maxLength: 12,
});
const round = (d: InstanceType<typeof Dec>) => d.toDecimalPlaces(2, Dec.ROUND_HALF_UP);

describe('VAT per rate — properties', () => {
  it('per rate, the line VATs add up to round(base × rate)', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        const vats = vatPerRate(lines.map((l) => ({ net: Money.of(l.net), vatRate: l.vatRate })));
        for (const rate of new Set(lines.map((l) => l.vatRate))) {
          const mine = lines.flatMap((l, i) => (l.vatRate === rate ? [i] : []));
          const base = mine.reduce((s, i) => s.plus(lines[i]!.net), new Dec(0));
          const sum = mine.reduce((s, i) => s.plus(vats[i]!.toDecimal()), new Dec(0));
          expect(sum.toFixed(2)).toBe(round(base.times(rate).dividedBy(100)).toFixed(2));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cumulative rounding never drifts more than a cent from a line’s own round(net × rate)', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        const vats = vatPerRate(lines.map((l) => ({ net: Money.of(l.net), vatRate: l.vatRate })));
        lines.forEach((l, i) => {
          const alone = round(new Dec(l.net).times(l.vatRate).dividedBy(100));
          expect(vats[i]!.toDecimal().minus(alone).abs().lessThanOrEqualTo('0.01')).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('an invoice’s totals are its lines’ sums, VAT per rate', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        fc.pre(lines.reduce((s, l) => s.plus(l.net), new Dec(0)).greaterThan(1_000));
        const v = validateIssueInvoice(
          {
            customerId: '7',
            issuedOn: '2026-03-02',
            lines: lines.map((l) => ({ label: 'x', ...l, ...period })),
          },
          lineIds,
        );
        expect(v.totalVat.toString()).toBe(
          Money.sum(v.lines.map((l) => Money.of(l.vat))).toString(),
        );
        expect(v.total.toString()).toBe(
          Money.sum(v.lines.map((l) => Money.of(l.total))).toString(),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a credit note of the whole invoice negates it exactly, after any partial notes', () => {
    const partialArb = fc.array(fc.tuple(fc.nat(11), fc.double({ min: 0, max: 1, noNaN: true })), {
      maxLength: 4,
    });
    fc.assert(
      fc.property(linesArb, partialArb, (lines, partials) => {
        const positive = lines.map((l) => ({ ...l, net: l.net.replace('-', '') }));
        fc.pre(positive.some((l) => !new Dec(l.net).isZero()));
        const invoice = issue(positive);
        // One full note: each credited line is exactly the invoice line, net and VAT.
        const full = credit(invoice);
        for (const l of invoice.lines) {
          expect(remainingNet(full, l).toString()).toBe('0.00');
          expect(remainingVat(full, l).toString()).toBe('0.00');
        }
        // Partial notes first, then one cancelling the rest: nothing left, to the cent.
        let state = invoice;
        let n = 1;
        for (const [index, share] of partials) {
          const line = state.lines[index % state.lines.length]!;
          const left = remainingNet(state, line);
          const part = Money.round(
            left.toDecimal().times(share).toDecimalPlaces(2, Dec.ROUND_DOWN),
          );
          if (!part.isPositive() || part.equals(left)) continue;
          state = credit(state, [{ lineId: line.lineId, net: part.toString() }], n++);
        }
        if (state.status !== 'cancelled') state = credit(state, undefined, n);
        expect(state.status).toBe('cancelled');
        expect(state.credited.toString()).toBe(invoice.total.toString());
        for (const l of state.lines) {
          expect(remainingNet(state, l).toString()).toBe('0.00');
          expect(remainingVat(state, l).toString()).toBe('0.00');
        }
      }),
      { numRuns: 300 },
    );
  });
});
