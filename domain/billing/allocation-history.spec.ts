import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec, Money } from '../shared/money.js';
import { invoiceAllocationChanges, type AllocationChange } from './allocation-history.js';
import type { InvoiceEvent, InvoicePaymentAllocated } from './events.js';
import { decideIssueInvoice, initialInvoiceState } from './invoice.js';

/** docs/accounting.md §2: a payment's cents depend on the dates of the facts, not their recording order. */

const issued = (lines: { net: string; vatRate: string }[]) =>
  decideIssueInvoice(
    initialInvoiceState,
    {
      customerId: '7',
      issuedOn: '2025-09-15',
      lines: lines.map((l) => ({
        label: 'x',
        ...l,
        serviceStart: '2025-09-15',
        serviceEnd: '2026-09-14',
      })),
    },
    { invoiceId: 'I', number: 'F2025-000001', billingAddress: 'A', lineId: (i) => `L${i}` },
  )[0]!;

const paid = (paymentId: string, paidOn: string, amount: string): InvoicePaymentAllocated => ({
  type: 'InvoicePaymentAllocated',
  data: { invoiceId: 'I', paymentId, amount, paidOn },
});

/** Per change id: VAT and nets per fiscal year, summed (a Gloux payment may come twice). */
function split(changes: readonly AllocationChange[]) {
  const out: Record<string, Record<string, string>> = {};
  for (const c of changes)
    for (const e of c.entries) {
      const row = (out[`${c.id}@${c.on}`] ??= {});
      const add = (k: string, v: string) => (row[k] = new Dec(row[k] ?? 0).plus(v).toFixed(2));
      add(`${e.lineId}:vat`, e.vat);
      for (const y of e.years) add(`${e.lineId}:${y.fiscalYear}`, y.net);
    }
  return out;
}

describe('the allocation follows dates, not the recording order', () => {
  // 106.70 net at 20 % = 128.04; 33.33 on 10 January, 94.71 on 10 February (VAT 21.34 in all).
  const invoice = issued([{ net: '106.70', vatRate: '20' }]);
  const a = paid('A', '2026-01-10', '33.33');
  const b = paid('B', '2026-02-10', '94.71');

  it('gives the January cheque typed in after the February card payment its January cents', () => {
    const vat = (events: InvoiceEvent[]) =>
      Object.fromEntries(invoiceAllocationChanges(events).map((c) => [c.id, c.entries[0]!.vat]));
    expect(vat([invoice, a, b])).toEqual({ A: '5.56', B: '15.78' });
    // Recorded the other way round, the cumulative order used to give A 5.55 and B 15.79.
    expect(vat([invoice, b, a])).toEqual({ A: '5.56', B: '15.78' });
  });

  it('breaks a tie of dates by payment id, whatever was recorded first', () => {
    const x = paid('X', '2026-01-10', '94.71');
    const y = paid('Y', '2026-01-10', '33.33');
    expect(split(invoiceAllocationChanges([invoice, x, y]))).toEqual(
      split(invoiceAllocationChanges([invoice, y, x])),
    );
  });

  it('keeps the recording order when the date order would overpay (a payment back-dated before a bounce)', () => {
    const p1 = paid('P1', '2026-01-10', '128.04');
    const bounce = paid('R1', '2026-01-20', '-128.04');
    const p2 = paid('P2', '2026-01-05', '128.04');
    const changes = invoiceAllocationChanges([invoice, p1, bounce, p2]);
    expect(changes.map((c) => c.id)).toEqual(['P1', 'R1', 'P2']);
    const vat = changes.flatMap((c) => c.entries).reduce((s, e) => s.plus(e.vat), new Dec(0));
    expect(vat.toFixed(2)).toBe('21.34');
  });
});

const cents = (min: number, max: number) => fc.integer({ min, max });
const dayArb = fc
  .integer({ min: 0, max: 500 })
  .map((n) => new Date(Date.UTC(2025, 8, 15) + n * 86_400_000).toISOString().slice(0, 10));

describe('the allocation follows dates — properties', () => {
  it('permuting the recording order of the same payments gives the same split', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ net: cents(1, 50_000), vatRate: fc.constantFrom('0', '5.5', '19.6', '20') }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(
          fc.record({ share: fc.double({ min: 0.05, max: 0.95, noNaN: true }), day: dayArb }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.boolean(),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
        (lines, parts, sameDay, order) => {
          const invoice = issued(
            lines.map((l) => ({
              net: new Dec(l.net).dividedBy(100).toFixed(2),
              vatRate: l.vatRate,
            })),
          );
          const total = Money.of(invoice.data.total).toDecimal();
          // Payments adding up to at most the total, some on the same day.
          let left = total;
          const payments = parts.map((p, i) => {
            const amount = left.times(p.share).toDecimalPlaces(2, Dec.ROUND_DOWN);
            left = left.minus(amount);
            return paid(`P${i}`, sameDay ? '2026-02-03' : p.day, amount.toFixed(2));
          });
          const shuffled = order.flatMap((i) => (i < payments.length ? [payments[i]!] : []));
          expect(split(invoiceAllocationChanges([invoice, ...shuffled]))).toEqual(
            split(invoiceAllocationChanges([invoice, ...payments])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
