import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { movementOf } from '../bank/ledger.testkit.js';
import { GeneralLedger, isBalanced } from '../bank/fec.js';
import { accountingDays, assertOpen } from '../books/period-lock.js';
import { deciderSpec } from '../shared/decider.testkit.js';
import { addDays } from '../shared/day.js';
import { Money } from '../shared/money.js';
import type { SharesRedeemed } from './events.js';
import {
  decidePayRedemption,
  evolveRedemptionPayout,
  initialRedemptionPayoutState,
  type RedemptionToPay,
} from './redemption-payout.js';

const redemption: RedemptionToPay = {
  redemptionId: 'rb-6',
  tiersId: '6',
  amount: '16.00',
  on: '2026-06-30',
};
const ctx = { today: '2026-07-20', newId: () => 'v1' };
const pay = deciderSpec({
  initial: initialRedemptionPayoutState,
  evolve: evolveRedemptionPayout,
  decide: decidePayRedemption,
});

const redeemed = (id: string, tiersId: string, amount: string, on: string): SharesRedeemed => ({
  type: 'SharesRedeemed',
  data: {
    redemptionId: id,
    requestId: null,
    tiersId,
    numbers: [1],
    on,
    requestedOn: on,
    amount,
    reason: 'Démission',
  },
});

describe('paying a redemption back (docs/accounting.md §7)', () => {
  it('pays the capital owed on the day given: D 4567 / C 512', () => {
    const [paid] = pay
      .given()
      .when({ redemption, on: '2026-07-15', method: 'transfer', reference: 'VIR-REMB-6' }, ctx)
      .events();
    expect(paid).toEqual({
      type: 'ShareRedemptionPaid',
      data: {
        payoutId: 'v1',
        redemptionId: 'rb-6',
        tiersId: '6',
        amount: '16.00',
        on: '2026-07-15',
        method: 'transfer',
        reference: 'VIR-REMB-6',
      },
    });
    const ledger = new GeneralLedger();
    ledger.apply(redeemed('rb-6', '6', '16.00', '2026-06-30'));
    ledger.apply(paid!);
    const entry = ledger.entriesOf(2026).find((x) => x.journal === 'BQ')!;
    expect(entry.label).toBe('Versement du remboursement de parts sociales VIR-REMB-6');
    expect(
      entry.lines.map((l) => [l.account, l.aux, l.debit.toString(), l.credit.toString()]),
    ).toEqual([
      ['4567', 'T6', '16.00', '0.00'],
      ['512', '', '0.00', '16.00'],
    ]);
    expect(movementOf(ledger, '4567').isZero()).toBe(true);
  });

  it('refuses a second payout, an unknown redemption, a bad mode or day, in French', () => {
    const [paid] = pay.given().when({ redemption, on: '', method: 'cheque' }, ctx).events();
    expect(paid!.data.on).toBe('2026-07-20');
    expect(
      pay
        .given(paid!)
        .when({ redemption, on: '', method: 'cheque' }, ctx)
        .thenThrows('already_paid').message,
    ).toBe('Ce remboursement a déjà été versé le 20/07/2026.');
    pay.given().when({ redemption: null, on: '', method: 'cheque' }, ctx).thenThrows('not_found');
    pay
      .given()
      .when({ redemption, on: '', method: 'cash' }, ctx)
      .thenThrows('invalid_input', 'mode');
    pay
      .given()
      .when({ redemption, on: '2026-06-29', method: 'transfer' }, ctx)
      .thenThrows('invalid_input', 'date');
    pay
      .given()
      .when({ redemption, on: '2026-07-21', method: 'transfer' }, ctx)
      .thenThrows('invalid_input', 'date');
  });

  it('is refused in a locked period, like every dated operation', () => {
    const [paid] = pay
      .given()
      .when({ redemption, on: '2026-07-15', method: 'transfer' }, ctx)
      .events();
    expect(accountingDays(paid!)).toEqual(['2026-07-15']);
    const locks = { closedYears: [], declaredMonths: ['2026-07'] };
    expect(() => assertOpen(locks, accountingDays(paid!))).toThrow(
      /la TVA de juillet 2026 est déclarée/,
    );
  });

  it('property: 4567 holds exactly the redemptions not paid back; 512 loses exactly those paid', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cents: fc.integer({ min: 1, max: 200_000 }),
            day: fc.nat(700),
            delay: fc.nat(60),
            paid: fc.boolean(),
          }),
          { maxLength: 20 },
        ),
        (specs) => {
          const ledger = new GeneralLedger();
          let owed = Money.ZERO;
          let out = Money.ZERO;
          specs.forEach((x, i) => {
            const amount = Money.of((x.cents / 100).toFixed(2));
            const on = addDays('2025-01-01', x.day);
            ledger.apply(redeemed(`r${i}`, String(i % 3), amount.toString(), on));
            if (!x.paid) {
              owed = owed.plus(amount);
              return;
            }
            const paidOn = addDays(on, x.delay);
            ledger.apply(
              decidePayRedemption(
                initialRedemptionPayoutState,
                {
                  redemption: {
                    redemptionId: `r${i}`,
                    tiersId: String(i % 3),
                    amount: amount.toString(),
                    on,
                  },
                  on: paidOn,
                  method: 'transfer',
                },
                { today: paidOn, newId: () => `p${i}` },
              ),
            );
            out = out.plus(amount);
          });
          const entries = ledger.years().flatMap((y) => ledger.entriesOf(y));
          expect(entries.every(isBalanced)).toBe(true);
          expect(movementOf(ledger, '4567').plus(owed).toString()).toBe('0.00');
          expect(movementOf(ledger, '512').plus(out).toString()).toBe('0.00');
        },
      ),
    );
  }, 60_000);
});
