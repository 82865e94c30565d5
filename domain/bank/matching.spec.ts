import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deciderSpec } from '../shared/decider.testkit.js';
import { addDays, daysBetween } from '../shared/day.js';
import { Money } from '../shared/money.js';
import {
  decideConfirmMatches,
  decideUndoMatch,
  evolveMatches,
  initialMatchesState,
  proposeMatches,
  targetKey,
  type MatchCandidate,
} from './matching.js';

const rules = { windowDays: 3, nearPercent: '3' };
const card = (day: string, expected: string): MatchCandidate => ({
  target: { kind: 'card_day', day },
  on: day,
  expected,
});

describe('bank matching', () => {
  it('prefers an exact amount, then the closest écart; ignores debits and lines out of window', () => {
    const proposals = proposeMatches(
      [
        { lineId: 'fees', bookedOn: '2026-11-05', amount: '149.55' },
        { lineId: 'exact', bookedOn: '2026-11-06', amount: '150.00' },
        { lineId: 'late', bookedOn: '2026-11-12', amount: '80.00' },
        { lineId: 'debit', bookedOn: '2026-11-04', amount: '-150.00' },
      ],
      [card('2026-11-03', '150.00'), card('2026-11-04', '150.20'), card('2026-11-07', '80.00')],
      rules,
    );
    expect(proposals).toEqual([
      {
        lineId: 'exact',
        target: { kind: 'card_day', day: '2026-11-03' },
        expected: '150.00',
        difference: '0.00',
        kind: 'exact',
      },
      {
        lineId: 'fees',
        target: { kind: 'card_day', day: '2026-11-04' },
        expected: '150.20',
        difference: '-0.65',
        kind: 'near',
      },
    ]);
  });

  it('property: each line and target at most once, within the window and the tolerance', () => {
    const cents = fc.integer({ min: 1, max: 100_000 }).map((c) => (c / 100).toFixed(2));
    fc.assert(
      fc.property(
        fc.array(fc.record({ d: fc.nat(20), a: cents }), { maxLength: 15 }),
        fc.array(fc.record({ d: fc.nat(20), a: cents }), { maxLength: 15 }),
        (ls, cs) => {
          const lines = ls.map((l, i) => ({
            lineId: `l${i}`,
            bookedOn: addDays('2026-11-01', l.d),
            amount: l.a,
          }));
          // One candidate per card day (days strictly increasing).
          let day = 0;
          const candidates = cs.map((c) =>
            card(addDays('2026-11-01', (day += 1 + (c.d % 4))), c.a),
          );
          const ps = proposeMatches(lines, candidates, rules);
          expect(new Set(ps.map((p) => p.lineId)).size).toBe(ps.length);
          expect(new Set(ps.map((p) => targetKey(p.target))).size).toBe(ps.length);
          for (const p of ps) {
            const line = lines.find((l) => l.lineId === p.lineId)!;
            const c = candidates.find((x) => targetKey(x.target) === targetKey(p.target))!;
            const days = daysBetween(c.on, line.bookedOn);
            expect(days >= 0 && days <= rules.windowDays).toBe(true);
            const diff = Money.of(line.amount).minus(Money.of(c.expected));
            expect(diff.toString()).toBe(p.difference);
            expect(p.kind === 'exact').toBe(diff.isZero());
            expect(diff.toDecimal().abs().lte(Money.of(c.expected).toDecimal().times(0.03))).toBe(
              true,
            );
          }
        },
      ),
    );
  }, 60_000);

  it('confirms once per line and per target, and undoes', () => {
    const line = { lineId: 'l1', bookedOn: '2026-11-05', amount: '80.00' };
    const slip: MatchCandidate = {
      target: { kind: 'deposit_slip', slipId: 's1', number: 1 },
      on: '2026-11-04',
      expected: '80.00',
    };
    const ctx = { today: '2026-11-25', newId: () => 'm1' };
    const confirm = deciderSpec({
      initial: initialMatchesState,
      evolve: evolveMatches,
      decide: decideConfirmMatches,
    });
    const [matched] = confirm
      .given()
      .when([{ line, candidate: slip }], ctx)
      .events();
    confirm
      .given(matched!)
      .when([{ line, candidate: slip }], ctx)
      .thenThrows('already_matched');
    expect(
      confirm
        .given(matched!)
        .when([{ line: { ...line, lineId: 'l2' }, candidate: slip }], ctx)
        .thenThrows('already_matched').message,
    ).toMatch(/bordereau n° 1 est déjà rapproché/);
    const undone = deciderSpec({
      initial: initialMatchesState,
      evolve: evolveMatches,
      decide: decideUndoMatch,
    })
      .given(matched!)
      .when({ lineId: 'l1' }, ctx)
      .state();
    expect(undone.byLine.size).toBe(0);
    expect(undone.byTarget.size).toBe(0);
  });
});
