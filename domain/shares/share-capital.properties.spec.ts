import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { shareContext, shareRules } from './share.testkit.js';
import type { ImportedShare, ShareEvent } from './events.js';
import {
  capitalFloor,
  capitalOn,
  currentCapital,
  evolveShareCapital,
  heldBy,
  highestCapital,
  initialShareCapitalState,
  foldShareCapital,
  type FloorPolicy,
  type ShareCapitalState,
} from './share-capital.js';
import {
  decideCancelShares,
  decidePayUpShares,
  decideRedeemShares,
  decideSubscribeShares,
  decideTransferShares,
  decideWithdrawRedemption,
  type ShareContext,
} from './share-movements.js';

const TIERS = ['1', '2', '3', '4'];
const START = '2020-01-01';

const opArb = fc.record({
  step: fc.integer({ min: 0, max: 30 }),
  kind: fc.constantFrom(
    'subscribe',
    'subscribe',
    'subscribe',
    'pay',
    'transfer',
    'transfer',
    'redeem',
    'redeem',
    'redeem',
    'cancel',
    'withdraw',
    'counterBack',
  ),
  tiers: fc.constantFrom(...TIERS),
  other: fc.constantFrom(...TIERS),
  count: fc.integer({ min: 1, max: 6 }),
  pick: fc.integer({ min: 0, max: 1000 }),
});

const scenarioArb = fc.record({
  policy: fc.constantFrom<FloorPolicy>('refuse', 'queue'),
  statutory: fc.integer({ min: 0, max: 6 }).map((n) => Money.of(`${n * 16}.00`)),
  ops: fc.array(opArb, { minLength: 10, maxLength: 60 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface Outcome {
  state: ShareCapitalState;
  events: ShareEvent[];
  /** Shares held at the end of each day an operation ran, by the test's own bookkeeping. */
  heldAtEndOf: Map<string, number>;
  /** Capital and floor check after each successful operation that took shares out. */
  exits: { capital: Money; highest: Money; statutory: Money }[];
  /** After each successful subscription: does the queue's head fit? (it must not) */
  headFitsAfterSubscription: boolean[];
  lastDay: string;
}

/** Some of a tiers' free shares, chosen by `pick`. */
function someShares(state: ShareCapitalState, tiersId: string, pick: number, all = false) {
  const free = heldBy(state, tiersId).filter((s) => s.pendingRequestId === null);
  if (free.length === 0) return [String(900_000 + pick)]; // unknown: refused
  if (all) return free.map((s) => String(s.number));
  const n = 1 + (pick % Math.min(free.length, 4));
  const from = pick % free.length;
  return [...free, ...free].slice(from, from + n).map((s) => String(s.number));
}

/** Plays the operations through the decide functions, as the handlers do, keeping what passes. */
function play(s: Scenario): Outcome {
  let state = initialShareCapitalState;
  let day = START;
  let counter = 100;
  let id = 0;
  const events: ShareEvent[] = [];
  const held = new Map<number, string>();
  const heldAtEndOf = new Map<string, number>();
  const exits: Outcome['exits'] = [];
  const headFitsAfterSubscription: boolean[] = [];
  const rules = { ...shareRules(s.policy), statutoryFloor: s.statutory };
  const draw = (n: number) => Array.from({ length: n }, () => ++counter);
  for (const op of s.ops) {
    day = addDays(day, op.step);
    // Mostly a tiers that holds shares (so movements happen), sometimes any (so some are refused).
    const holders = TIERS.filter((t) => heldBy(state, t).length > 0);
    const owner =
      op.count === 6 || holders.length === 0 ? op.tiers : holders[op.pick % holders.length]!;
    const ctx: ShareContext = {
      ...shareContext(day, { rules, tiers: TIERS }),
      newId: () => `m${++id}`,
    };
    let decided: ShareEvent[];
    try {
      switch (op.kind) {
        case 'subscribe':
          decided = decideSubscribeShares(
            state,
            { tiersId: op.tiers, count: op.count, on: day, paid: op.pick % 2 === 0 },
            { ...ctx, numbers: draw(op.count) },
          );
          break;
        case 'pay':
          decided = decidePayUpShares(
            state,
            { tiersId: owner, numbers: someShares(state, owner, op.pick), on: day },
            ctx,
          );
          break;
        case 'transfer': {
          const numbers = someShares(state, owner, op.pick);
          const to = op.count === 6 ? op.other : (holders.find((t) => t !== owner) ?? op.other);
          decided = decideTransferShares(
            state,
            { fromTiersId: owner, toTiersId: to, numbers, on: day },
            { ...ctx, numbers: draw(numbers.length) },
          );
          break;
        }
        case 'redeem':
          decided = decideRedeemShares(
            state,
            {
              tiersId: op.tiers,
              numbers: someShares(state, op.tiers, op.pick, op.count > 4),
              on: day,
            },
            ctx,
          );
          break;
        case 'cancel':
          decided = decideCancelShares(
            state,
            { tiersId: owner, numbers: someShares(state, owner, op.pick), on: day },
            ctx,
          );
          break;
        case 'withdraw':
          decided = decideWithdrawRedemption(
            state,
            {
              requestId: state.queue[op.pick % Math.max(1, state.queue.length)]?.requestId ?? 'x',
              on: day,
            },
            ctx,
          );
          break;
        case 'counterBack':
          // Gloux's counter set back by someone: the next numbers are ones already given.
          counter = Math.max(100, counter - 1 - (op.pick % 5));
          continue;
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      continue; // refused: nothing recorded
    }
    state = foldShareCapital(decided, state);
    events.push(...decided);
    for (const e of decided) {
      if (e.type === 'SharesSubscribed')
        for (const n of e.data.numbers) held.set(n, e.data.tiersId);
      if (e.type === 'SharesTransferred') {
        for (const n of e.data.numbers) held.delete(n);
        for (const n of e.data.newNumbers) held.set(n, e.data.toTiersId);
      }
      if (e.type === 'SharesRedeemed' || e.type === 'SharesCancelled')
        for (const n of e.data.numbers) held.delete(n);
    }
    heldAtEndOf.set(day, held.size);
    if (decided.some((e) => e.type === 'SharesRedeemed' || e.type === 'SharesCancelled')) {
      const floor = capitalFloor(state, s.statutory);
      exits.push({
        capital: currentCapital(state),
        highest: floor.highest,
        statutory: s.statutory,
      });
    }
    if (decided[0]?.type === 'SharesSubscribed' && state.queue.length > 0) {
      const head = state.queue[0]!;
      const after = currentCapital(state).minus(head.amount);
      const fits = after.compare(capitalFloor(state, s.statutory).floor) >= 0;
      headFitsAfterSubscription.push(fits);
    }
  }
  return { state, events, heldAtEndOf, exits, headFitsAfterSubscription, lastDay: day };
}

/** Gloux shares dated anywhere from before the history to its end (some left again). */
const legacyArb = fc.array(
  fc.record({
    number: fc.integer({ min: 50_000, max: 60_000 }),
    from: fc.integer({ min: -40, max: 400 }),
    stay: fc.option(fc.integer({ min: 0, max: 200 })),
  }),
  { maxLength: 8 },
);

/** The capital and its highest running total, counted again from the dated changes. */
function recount(state: ShareCapitalState): { capital: string; highest: string } {
  let running = Money.ZERO;
  let highest = Money.ZERO;
  for (const day of [...state.changes.keys()].sort())
    for (const amount of state.changes.get(day)!) {
      running = running.plus(amount);
      if (running.compare(highest) > 0) highest = running;
    }
  return { capital: running.toString(), highest: highest.toString() };
}

describe('share capital properties', () => {
  it('capital on any day = nominal × shares held at the end of that day, whatever the movements', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const o = play(s);
        const days = [...o.heldAtEndOf.keys()];
        // Every day from before the first movement to after the last one.
        let count = 0;
        for (let d = addDays(START, -1); d <= addDays(o.lastDay, 2); d = addDays(d, 1)) {
          if (o.heldAtEndOf.has(d)) count = o.heldAtEndOf.get(d)!;
          expect(capitalOn(o.state, d).toString()).toBe(
            Money.of('16.00').times(String(count)).toFixed(2),
          );
        }
        expect(
          days.length === 0 || currentCapital(o.state).equals(capitalOn(o.state, o.lastDay)),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('the capital and highest capital kept as events fold equal a recount, even with changes dated in the past', () => {
    fc.assert(
      fc.property(scenarioArb, legacyArb, (s, legacy) => {
        const o = play(s);
        const shares: ImportedShare[] = [...new Map(legacy.map((l) => [l.number, l])).values()].map(
          (l) => ({
            number: l.number,
            tiersId: '9',
            nominal: '16.00',
            state: l.stay === null ? 'liberee' : 'remboursee',
            subscribedOn: addDays(START, l.from),
            paidOn: null,
            legacyPaymentId: 0,
            exitOn: l.stay === null ? null : addDays(START, l.from + l.stay),
            transfereeTiersId: null,
          }),
        );
        const imported = evolveShareCapital(o.state, {
          type: 'LegacySharesImported',
          data: { importedOn: addDays(o.lastDay, 1), shares },
        });
        const oneByOne = o.events.reduce(evolveShareCapital, initialShareCapitalState);
        for (const state of [o.state, imported, oneByOne]) {
          expect({
            capital: currentCapital(state).toString(),
            highest: highestCapital(state).toString(),
          }).toEqual(recount(state));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never gives a share number twice, even when the counter goes back', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const given: number[] = [];
        for (const e of play(s).events) {
          if (e.type === 'SharesSubscribed') given.push(...e.data.numbers);
          if (e.type === 'SharesTransferred') given.push(...e.data.newNumbers);
        }
        expect(new Set(given).size).toBe(given.length);
      }),
      { numRuns: 150 },
    );
  });

  it('never takes the capital below its floor, with "refuse" and with "queue"', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const o = play(s);
        for (const exit of o.exits) {
          expect(
            exit.capital.times('4').comparedTo(exit.highest.toDecimal()),
          ).toBeGreaterThanOrEqual(0);
          expect(exit.capital.compare(exit.statutory)).toBeGreaterThanOrEqual(0);
        }
        if (s.policy === 'refuse') expect(o.state.queue).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('with "queue", a subscription executes every queued redemption that fits, first in first out', () => {
    fc.assert(
      fc.property(
        scenarioArb.map((s) => ({ ...s, policy: 'queue' as const })),
        (s) => {
          expect(play(s).headFitsAfterSubscription.every((fits) => !fits)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
