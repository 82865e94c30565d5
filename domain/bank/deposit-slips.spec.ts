import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import {
  decideCancelDepositSlip,
  decideIssueDepositSlip,
  evolveDepositSlips,
  initialDepositSlipsState,
  type ChequeFacts,
  type DepositSlipsState,
} from './deposit-slips.js';
import type { DepositSlipEvent } from './events.js';

const cheque = (i: number, amount: string, receivedOn = '2026-11-02'): ChequeFacts => ({
  paymentId: `p${i}`,
  customerId: String(i % 7),
  amount,
  receivedOn,
  reference: `CHQ${String(i).padStart(4, '0')}`,
  bank: 'Crédit Coopératif',
  method: 'cheque',
  status: 'valid',
  reversed: '0.00',
});

const ctx = (n: number) => ({ slipId: `s${n}`, today: '2026-11-25' });

describe('deposit slips', () => {
  it('numbers slips from 1 and prints cheques by day then reference', () => {
    const cheques = new Map([
      ['p2', cheque(2, '10.00', '2026-11-03')],
      ['p1', cheque(1, '25.40', '2026-11-03')],
      ['p3', cheque(3, '7.00', '2026-11-01')],
    ]);
    const [e] = decideIssueDepositSlip(
      initialDepositSlipsState,
      { paymentIds: ['p2', 'p1', 'p3'], depositOn: '2026-11-04' },
      { ...ctx(1), cheques },
    );
    expect(e.data.number).toBe(1);
    expect(e.data.total).toBe('42.40');
    expect(e.data.cheques.map((c) => c.paymentId)).toEqual(['p3', 'p1', 'p2']);
  });

  it('refuses a deposit day before a cheque was received, and a refunded cheque', () => {
    const c = new Map([['p1', cheque(1, '5.00', '2026-11-10')]]);
    expect(() =>
      decideIssueDepositSlip(
        initialDepositSlipsState,
        { paymentIds: ['p1'], depositOn: '2026-11-09' },
        { ...ctx(1), cheques: c },
      ),
    ).toThrow(DomainError);
    const refunded = new Map([['p1', { ...cheque(1, '5.00'), reversed: '1.00' }]]);
    expect(() =>
      decideIssueDepositSlip(
        initialDepositSlipsState,
        { paymentIds: ['p1'] },
        { ...ctx(1), cheques: refunded },
      ),
    ).toThrow(/rejeté ou remboursé/);
  });

  /**
   * Random sequences of "slip these cheques" and "cancel that slip": every accepted slip's total
   * is the sum of its cheques, numbers are 1, 2, 3… in order, and no cheque is ever on two
   * active slips.
   */
  it('property: totals add up, numbers are sequential, a cheque is on one active slip', () => {
    const amount = fc
      .integer({ min: 1, max: 500_000 })
      .map((c) => Money.of((c / 100).toFixed(2)).toString());
    fc.assert(
      fc.property(
        fc.array(amount, { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('issue'),
              picks: fc.array(fc.nat(11), { maxLength: 6 }),
            }),
            fc.record({ kind: fc.constant('cancel'), slip: fc.integer({ min: 1, max: 8 }) }),
          ),
          { maxLength: 20 },
        ),
        (amounts, ops) => {
          const cheques = new Map(amounts.map((a, i) => [`p${i}`, cheque(i, a)]));
          let state: DepositSlipsState = initialDepositSlipsState;
          const events: DepositSlipEvent[] = [];
          let n = 0;
          for (const op of ops) {
            let event: DepositSlipEvent;
            try {
              [event] =
                op.kind === 'issue'
                  ? decideIssueDepositSlip(
                      state,
                      { paymentIds: [...new Set(op.picks.map((p) => `p${p}`))] },
                      { ...ctx(++n), cheques },
                    )
                  : decideCancelDepositSlip(state, { number: op.slip, reason: 'erreur' }, ctx(0));
            } catch (error) {
              expect(error).toBeInstanceOf(DomainError);
              continue;
            }
            events.push(event);
            state = evolveDepositSlips(state, event);
          }
          const issued = events.filter((e) => e.type === 'DepositSlipIssued');
          expect(issued.map((e) => e.data.number)).toEqual(issued.map((_, i) => i + 1));
          for (const e of issued)
            expect(Money.sum(e.data.cheques.map((c) => Money.of(c.amount))).toString()).toBe(
              e.data.total,
            );
          const active = [...state.slips.values()].filter((s) => !s.cancelled);
          const onSlips = active.flatMap((s) => s.paymentIds);
          expect(new Set(onSlips).size).toBe(onSlips.length);
          for (const s of active)
            for (const id of s.paymentIds) expect(state.slipOfCheque.get(id)).toBe(s.slipId);
        },
      ),
    );
  }, 60_000);
});
