import fc from 'fast-check';
import { daysInclusive, type Day } from '../shared/day.js';
import { Dec } from '../shared/money.js';
import { DomainError } from '../shared/errors.js';
import { fiscalYearBounds, fiscalYearOf, type FiscalYearStart } from '../shared/fiscal-year.js';
import {
  allocateInvoicePayments,
  type AllocationEntry,
  type AllocationInput,
} from './allocation.js';

const workedLine = {
  id: 'L1',
  net: '100.00',
  vatRate: '20',
  serviceStart: '2025-09-15',
  serviceEnd: '2026-09-14',
};

/** Sums entries per line: VAT and net per fiscal year, as cent strings. */
function totalsByLine(entries: readonly AllocationEntry[]) {
  const out = new Map<
    string,
    { vat: InstanceType<typeof Dec>; years: Map<number, InstanceType<typeof Dec>> }
  >();
  for (const e of entries) {
    const t = out.get(e.lineId) ?? { vat: new Dec(0), years: new Map() };
    t.vat = t.vat.plus(e.vat);
    for (const y of e.years)
      t.years.set(y.fiscalYear, (t.years.get(y.fiscalYear) ?? new Dec(0)).plus(y.net));
    out.set(e.lineId, t);
  }
  return new Map(
    [...out].map(([id, t]) => [
      id,
      {
        vat: t.vat.toFixed(2),
        years: Object.fromEntries(
          [...t.years].filter(([, v]) => !v.isZero()).map(([y, v]) => [y, v.toFixed(2)]),
        ),
      },
    ]),
  );
}

describe('allocateInvoicePayments — worked examples of docs/accounting.md §2', () => {
  it('paid in full on 2026-02-03: 29.59 N-1, 70.41 N, VAT 20.00', () => {
    expect(
      allocateInvoicePayments({
        lines: [workedLine],
        payments: [{ id: 'P1', date: '2026-02-03', amount: '120.00' }],
      }),
    ).toEqual([
      {
        paymentId: 'P1',
        lineId: 'L1',
        vat: '20.00',
        years: [
          { fiscalYear: 2025, bucket: 'N-1', net: '29.59' },
          { fiscalYear: 2026, bucket: 'N', net: '70.41' },
        ],
      },
    ]);
  });

  it('paid 50.00 then 70.00: each payment gets the difference of cumulative figures', () => {
    expect(
      allocateInvoicePayments({
        lines: [workedLine],
        payments: [
          { id: 'P1', date: '2026-02-03', amount: '50.00' },
          { id: 'P2', date: '2026-03-10', amount: '70.00' },
        ],
      }),
    ).toEqual([
      {
        paymentId: 'P1',
        lineId: 'L1',
        vat: '8.33',
        years: [
          { fiscalYear: 2025, bucket: 'N-1', net: '12.33' },
          { fiscalYear: 2026, bucket: 'N', net: '29.34' },
        ],
      },
      {
        paymentId: 'P2',
        lineId: 'L1',
        vat: '11.67',
        years: [
          { fiscalYear: 2025, bucket: 'N-1', net: '17.26' },
          { fiscalYear: 2026, bucket: 'N', net: '41.07' },
        ],
      },
    ]);
  });

  it('paid in full on 2025-09-20: 29.59 is N, 70.41 is N+1', () => {
    const [entry] = allocateInvoicePayments({
      lines: [workedLine],
      payments: [{ id: 'P1', date: '2025-09-20', amount: '120.00' }],
    });
    expect(entry?.years).toEqual([
      { fiscalYear: 2025, bucket: 'N', net: '29.59' },
      { fiscalYear: 2026, bucket: 'N+1', net: '70.41' },
    ]);
  });

  it('names fiscal years by their last day when the year starts on 10-01', () => {
    const [entry] = allocateInvoicePayments({
      fiscalYearStart: '10-01',
      lines: [workedLine],
      payments: [{ id: 'P1', date: '2025-10-02', amount: '120.00' }],
    });
    // 2025-09-15..2025-09-30 = 16 days in FY 2025; the other 349 in FY 2026 (the payment's).
    expect(entry?.years).toEqual([
      { fiscalYear: 2025, bucket: 'N-1', net: '4.38' },
      { fiscalYear: 2026, bucket: 'N', net: '95.62' },
    ]);
  });

  it('counts 29 February in a leap year', () => {
    const [entry] = allocateInvoicePayments({
      lines: [
        {
          id: 'L',
          net: '366.00',
          vatRate: '0',
          serviceStart: '2024-01-01',
          serviceEnd: '2024-12-31',
        },
      ],
      payments: [{ id: 'P', date: '2024-01-01', amount: '366.00' }],
    });
    expect(entry).toEqual({
      paymentId: 'P',
      lineId: 'L',
      vat: '0.00',
      years: [{ fiscalYear: 2024, bucket: 'N', net: '366.00' }],
    });
  });

  it('reverses a bounced cheque with negative figures dated on the reversal', () => {
    const entries = allocateInvoicePayments({
      lines: [workedLine],
      payments: [
        { id: 'P1', date: '2026-02-03', amount: '120.00' },
        { id: 'P1-bounced', date: '2027-01-05', amount: '-120.00' },
      ],
    });
    expect(entries[1]).toEqual({
      paymentId: 'P1-bounced',
      lineId: 'L1',
      vat: '-20.00',
      years: [
        { fiscalYear: 2025, bucket: 'N-1', net: '-29.59' },
        { fiscalYear: 2026, bucket: 'N-1', net: '-70.41' },
      ],
    });
  });

  it('gives an entry for every payment × line, even an empty one, in input order', () => {
    const entries = allocateInvoicePayments({
      lines: [
        {
          id: 'A',
          net: '0.00',
          vatRate: '20',
          serviceStart: '2026-01-01',
          serviceEnd: '2026-01-01',
        },
        {
          id: 'B',
          net: '10.00',
          vatRate: '20',
          serviceStart: '2026-01-01',
          serviceEnd: '2026-12-31',
        },
      ],
      payments: [
        { id: 'P', date: '2026-02-01', amount: '6.00' },
        { id: 'Q', date: '2026-03-01', amount: '6.00' },
      ],
    });
    expect(entries.map((e) => `${e.paymentId}/${e.lineId}`)).toEqual(['P/A', 'P/B', 'Q/A', 'Q/B']);
    expect(entries[0]).toEqual({ paymentId: 'P', lineId: 'A', vat: '0.00', years: [] });
  });

  it('handles a discount line (negative net) within a positive invoice', () => {
    const entries = allocateInvoicePayments({
      lines: [
        {
          id: 'plaque',
          net: '100.00',
          vatRate: '20',
          serviceStart: '2026-09-12',
          serviceEnd: '2027-09-11',
        },
        {
          id: 'remise',
          net: '-10.00',
          vatRate: '20',
          serviceStart: '2026-09-12',
          serviceEnd: '2027-09-11',
        },
      ],
      payments: [{ id: 'P', date: '2026-10-02', amount: '108.00' }],
    });
    expect(entries.map((e) => e.vat)).toEqual(['20.00', '-2.00']);
    expect(totalsByLine(entries).get('remise')?.years).toEqual({ 2026: '-3.04', 2027: '-6.96' });
  });
});

describe('allocateInvoicePayments — bad input gets a clear error', () => {
  const base: AllocationInput = {
    lines: [workedLine],
    payments: [{ id: 'P', date: '2026-01-01', amount: '10.00' }],
  };
  const cases: [string, AllocationInput, RegExp, string][] = [
    [
      'unreadable amount',
      { ...base, payments: [{ id: 'P', date: '2026-01-01', amount: '10,00' }] },
      /montant illisible/,
      'payments[0].amount',
    ],
    [
      'three decimals',
      { ...base, payments: [{ id: 'P', date: '2026-01-01', amount: '1.001' }] },
      /montant illisible/,
      'payments[0].amount',
    ],
    [
      'unreadable date',
      { ...base, payments: [{ id: 'P', date: '2026-02-30', amount: '1.00' }] },
      /date illisible/,
      'payments[0].date',
    ],
    [
      'zero date',
      { ...base, payments: [{ id: 'P', date: '0000-00-00', amount: '1.00' }] },
      /date illisible/,
      'payments[0].date',
    ],
    [
      'end before start',
      { ...base, lines: [{ ...workedLine, serviceEnd: '2025-09-14' }] },
      /précède son début/,
      'lines[0].serviceEnd',
    ],
    [
      'duplicate line ids',
      { ...base, lines: [workedLine, workedLine] },
      /en double/,
      'lines[1].id',
    ],
    [
      'duplicate payment ids',
      {
        ...base,
        payments: [
          { id: 'P', date: '2026-01-01', amount: '1.00' },
          { id: 'P', date: '2026-01-02', amount: '1.00' },
        ],
      },
      /en double/,
      'payments[1].id',
    ],
    [
      'overpayment',
      { ...base, payments: [{ id: 'P', date: '2026-01-01', amount: '120.01' }] },
      /dépasserait/,
      'payments[0].amount',
    ],
    [
      'below zero',
      {
        ...base,
        payments: [
          { id: 'P', date: '2026-01-01', amount: '10.00' },
          { id: 'R', date: '2026-01-02', amount: '-10.01' },
        ],
      },
      /négatif/,
      'payments[1].amount',
    ],
    ['bad fiscal year start', { ...base, fiscalYearStart: '02-29' }, /exercice/, 'fiscalYearStart'],
    [
      'unreadable VAT rate',
      { ...base, lines: [{ ...workedLine, vatRate: 'vingt' }] },
      /taux de TVA/,
      'lines[0].vatRate',
    ],
  ];
  it.each(cases)('%s', (_name, input, message, field) => {
    try {
      allocateInvoicePayments(input);
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).message).toMatch(message);
      expect((error as DomainError).field).toBe(field);
    }
  });
});

// ---- properties -------------------------------------------------------------------------

const cents = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => new Dec(n).dividedBy(100).toFixed(2));
const dayArb = fc
  .integer({ min: 0, max: 365 * 12 })
  .map((n) => new Date(Date.UTC(2018, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const rateArb = fc.constantFrom('0', '2.1', '5.5', '10', '19.6', '20');
const lineArb = fc
  .record({
    net: cents(-5_000, 200_000),
    vatRate: rateArb,
    start: dayArb,
    length: fc.integer({ min: 0, max: 900 }),
  })
  .map(({ net, vatRate, start, length }) => ({
    net,
    vatRate,
    serviceStart: start,
    serviceEnd: new Date(Date.parse(start) + length * 86_400_000).toISOString().slice(0, 10),
  }));
const fyStartArb = fc.constantFrom('01-01', '10-01', '07-01', '04-06');

/** An invoice with a positive total and a random split of it into payments (some reversed). */
const scenarioArb = fc
  .record({
    fiscalYearStart: fyStartArb,
    lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
    reversals: fc.array(fc.boolean(), { maxLength: 6 }),
    dates: fc.array(dayArb, { minLength: 8, maxLength: 8 }),
  })
  .map(({ fiscalYearStart, lines, cuts, reversals, dates }) => {
    const withIds = lines.map((l, i) => ({ id: `L${i}`, ...l }));
    return {
      fiscalYearStart,
      lines: withIds,
      total: invoiceTotal(withIds),
      cuts,
      reversals,
      dates,
    };
  })
  .filter((s) => s.total.greaterThan(0));

/** Nets plus, per rate, round(base × rate): computed here apart from the code under test. */
function invoiceTotal(lines: { net: string; vatRate: string }[]) {
  const bases = new Map<string, InstanceType<typeof Dec>>();
  for (const l of lines) {
    const rate = new Dec(l.vatRate).toString();
    bases.set(rate, (bases.get(rate) ?? new Dec(0)).plus(l.net));
  }
  return [...bases].reduce(
    (s, [rate, base]) =>
      s.plus(base).plus(base.times(rate).dividedBy(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP)),
    new Dec(0),
  );
}

/** Payments that take the cumulative paid from 0 to the total through the cut points, with optional full reversals. */
function paymentsOf(s: {
  total: InstanceType<typeof Dec>;
  cuts: number[];
  reversals: boolean[];
  dates: string[];
}) {
  const points = [
    ...s.cuts.map((c) => s.total.times(c).toDecimalPlaces(2, Dec.ROUND_DOWN)),
    s.total,
  ].sort((a, b) => a.comparedTo(b));
  const payments: { id: string; date: string; amount: string }[] = [];
  let paid = new Dec(0);
  points.forEach((p, i) => {
    const amount = p.minus(paid);
    const date = s.dates[i % s.dates.length]!;
    payments.push({ id: `P${i}`, date, amount: amount.toFixed(2) });
    if (s.reversals[i] && !amount.isZero()) {
      payments.push({ id: `R${i}`, date, amount: amount.negated().toFixed(2) });
      payments.push({ id: `P${i}bis`, date, amount: amount.toFixed(2) });
    }
    paid = p;
  });
  return payments;
}

describe('allocateInvoicePayments — invariants', () => {
  it('once fully paid, every line, VAT and fiscal-year share equals the whole-invoice figure', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const whole = allocateInvoicePayments({
          fiscalYearStart: s.fiscalYearStart,
          lines: s.lines,
          payments: [{ id: 'all', date: s.dates[0]!, amount: s.total.toFixed(2) }],
        });
        const split = allocateInvoicePayments({
          fiscalYearStart: s.fiscalYearStart,
          lines: s.lines,
          payments: paymentsOf(s),
        });
        expect(totalsByLine(split)).toEqual(totalsByLine(whole));
      }),
      { numRuns: 300 },
    );
  });

  it('no cent created or lost: each payment splits into exactly its amount, in cents', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const payments = paymentsOf(s);
        const entries = allocateInvoicePayments({
          fiscalYearStart: s.fiscalYearStart,
          lines: s.lines,
          payments,
        });
        expect(entries).toHaveLength(payments.length * s.lines.length);
        for (const p of payments) {
          const mine = entries.filter((e) => e.paymentId === p.id);
          const sum = mine.reduce(
            (acc, e) => e.years.reduce((a, y) => a.plus(y.net), acc.plus(e.vat)),
            new Dec(0),
          );
          expect(sum.toFixed(2)).toBe(new Dec(p.amount).toFixed(2));
          for (const e of mine) {
            expect(e.vat).toMatch(/^-?\d+\.\d{2}$/);
            for (const y of e.years) expect(y.net).toMatch(/^-?\d+\.\d{2}$/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('years are chronological, non-zero, inside the service period, and bucketed against the payment date', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const payments = paymentsOf(s);
        const entries = allocateInvoicePayments({
          fiscalYearStart: s.fiscalYearStart,
          lines: s.lines,
          payments,
        });
        for (const e of entries) {
          const years = e.years.map((y) => y.fiscalYear);
          expect([...years].sort((a, b) => a - b)).toEqual(years);
          expect(new Set(years).size).toBe(years.length);
          for (const y of e.years) {
            expect(y.net).not.toMatch(/^-?0\.00$/);
            const payment = payments.find((p) => p.id === e.paymentId)!;
            const paymentFy = fiscalYearOf(payment.date, s.fiscalYearStart);
            const expected =
              y.fiscalYear < paymentFy ? 'N-1' : y.fiscalYear === paymentFy ? 'N' : 'N+1';
            expect(y.bucket).toBe(expected);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any payment sequence that overpays, and changes nothing for a valid prefix', () => {
    fc.assert(
      fc.property(scenarioArb, cents(1, 10_000), (s, extra) => {
        const payments = [...paymentsOf(s), { id: 'extra', date: s.dates[0]!, amount: extra }];
        expect(() =>
          allocateInvoicePayments({ fiscalYearStart: s.fiscalYearStart, lines: s.lines, payments }),
        ).toThrow(/dépasserait/);
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * The allocation as decimal.js computed it before the figures moved to integer cents: each
 * rounding of a decimal quotient (50 digits), half away from zero. An oracle, apart from the
 * code under test, for the property below.
 */
function decimalAllocation(input: AllocationInput & { fiscalYearStart: string }) {
  const fy = input.fiscalYearStart as FiscalYearStart;
  const round = (d: InstanceType<typeof Dec>) => d.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  const cumulativeByRate = new Map<
    string,
    { net: InstanceType<typeof Dec>; vat: InstanceType<typeof Dec> }
  >();
  let cumulative = new Dec(0);
  const lines = input.lines.map((l) => {
    const rate = new Dec(l.vatRate).toString();
    const was = cumulativeByRate.get(rate) ?? { net: new Dec(0), vat: new Dec(0) };
    const net = was.net.plus(l.net);
    const ruled = round(net.times(rate).dividedBy(100));
    cumulativeByRate.set(rate, { net, vat: ruled });
    const vat = l.vat === undefined ? ruled.minus(was.vat) : new Dec(l.vat);
    const total = new Dec(l.net).plus(vat);
    const cumulativeBefore = cumulative;
    cumulative = cumulative.plus(total);
    const years: { fiscalYear: number; daysUpTo: number }[] = [];
    let daysUpTo = 0;
    const start = l.serviceStart as Day;
    const end = l.serviceEnd as Day;
    for (let y = fiscalYearOf(start, fy); y <= fiscalYearOf(end, fy); y++) {
      const b = fiscalYearBounds(y, fy);
      daysUpTo += daysInclusive(start > b.first ? start : b.first, end < b.last ? end : b.last);
      years.push({ fiscalYear: y, daysUpTo });
    }
    return { id: l.id, vat, total, cumulativeBefore, cumulative, years, days: daysUpTo };
  });
  const figures = (c: InstanceType<typeof Dec>) =>
    lines.map((line) => {
      if (cumulative.isZero() || line.total.isZero())
        return { vat: new Dec(0), nets: line.years.map(() => new Dec(0)) };
      const paid = round(c.times(line.cumulative).dividedBy(cumulative)).minus(
        round(c.times(line.cumulativeBefore).dividedBy(cumulative)),
      );
      const vat = round(line.vat.times(paid).dividedBy(line.total));
      let before = new Dec(0);
      const nets = line.years.map((y) => {
        const upTo = round(paid.minus(vat).times(y.daysUpTo).dividedBy(line.days));
        const share = upTo.minus(before);
        before = upTo;
        return share;
      });
      return { vat, nets };
    });
  let paid = new Dec(0);
  let before = figures(paid);
  const entries = input.payments.flatMap((p) => {
    paid = paid.plus(p.amount);
    const after = figures(paid);
    const paymentFy = fiscalYearOf(p.date as Day, fy);
    const entries = lines.map((line, i) => ({
      paymentId: p.id,
      lineId: line.id,
      vat: round(after[i]!.vat.minus(before[i]!.vat)).toFixed(2),
      years: line.years
        .map((y, k) => ({ y, net: after[i]!.nets[k]!.minus(before[i]!.nets[k]!) }))
        .filter(({ net }) => !net.isZero())
        .map(({ y, net }) => ({
          fiscalYear: y.fiscalYear,
          bucket: y.fiscalYear < paymentFy ? 'N-1' : y.fiscalYear === paymentFy ? 'N' : 'N+1',
          net: round(net).toFixed(2),
        })),
    }));
    before = after;
    return entries;
  });
  return { total: cumulative, entries };
}

describe('allocateInvoicePayments — integer cents', () => {
  it('gives, to the cent, the figures decimal.js gave (rule VAT, given VAT, any sign)', () => {
    const givenVat = fc.option(cents(-3_000, 40_000), { nil: undefined });
    fc.assert(
      fc.property(scenarioArb, fc.array(givenVat, { minLength: 5, maxLength: 5 }), (s, vats) => {
        const lines = s.lines.map((l, i) => (vats[i] === undefined ? l : { ...l, vat: vats[i] }));
        const input = { fiscalYearStart: s.fiscalYearStart, lines };
        // Paid up to this invoice's own total (a given VAT changes it; it may be negative).
        const total = decimalAllocation({ ...input, payments: [] }).total;
        const payments = paymentsOf({ ...s, total });
        expect(allocateInvoicePayments({ ...input, payments })).toEqual(
          decimalAllocation({ ...input, payments }).entries,
        );
      }),
      { numRuns: 300 },
    );
  });
});
