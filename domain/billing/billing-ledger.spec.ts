import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import { fromCents } from '../shared/cents.js';
import { Dec, Money } from '../shared/money.js';
import { remainingNet, remainingVat } from './credit-note.js';
import { balanceOf } from './invoice.js';
import { issueInvoices, Ledger, lineArb, opArb } from './billing-history.testkit.js';

function checkInvariants(ledger: Ledger): void {
  // No cent created or lost: money in − money out = what invoices hold + the customer's credit.
  const held = Money.sum([...ledger.invoices.values()].map((i) => i.paid)).plus(
    ledger.account.credit,
  );
  expect(ledger.received.minus(ledger.paidOut).toString()).toBe(held.toString());
  for (const invoice of ledger.invoices.values()) {
    const asked = invoice.total.minus(invoice.credited);
    // Never paid beyond what it asks, never below zero, never credited beyond its total.
    expect(invoice.paid.isNegative()).toBe(false);
    expect(invoice.paid.compare(asked)).toBeLessThanOrEqual(0);
    expect(asked.isNegative()).toBe(false);
    // What remains of the lines (net + the VAT left on them) is what the invoice still asks.
    const remainingVatTotal = Money.sum(invoice.lines.map((l) => remainingVat(invoice, l)));
    const remainingNetTotal = Money.sum(invoice.lines.map((l) => remainingNet(invoice, l)));
    expect(remainingNetTotal.plus(remainingVatTotal).toString()).toBe(asked.toString());
    // Once nothing of a line is left, no VAT is left on it either.
    for (const l of invoice.lines)
      if (remainingNet(invoice, l).isZero() && invoice.status === 'cancelled')
        expect(remainingVat(invoice, l).toString()).toBe('0.00');
    // The allocation rows add up, per line and year, to the figures of what is paid now.
    const rows = ledger.allocated.get(invoice.invoiceId) ?? new Map<string, Dec>();
    const now = ledger.figures(invoice);
    let sum = new Dec(0);
    for (const line of now.lines) {
      expect((rows.get(`${line.lineId}:vat`) ?? new Dec(0)).toFixed(2)).toBe(fromCents(line.vat));
      sum = sum.plus(fromCents(line.vat));
      for (const y of line.years) {
        expect((rows.get(`${line.lineId}:${y.fiscalYear}`) ?? new Dec(0)).toFixed(2)).toBe(
          fromCents(y.net),
        );
        sum = sum.plus(fromCents(y.net));
      }
    }
    expect(sum.toFixed(2)).toBe(invoice.paid.toString());
    // Status follows the amounts.
    const expected =
      !invoice.total.isZero() && invoice.credited.compare(invoice.total) >= 0
        ? 'cancelled'
        : invoice.paid.compare(asked) >= 0
          ? 'paid'
          : 'issued';
    expect(invoice.status).toBe(expected);
  }
}

describe('billing ledger properties', () => {
  it('keeps every cent and every balance exact through random histories', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(lineArb, { minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        (invoices, ops) => {
          const ledger = new Ledger();
          issueInvoices(ledger, invoices);
          for (const op of ops) {
            try {
              ledger.run(op);
            } catch (error) {
              // A refused command changes nothing; anything else is a bug.
              if (!(error instanceof DomainError)) throw error;
            }
            checkInvariants(ledger);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a payment reversed in full leaves the invoices as if it had never been made', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 99 }),
        (lines, percent) => {
          const ledger = new Ledger();
          issueInvoices(ledger, [lines, lines, lines]);
          const invoice = ledger.invoiceAt(0);
          const cents = Math.max(
            1,
            Math.floor((invoice.total.toDecimal().toNumber() * 100 * percent) / 100),
          );
          ledger.run({ op: 'pay', invoices: [0], cents, extra: 0, method: 'cheque' });
          ledger.run({ op: 'bounce', payment: 0 });
          const after = ledger.invoices.get(invoice.invoiceId)!;
          expect(after.paid.toString()).toBe('0.00');
          expect(balanceOf(after).toString()).toBe(invoice.total.toString());
          for (const [, v] of ledger.allocated.get(invoice.invoiceId)!)
            expect(v.toFixed(2)).toBe('0.00');
        },
      ),
    );
  });
});
