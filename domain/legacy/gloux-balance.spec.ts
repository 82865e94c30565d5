import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { BillingEvent } from '../billing/events.js';
import { issueInvoices, Ledger, lineArb, opArb } from '../billing/billing-history.testkit.js';
import { DomainError } from '../shared/errors.js';
import { centsOf } from '../shared/cents.js';
import { ingestedBalanceDelta, ownBalanceDelta } from './gloux-balance.js';

/** gloux2's balance of the customer: what its invoices still ask, less its credit. */
function balanceCents(ledger: Ledger): bigint {
  let cents = centsOf(ledger.account.credit.toString());
  for (const i of ledger.invoices.values())
    cents +=
      centsOf(i.paid.toString()) + centsOf(i.credited.toString()) - centsOf(i.total.toString());
  return cents;
}

describe('what gloux2’s writes add to Gloux’s clients.solde (G9)', () => {
  it('adds up, over any history, to gloux2’s balance of the customer, each key once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(lineArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        (invoices, ops) => {
          const ledger = new Ledger();
          issueInvoices(ledger, invoices);
          for (const op of ops) {
            try {
              ledger.run(op);
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }
          const deltas = ledger.log.flatMap((e) => ownBalanceDelta(e as BillingEvent) ?? []);
          expect(new Set(deltas.map((d) => d.key)).size).toBe(deltas.length);
          expect(deltas.reduce((s, d) => s + d.cents, 0n)).toBe(balanceCents(ledger));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adds nothing for what Gloux’s own forms wrote, and gives back a cheque it marks rejected', () => {
    const payment: BillingEvent = {
      type: 'PaymentRecorded',
      data: {
        paymentId: 'p',
        customerId: '2',
        method: 'cheque',
        amount: '95.68',
        receivedOn: '2026-10-20',
        reference: 'chq',
        bank: '',
        allocations: [{ invoiceId: 'a', amount: '59.80' }],
      },
    };
    expect(ingestedBalanceDelta(payment)).toBeNull();
    expect(ownBalanceDelta(payment)).toEqual({ key: 'payment:p', customerId: '2', cents: 5980n });
    expect(
      ingestedBalanceDelta({
        type: 'PaymentReversed',
        data: {
          paymentId: 'p',
          reversalId: 'r',
          customerId: '2',
          kind: 'bounced',
          amount: '95.68',
          on: '2026-11-25',
          reference: 'chq',
          reason: 'Rejeté dans Gloux',
          invoices: [{ invoiceId: 'a', amount: '59.80' }],
          fromCredit: '0.00',
        },
      }),
    ).toEqual({ key: 'reversal:r', customerId: '2', cents: -9568n });
  });
});
