import fc from 'fast-check';
import type { Product } from '../catalogue/catalogue.js';
import { vatRateOn, type VatScheduleEntry } from '../catalogue/vat-schedule.js';
import { addDays, daysInclusive } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Dec, Money } from '../shared/money.js';
import {
  addYears,
  anniversaryKey,
  parseBillingWindow,
  planAnniversaryInvoice,
  trialSkipReason,
  yearEnd,
  type BillableHosting,
  type HostingOption,
  type PlanContext,
} from './anniversary.js';
import { lineVat, validateIssueInvoice } from './invoice.js';

const schedule: VatScheduleEntry[] = [
  { category: 'standard', rate: '19.6', effectiveFrom: '2000-04-01' },
  { category: 'standard', rate: '20', effectiveFrom: '2014-01-01' },
];

const product = (
  productId: string,
  code: string,
  type: Product['type'],
  label: string,
  priceNet: string,
  periodicity: Product['periodicity'] = 'year',
): Product => ({
  productId,
  code,
  type,
  label,
  priceNet,
  periodicity,
  unit: '',
  unitQuantity: 0,
  quotas: { diskMb: 0, mysqlDatabases: 0, mailboxes: 0 },
  active: true,
  vatCategory: type === 'part_sociale' ? 'exempt' : 'standard',
  glouxVatRate: type === 'part_sociale' ? '0' : '19.6',
});

/** Gloux's sample catalogue, plus a monthly option. */
const products = new Map(
  [
    product('1', 'PLAQUE', 'plaque', 'Plaque de base', '20.07'),
    product('2', 'DISQUE100', 'option', 'Espace disque supplémentaire (100 Mo)', '5.02'),
    product('3', 'MYSQL1', 'option', 'Base MySQL supplémentaire', '5.02'),
    product('4', 'PART', 'part_sociale', 'Part sociale', '16.00', 'once'),
    product('5', 'MAILPLUS', 'option', 'Boîtes mail supplémentaires', '0.50', 'month'),
  ].map((p) => [p.productId, p]),
);

const ctx = (issuedOn: string): PlanContext => ({
  products,
  issuedOn,
  vatRateOn: (category, day) => vatRateOn(schedule, category, day),
});

/** annelef as Gloux's sample data has it on 2009-03-05. */
const annelef: BillableHosting = {
  hostingId: '1',
  customerId: '1',
  name: 'annelef',
  anniversary: '2009-03-02',
  state: 'actif',
  customerState: 'actif',
  plaqueProductId: '1',
  discountPct: '0',
  options: [
    { optionId: '1', productId: '2', quantity: 1, startsOn: '2006-10-01', endsOn: null },
    { optionId: '2', productId: '3', quantity: 1, startsOn: '2008-11-20', endsOn: null },
  ],
  pendingLines: [
    {
      legacyLineId: '5',
      productId: '3',
      kind: 'prorata',
      label: 'Base MySQL supplémentaire (prorata 102/365 j)',
      quantity: '0.2795',
      unitNet: '5.02',
      net: '1.40',
      serviceStart: '2008-11-20',
      serviceEnd: '2009-03-01',
    },
  ],
  proratedOptions: new Set(['3@2008-11-20']),
};

const totals = (plan: ReturnType<typeof planAnniversaryInvoice>) => {
  const v = validateIssueInvoice(
    { customerId: plan.customerId, issuedOn: plan.issuedOn, lines: [...plan.lines] },
    { lineId: (i) => `L${i}` },
  );
  return { net: v.totalNet.toString(), vat: v.totalVat.toString(), total: v.total.toString() };
};

describe('anniversary invoice plan', () => {
  it('bills annelef’s coming year: plaque, current options, and Gloux’s pending pro-rata line once', () => {
    const plan = planAnniversaryInvoice(annelef, ctx('2009-03-05'));
    expect(plan.idempotencyKey).toBe('anniversary-1-2009-03-02');
    expect(plan.nextAnniversary).toBe('2010-03-02');
    expect(
      plan.lines.map((l) => [l.kind, l.label, l.net, l.vatRate, l.serviceStart, l.serviceEnd]),
    ).toEqual([
      ['subscription', 'Plaque de base', '20.07', '19.6', '2009-03-02', '2010-03-01'],
      [
        'option',
        'Espace disque supplémentaire (100 Mo)',
        '5.02',
        '19.6',
        '2009-03-02',
        '2010-03-01',
      ],
      ['option', 'Base MySQL supplémentaire', '5.02', '19.6', '2009-03-02', '2010-03-01'],
      [
        'prorata',
        'Base MySQL supplémentaire (prorata 102/365 j)',
        '1.40',
        '19.6',
        '2008-11-20',
        '2009-03-01',
      ],
    ]);
    expect(plan.lines[3]?.legacyLineId).toBe('5');
    // 31.51 HT, all at 19.6 %: VAT on the base, round(31.51 × 0.196) = 6.18 (line by line,
    // 3.93 + 0.98 + 0.98 + 0.27 would give 6.16).
    expect(totals(plan)).toEqual({ net: '31.51', vat: '6.18', total: '37.69' });
  });

  it('writes the pro-rata line Gloux would have written when none exists yet', () => {
    const plan = planAnniversaryInvoice(
      { ...annelef, pendingLines: [], proratedOptions: new Set() },
      ctx('2009-03-05'),
    );
    const prorata = plan.lines.filter((l) => l.kind === 'prorata');
    expect(prorata).toEqual([
      expect.objectContaining({
        label: 'Base MySQL supplémentaire (prorata 102/365 j)',
        quantity: '0.2795',
        unitNet: '5.02',
        net: '1.40',
        productId: '3',
        hostingId: '1',
        serviceStart: '2008-11-20',
        serviceEnd: '2009-03-01',
      }),
    ]);
  });

  it('takes the rate of the invoice date from the schedule (20 % in 2026)', () => {
    const plan = planAnniversaryInvoice(annelef, ctx('2026-11-25'));
    expect(new Set(plan.lines.map((l) => l.vatRate))).toEqual(new Set(['20']));
    expect(() => planAnniversaryInvoice(annelef, ctx('1999-01-01'))).toThrow(/Aucun taux de TVA/);
  });

  it('counts leap years: 366-day years, 29 February anniversaries', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2023-03-01', 1)).toBe('2024-03-01');
    expect(addYears('2028-02-29', -4)).toBe('2024-02-29');
    expect(yearEnd('2024-02-29')).toBe('2025-02-27');
    expect(yearEnd('2023-03-01')).toBe('2024-02-29');
    const hosting: BillableHosting = {
      ...annelef,
      anniversary: '2024-03-01',
      pendingLines: [],
      proratedOptions: new Set(),
      options: [
        { optionId: '9', productId: '3', quantity: 1, startsOn: '2024-02-01', endsOn: null },
      ],
    };
    const plan = planAnniversaryInvoice(hosting, ctx('2024-03-01'));
    expect(plan.periodEnd).toBe('2025-02-28');
    const prorata = plan.lines.find((l) => l.kind === 'prorata');
    // 2023-03-01 → 2024-02-29 holds 366 days; February 2024 has 29.
    expect(prorata?.label).toBe('Base MySQL supplémentaire (prorata 29/366 j)');
    expect(prorata?.net).toBe('0.40'); // 5.02 × 29 / 366 = 0.3977…
    const leapDay = planAnniversaryInvoice(
      { ...hosting, anniversary: '2024-02-29', options: [] },
      ctx('2024-02-29'),
    );
    expect([leapDay.periodEnd, leapDay.nextAnniversary]).toEqual(['2025-02-27', '2025-02-28']);
  });

  it('applies a reseller discount on the subtotal, as Gloux’s invoice F2008-001544 (rounded)', () => {
    const lesamis: BillableHosting = {
      ...annelef,
      hostingId: '2',
      customerId: '2',
      name: 'lesamis',
      anniversary: '2008-09-12',
      state: 'suspendu',
      discountPct: '10',
      options: [],
      pendingLines: [],
      proratedOptions: new Set(),
    };
    const plan = planAnniversaryInvoice(lesamis, ctx('2008-09-15'));
    expect(plan.lines.map((l) => [l.kind, l.label, l.net, l.serviceStart, l.serviceEnd])).toEqual([
      ['subscription', 'Plaque de base', '20.07', '2008-09-12', '2009-09-11'],
      ['discount', 'Remise revendeur 10 %', '-2.01', '2008-09-12', '2009-09-11'],
    ]);
    // Gloux: 18.06 HT, 3.54 VAT, 21.60 TTC.
    expect(totals(plan)).toEqual({ net: '18.06', vat: '3.54', total: '21.60' });
    const odd = planAnniversaryInvoice({ ...lesamis, discountPct: '7.5' }, ctx('2008-09-15'));
    expect(odd.lines[1]).toMatchObject({ label: 'Remise revendeur 7,5 %', net: '-1.51' });
    expect(() =>
      planAnniversaryInvoice({ ...lesamis, discountPct: '120' }, ctx('2008-09-15')),
    ).toThrow(DomainError);
  });

  it('bills options by their dates: ended ones not, future ones not, quantities and months', () => {
    const opt = (
      id: string,
      productId: string,
      startsOn: string | null,
      endsOn: string | null,
      quantity = 1,
    ) => ({ optionId: id, productId, quantity, startsOn, endsOn }) satisfies HostingOption;
    const plan = planAnniversaryInvoice(
      {
        ...annelef,
        pendingLines: [],
        proratedOptions: new Set(),
        options: [
          opt('1', '2', null, '2009-03-02'), // stops on the anniversary: not billed
          opt('2', '2', '2005-01-01', '2009-03-03', 2), // still running on the anniversary
          opt('3', '3', '2009-03-03', null), // starts after the anniversary: next year
          opt('4', '5', '2001-01-01', null, 3), // monthly: 0.50 × 12 × 3
          opt('5', '3', '2008-12-01', '2009-01-01'), // added and stopped in the year: stub only
          opt('6', '3', '2006-01-01', null, 0), // quantity 0: nothing
        ],
      },
      ctx('2009-03-05'),
    );
    expect(
      plan.lines.map((l) => [l.kind, l.label, l.quantity, l.net, l.serviceStart, l.serviceEnd]),
    ).toEqual([
      ['subscription', 'Plaque de base', '1', '20.07', '2009-03-02', '2010-03-01'],
      ['option', 'Espace disque supplémentaire (100 Mo)', '2', '10.04', '2009-03-02', '2010-03-01'],
      ['option', 'Boîtes mail supplémentaires', '3', '18.00', '2009-03-02', '2010-03-01'],
      [
        'prorata',
        'Base MySQL supplémentaire (prorata 31/365 j)',
        '0.0849',
        '0.43',
        '2008-12-01',
        '2008-12-31',
      ],
    ]);
  });

  it('never invoices a share; leaves a share’s pending line pending; refuses what it cannot price', () => {
    const withShare = planAnniversaryInvoice(
      {
        ...annelef,
        options: [{ optionId: '7', productId: '4', quantity: 1, startsOn: null, endsOn: null }],
        pendingLines: [{ ...annelef.pendingLines[0]!, legacyLineId: '8', productId: '4' }],
      },
      ctx('2009-03-05'),
    );
    expect(withShare.lines.map((l) => l.productId)).toEqual(['1']);
    expect(withShare.notes).toHaveLength(2);
    const error = (h: Partial<BillableHosting>) => {
      try {
        planAnniversaryInvoice({ ...annelef, ...h }, ctx('2009-03-05'));
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return (e as DomainError).code;
      }
      throw new Error('expected a DomainError');
    };
    expect(error({ plaqueProductId: '99' })).toBe('unknown_product');
    expect(error({ plaqueProductId: '4' })).toBe('unknown_product');
    expect(
      error({
        options: [{ optionId: '1', productId: '42', quantity: 1, startsOn: null, endsOn: null }],
      }),
    ).toBe('unknown_product');
    expect(error({ customerState: 'ferme' })).toBe('customer_closed');
  });

  it('keys one invoice per account and year', () => {
    expect(anniversaryKey('17', '2026-03-02')).toBe('anniversary-17-2026-03-02');
  });
});

describe('billing window', () => {
  it('accepts up to 366 days and says what is wrong otherwise', () => {
    expect(parseBillingWindow('2026-01-01', '2026-12-31')).toEqual({
      from: '2026-01-01',
      to: '2026-12-31',
    });
    expect(parseBillingWindow('2024-01-01', '2024-12-31')).toEqual({
      from: '2024-01-01',
      to: '2024-12-31',
    });
    const field = (from: unknown, to: unknown) => {
      try {
        parseBillingWindow(from, to);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return [(e as DomainError).field, (e as DomainError).message];
      }
      throw new Error('expected a DomainError');
    };
    expect(field('2026-13-01', '2026-12-31')[0]).toBe('from');
    expect(field('2026-01-01', '')[0]).toBe('to');
    expect(field('2026-02-01', '2026-01-31')).toEqual([
      'to',
      'La fin de la période précède son début.',
    ]);
    expect(field('2026-01-01', '2027-01-02')[1]).toMatch(/367 jours : 366 au plus/);
  });
});

describe('anniversary invoice properties', () => {
  const day = (from: string, span: number) =>
    fc.integer({ min: 0, max: span }).map((n) => addDays(from, n));
  const hostingArb = fc
    .record({
      anniversary: day('2001-01-01', 365 * 30),
      discount: fc.oneof(
        fc.constant('0'),
        fc.integer({ min: 1, max: 10000 }).map((n) => new Dec(n).dividedBy(100).toString()),
      ),
      options: fc.array(
        fc.record({
          productId: fc.constantFrom('2', '3', '4', '5'),
          quantity: fc.integer({ min: 0, max: 5 }),
          startOffset: fc.option(fc.integer({ min: -800, max: 30 }), { nil: null }),
          endOffset: fc.option(fc.integer({ min: -400, max: 400 }), { nil: null }),
        }),
        { maxLength: 6 },
      ),
    })
    .map(({ anniversary, discount, options }): BillableHosting => ({
      ...annelef,
      anniversary,
      discountPct: discount,
      pendingLines: [],
      proratedOptions: new Set(),
      options: options.map((o, i) => ({
        optionId: String(i + 1),
        productId: o.productId,
        quantity: o.quantity,
        startsOn: o.startOffset === null ? null : addDays(anniversary, o.startOffset),
        endsOn: o.endOffset === null ? null : addDays(anniversary, o.endOffset),
      })),
    }));

  it('is a valid invoice whose totals are the sums of its lines, never negative', () => {
    fc.assert(
      fc.property(hostingArb, (h) => {
        const plan = planAnniversaryInvoice(h, ctx(h.anniversary));
        const v = validateIssueInvoice(
          { customerId: h.customerId, issuedOn: plan.issuedOn, lines: [...plan.lines] },
          { lineId: (i) => `L${i}` },
        );
        const sumNet = Money.sum(v.lines.map((l) => Money.of(l.net)));
        const sumVat = Money.sum(v.lines.map((l) => Money.of(l.vat)));
        expect(v.totalNet.equals(sumNet)).toBe(true);
        expect(v.total.equals(sumNet.plus(sumVat))).toBe(true);
        expect(v.total.isNegative()).toBe(false);
        for (const l of plan.lines) expect(l.serviceStart <= l.serviceEnd).toBe(true);
      }),
    );
  });

  it('bills a stub pro rata: never more than the full year, days within the year that ends', () => {
    fc.assert(
      fc.property(hostingArb, (h) => {
        const plan = planAnniversaryInvoice(h, ctx(h.anniversary));
        const previous = addYears(h.anniversary, -1);
        const yearDays = daysInclusive(previous, addDays(h.anniversary, -1));
        for (const l of plan.lines.filter((x) => x.kind === 'prorata')) {
          const option = h.options.find(
            (o) => o.productId === l.productId && o.startsOn === l.serviceStart,
          )!;
          const full = Money.round(new Dec(l.unitNet!).times(option.quantity));
          expect(Money.of(l.net).compare(full)).toBeLessThanOrEqual(0);
          expect(l.serviceStart > previous && l.serviceEnd < h.anniversary).toBe(true);
          expect(daysInclusive(l.serviceStart, l.serviceEnd)).toBeLessThanOrEqual(yearDays);
          expect(new Dec(l.quantity!).lessThanOrEqualTo(option.quantity)).toBe(true);
        }
      }),
    );
  });

  it('discounts exactly round(subtotal × pct / 100), or just enough less to keep the total ≥ 0', () => {
    const ttcOf = (lines: readonly { net?: string; vatRate?: string }[]) =>
      Money.sum(
        lines.map((l) => Money.of(l.net).plus(lineVat(Money.of(l.net), String(l.vatRate)))),
      );
    fc.assert(
      fc.property(hostingArb, (h) => {
        const plan = planAnniversaryInvoice(h, ctx(h.anniversary));
        const discount = plan.lines.filter((l) => l.kind === 'discount');
        const others = plan.lines.filter((l) => l.kind !== 'discount');
        const subtotal = Money.sum(others.map((l) => Money.of(l.net)));
        const expected = Money.round(subtotal.times(h.discountPct).dividedBy(100)).negate();
        const given = Money.sum(discount.map((l) => Money.of(l.net)));
        expect(discount.length).toBeLessThanOrEqual(1);
        if (given.equals(expected)) return;
        // Capped: the total is still ≥ 0, and one more cent of discount would make it negative.
        expect(given.compare(expected)).toBeGreaterThan(0);
        expect(ttcOf(plan.lines).isNegative()).toBe(false);
        const oneMore = { ...discount[0]!, net: given.minus(Money.of('0.01')).toString() };
        expect(ttcOf([...others, oneMore]).isNegative()).toBe(true);
      }),
    );
  });

  it('caps a discount near 100 % so the invoice is never negative (per-line VAT rounding)', () => {
    // Found by the property above: 35.13 net, VAT 4.01 + 3.01 = 7.02, discount −35.13 whose own
    // VAT (−7.03) would take the total to −0.01; the discount stops at −35.12 (total 0.01).
    const plan = planAnniversaryInvoice(
      {
        ...annelef,
        anniversary: '2001-01-01',
        discountPct: '99.99',
        options: [{ optionId: '1', productId: '2', quantity: 3, startsOn: null, endsOn: null }],
        pendingLines: [],
        proratedOptions: new Set(),
      },
      ctx('2001-01-01'),
    );
    expect(plan.lines.map((l) => [l.kind, l.net])).toEqual([
      ['subscription', '20.07'],
      ['option', '15.06'],
      ['discount', '-35.12'],
    ]);
  });
});

describe('trialSkipReason — a trial account is billed when it converts or its trial ends', () => {
  it('worked examples: trial until 30/12/2026, run on 07/12/2026 and after', () => {
    const trial = { trialEndsOn: '2026-12-30', convertedOn: null };
    expect(trialSkipReason(trial, '2026-12-07')).toBe(
      'en période d’essai jusqu’au 30/12/2026 : facturé à sa conversion ou à la fin de l’essai',
    );
    expect(trialSkipReason(trial, '2026-12-30')).not.toBeNull();
    expect(trialSkipReason(trial, '2026-12-31')).toBeNull();
    expect(trialSkipReason({ ...trial, convertedOn: '2026-12-10' }, '2026-12-07')).toBeNull();
    expect(trialSkipReason(undefined, '2026-12-07')).toBeNull();
    expect(trialSkipReason({ trialEndsOn: null, convertedOn: null }, '2026-12-07')).toBeNull();
  });

  it('property: skipped exactly while the trial runs and the account has not converted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -400, max: 400 }),
        fc.option(fc.integer({ min: -400, max: 400 })),
        (endOffset, converted) => {
          const run = '2026-12-07';
          const trial = {
            trialEndsOn: addDays(run, endOffset),
            convertedOn: converted === null ? null : addDays(run, converted),
          };
          const skipped = trialSkipReason(trial, run) !== null;
          expect(skipped).toBe(trial.convertedOn === null && endOffset >= 0);
        },
      ),
    );
  });
});
