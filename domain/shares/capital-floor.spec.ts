import { describe, expect, it } from '@jest/globals';
import { Money } from '../shared/money.js';
import { refusalOf, shareContext, shareRules } from './share.testkit.js';
import type { ShareEvent } from './events.js';
import {
  capitalFloor,
  currentCapital,
  highestCapital,
  heldBy,
  initialShareCapitalState,
  foldShareCapital,
  type FloorPolicy,
  type ShareCapitalState,
} from './share-capital.js';
import { decideRedeemShares, decideSubscribeShares, type ShareContext } from './share-movements.js';

/**
 * The worked example of the capital floor (docs/accounting.md §5, loi du 10 septembre 1947 art. 13),
 * figures checked by hand. Nominal 16.00 €, statutory floor 100.00 €.
 *
 *   2020-01-10  A subscribes 50 (1–50)        capital   800.00   highest   800.00
 *   2020-03-01  B subscribes 25 (51–75)       capital 1 200.00   highest 1 200.00 → ¼ = 300.00
 *   2021-06-30  A redeems 30 (1–30)   −480    capital   720.00   ≥ 300 ✓
 *   2022-06-30  A redeems 20 (31–50)  −320    capital   400.00   ≥ 300 ✓ (A has left)
 *   2023-06-30  B asks 10 (51–60)     −160  → 240.00 < 300: refused (or queued)
 *   2023-06-30  B redeems 6 (51–56)   −96     capital   304.00   ≥ 300 ✓
 *   2023-07-01  B asks 1 (57)         −16   → 288.00 < 300: refused (or queued)
 *   queue:      B's 10 (57–66) wait; 2024-01-15 C subscribes 10 (76–85) +160 → 464.00,
 *               highest still 1 200.00, 464 − 160 = 304 ≥ 300: executed that day → 304.00
 *   statutory floor 350.00 instead: it binds (350 > 300); capital 400 may not lose even 96.
 */

const context = (policy: FloorPolicy, today: string, statutory = '100.00'): ShareContext =>
  shareContext(today, { rules: shareRules(policy, statutory) });

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function subscribe(
  state: ShareCapitalState,
  tiersId: string,
  numbers: number[],
  on: string,
  policy: FloorPolicy = 'refuse',
) {
  const events = decideSubscribeShares(
    state,
    { tiersId, count: numbers.length, on },
    { ...context(policy, on), numbers },
  );
  return { events, state: foldShareCapital(events, state) };
}

function redeem(
  state: ShareCapitalState,
  tiersId: string,
  numbers: string,
  on: string,
  policy: FloorPolicy = 'refuse',
  statutory?: string,
) {
  const events = decideRedeemShares(
    state,
    { tiersId, numbers, on },
    context(policy, on, statutory),
  );
  return { events, state: foldShareCapital(events, state) };
}

/** A and B as in the table, down to 400.00 € with the highest at 1 200.00 €. */
function atFourHundred(): ShareCapitalState {
  let s = subscribe(initialShareCapitalState, '1', range(1, 50), '2020-01-10').state;
  expect(currentCapital(s).toString()).toBe('800.00');
  s = subscribe(s, '2', range(51, 75), '2020-03-01').state;
  expect(currentCapital(s).toString()).toBe('1200.00');
  s = redeem(s, '1', '1-30', '2021-06-30').state;
  expect(currentCapital(s).toString()).toBe('720.00');
  s = redeem(s, '1', '31-50', '2022-06-30').state;
  expect(currentCapital(s).toString()).toBe('400.00');
  expect(heldBy(s, '1')).toEqual([]);
  return s;
}

describe('the capital floor, worked example', () => {
  it('is a quarter of the highest capital ever reached: 1 200.00 ÷ 4 = 300.00 (above the statutes’ 100.00)', () => {
    const s = atFourHundred();
    expect(highestCapital(s).toString()).toBe('1200.00');
    const floor = capitalFloor(s, Money.of('100.00'));
    expect(floor).toMatchObject({ binding: 'quarter' });
    expect(floor.floor.toString()).toBe('300.00');
  });

  it('refuses a redemption that would take the capital to 240.00, with the figures in French', () => {
    const s = atFourHundred();
    const error = refusalOf(() => redeem(s, '2', '51-60', '2023-06-30'));
    expect(error.code).toBe('capital_floor');
    expect(error.field).toBe('numbers');
    expect(error.message).toBe(
      'Remboursement refusé : le capital passerait de 400,00\u00a0€ à 240,00\u00a0€, sous le quart du capital le plus élevé atteint (1\u202f200,00\u00a0€ ÷ 4 = 300,00\u00a0€, loi du 10 septembre 1947, art. 13).',
    );
    expect(error.details).toMatchObject({
      capital: '400.00',
      amount: '160.00',
      capitalAfter: '240.00',
      highest: '1200.00',
      floor: '300.00',
    });
  });

  it('lets 6 shares go (304.00 ≥ 300.00), then refuses one more (288.00)', () => {
    const s = redeem(atFourHundred(), '2', '51-56', '2023-06-30').state;
    expect(currentCapital(s).toString()).toBe('304.00');
    const error = refusalOf(() => redeem(s, '2', '57', '2023-07-01'));
    expect(error.details).toMatchObject({ capitalAfter: '288.00', floor: '300.00' });
  });

  it('queues instead under policy "queue", and executes the request when a subscription allows it', () => {
    let s = redeem(atFourHundred(), '2', '51-56', '2023-06-30', 'queue').state;
    const queued = redeem(s, '2', '57-66', '2023-07-01', 'queue');
    expect(queued.events.map((e) => e.type)).toEqual(['ShareRedemptionQueued']);
    s = queued.state;
    expect(currentCapital(s).toString()).toBe('304.00'); // nothing left yet
    expect(s.queue).toHaveLength(1);
    const c = subscribe(s, '3', range(76, 85), '2024-01-15', 'queue');
    expect(c.events.map((e: ShareEvent) => e.type)).toEqual(['SharesSubscribed', 'SharesRedeemed']);
    const executed = c.events[1] as Extract<ShareEvent, { type: 'SharesRedeemed' }>;
    expect(executed.data).toMatchObject({
      on: '2024-01-15',
      requestedOn: '2023-07-01',
      amount: '160.00',
      numbers: range(57, 66),
    });
    expect(currentCapital(c.state).toString()).toBe('304.00'); // 304 + 160 − 160
    expect(highestCapital(c.state).toString()).toBe('1200.00');
    expect(c.state.queue).toEqual([]);
  });

  it('uses the statutory floor when it is higher: 350.00 binds, not 300.00', () => {
    const s = atFourHundred();
    const error = refusalOf(() => redeem(s, '2', '51-56', '2023-06-30', 'refuse', '350.00'));
    expect(error.message).toBe(
      'Remboursement refusé : le capital passerait de 400,00\u00a0€ à 304,00\u00a0€, sous le capital minimum fixé par les statuts (350,00\u00a0€).',
    );
    const ok = redeem(s, '2', '51-53', '2023-06-30', 'refuse', '350.00');
    expect(currentCapital(ok.state).toString()).toBe('352.00');
  });

  it('counts a peak reached the same day as a redemption (a subscription then a redemption)', () => {
    let s = subscribe(initialShareCapitalState, '1', range(1, 4), '2020-01-10').state; // 64.00
    s = subscribe(s, '2', range(5, 8), '2020-01-10').state; // 128.00, the peak
    // Down to 32.00 the same day: still ≥ 128 ÷ 4; one more share would be 16.00 < 32.00.
    s = redeem(s, '1', '1-4', '2020-01-10', 'refuse', '0.00').state;
    s = redeem(s, '2', '5-6', '2020-01-10', 'refuse', '0.00').state;
    expect(currentCapital(s).toString()).toBe('32.00');
    expect(highestCapital(s).toString()).toBe('128.00');
    const error = refusalOf(() => redeem(s, '2', '7', '2020-01-10', 'refuse', '0.00'));
    expect(error.details).toMatchObject({ highest: '128.00', floor: '32.00' });
  });
});
