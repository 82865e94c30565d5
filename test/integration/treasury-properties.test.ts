import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import fc from 'fast-check';
import { addDays } from '../../domain/shared/day.js';
import { Dec } from '../../domain/shared/money.js';
import type { PaymentMethod } from '../../domain/billing/events.js';
import {
  allocationDetail,
  movementRows,
  vatDetail,
  type MovementRow,
} from '../../projections/treasury/treasury.queries.js';
import {
  allocationProducts,
  cardListing,
  receiptsRecap,
  revenueReport,
  vatReport,
} from '../../reports/treasury-reports.js';
import { ReversePaymentCommand } from '../../src/billing/reverse-payment.command.js';
import { TreasuryModule } from '../../src/treasury/treasury.module.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(600_000);

const YEAR = { from: '2026-01-01', to: '2026-12-31' };
const sum = (values: readonly string[]) =>
  values.reduce((s, v) => s.plus(v), new Dec(0)).toFixed(2);

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

/**
 * Random histories through the real commands (invoices of one or two lines at random rates,
 * partial payments by random methods on random days, refunds on a later day), then the
 * reports' invariants over everything recorded so far.
 */
describe('treasury report invariants (fast-check over real commands, SQLite)', () => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await AppHarness.start(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const history = fc.array(
    fc.record({
      customerId: fc.constantFrom('1', '2', '3', '4'),
      lines: fc.array(
        fc.record({
          net: fc.integer({ min: 1, max: 50_000 }),
          rate: fc.constantFrom('20', '5.5', '0'),
          days: fc.integer({ min: 0, max: 700 }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      payments: fc.array(
        fc.record({
          method: fc.constantFrom<PaymentMethod>('card', 'cheque', 'transfer', 'cash'),
          // Thousandths of what is left to pay.
          part: fc.integer({ min: 1, max: 1000 }),
          day: fc.integer({ min: 0, max: 320 }),
          refund: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
        }),
        { maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  );

  it('per-day card totals add up to the period; VAT per month to the VAT of the receipts; shares to 100 %', async () => {
    const bus = app.context.get(CommandBus);
    await fc.assert(
      fc.asyncProperty(history, async (invoices) => {
        for (const inv of invoices) {
          const issued = await app.issue({
            customerId: inv.customerId,
            issuedOn: '2026-01-02',
            lines: inv.lines.map((l, i) => ({
              label: `Ligne ${i + 1}`,
              net: new Dec(l.net).div(100).toFixed(2),
              vatRate: l.rate,
              serviceStart: '2026-01-02',
              serviceEnd: addDays('2026-01-02', l.days),
            })),
          });
          let left = new Dec(issued.total);
          for (const p of inv.payments) {
            const amount = left.times(p.part).div(1000).toDecimalPlaces(2, Dec.ROUND_DOWN);
            if (amount.lte(0)) continue;
            const day = addDays('2026-01-02', p.day);
            const paid = await app.pay({
              customerId: inv.customerId,
              method: p.method,
              amount: amount.toFixed(2),
              receivedOn: day,
              reference: `P${p.day}`,
              allocations: [{ invoiceId: issued.invoiceId, amount: amount.toFixed(2) }],
            });
            left = left.minus(amount);
            if (p.refund !== null) {
              const back = amount.times(p.refund).div(1000).toDecimalPlaces(2, Dec.ROUND_DOWN);
              if (back.gt(0)) {
                await bus.execute(
                  new ReversePaymentCommand(
                    {
                      paymentId: paid.paymentId,
                      kind: 'refund',
                      amount: back.toFixed(2),
                      on: addDays(day, 3),
                    },
                    'test',
                  ),
                );
                left = left.plus(back);
              }
            }
          }
        }

        // Cards: the days add up to the period, and to the card movements one by one.
        const cards = await cardListing(app.db, YEAR);
        const cardRows = await all(movementRows(app.db, YEAR, { methods: ['card'], batchSize: 7 }));
        expect(sum(cards.days.map((d) => d.total))).toBe(cards.total);
        expect(cards.days.reduce((n, d) => n + d.count, 0)).toBe(cards.count);
        expect(sum(cardRows.map((r) => r.amount))).toBe(cards.total);
        expect(cardRows.length).toBe(cards.count);
        for (const d of cards.days) expect(sum(d.payments.map((p) => p.amount))).toBe(d.total);

        // Receipts: the recap per month is the movements summed; everything was allocated to
        // invoices, so the money received is what the VAT report splits into base and VAT.
        const recap = await receiptsRecap(app.db, YEAR, 'month');
        const movements: MovementRow[] = await all(movementRows(app.db, YEAR, { batchSize: 11 }));
        expect(sum(movements.map((m) => m.amount))).toBe(recap.totals.cash);
        expect(sum(recap.rows.map((r) => r.cash))).toBe(recap.totals.cash);
        expect(recap.totals.methods.card.total).toBe(cards.total);

        const vat = await vatReport(app.db, YEAR);
        const detail = await all(vatDetail(app.db, YEAR, 5));
        expect(sum(vat.months.map((m) => m.vat))).toBe(vat.vat);
        expect(sum(detail.map((d) => d.vat))).toBe(vat.vat);
        expect(sum(detail.map((d) => d.base))).toBe(vat.base);
        for (const m of vat.months) {
          const ofMonth = detail.filter((d) => d.day.startsWith(m.month));
          expect(sum(ofMonth.map((d) => d.vat))).toBe(m.vat);
        }
        expect(new Dec(vat.base).plus(vat.vat).toFixed(2)).toBe(recap.totals.cash);

        // Allocation: the detail (paged in small batches) adds up to the per-product totals,
        // which add up to the base of the VAT report (all of it falls in fiscal year 2026).
        const byProduct = await allocationProducts(app.db, 2026);
        const allocation = await all(allocationDetail(app.db, 2026, null, 3));
        for (const k of ['previous', 'current', 'next'] as const)
          expect(sum(allocation.map((r) => r[k]))).toBe(byProduct.totals[k]);
        expect(byProduct.totals.total).toBe(vat.base);

        // Turnover shares add up to exactly 100 %.
        const revenue = await revenueReport(app.db, YEAR);
        if (revenue.byType.length > 0 && !new Dec(revenue.total.net).isZero())
          expect(sum(revenue.byType.map((t) => t.share ?? '0'))).toBe('100.00');
      }),
      { numRuns: 12 },
    );
    // The histories did reach the reports: card payments, refunds and several VAT rates.
    expect(await app.count('g2_rm_cash_movements', `method = 'card'`)).toBeGreaterThan(3);
    expect(await app.count('g2_rm_cash_movements', `kind = 'refund'`)).toBeGreaterThan(0);
    expect((await vatReport(app.db, YEAR)).rates.length).toBeGreaterThan(1);
  });

  it('fills the treasury read models at start-up when they are empty but billing is not', async () => {
    const selectAll = (t: string) => app.db.query(`SELECT * FROM ${t}`);
    const live = await snapshotReadModels(selectAll);
    await app.db.run(async (q) => {
      await q.execute(`DELETE FROM g2_rm_cash_movements`);
      await q.execute(`DELETE FROM g2_rm_revenue_lines`);
    });
    await app.context.get(TreasuryModule).onModuleInit();
    expect(await snapshotReadModels(selectAll)).toEqual(live);
  });
});
