import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from './decider.testkit.js';
import { DomainError } from './errors.js';

/** A counter that refuses to go below zero: enough to show the helper fails when it should. */
type Event = { readonly type: 'Added'; readonly by: number };
const counter = deciderSpec({
  initial: 0,
  evolve: (n: number, e: Event) => n + e.by,
  decide: (n: number, by: number, ctx: { readonly max: number }): Event => {
    if (n + by < 0) throw new DomainError('invalid_input', 'Négatif.', 'by');
    if (n + by > ctx.max) throw new DomainError('conflict', 'Trop haut.');
    return { type: 'Added', by };
  },
});
const added = (by: number): Event => ({ type: 'Added', by });

describe('deciderSpec', () => {
  it('folds the given events, decides, and compares the events', () => {
    expect(counter.given(added(2), added(3)).state).toBe(5);
    const decided = counter
      .given(added(2))
      .when(-1, { max: 9 })
      .then([added(-1)]);
    expect(decided.state()).toBe(1);
    expect(() =>
      counter
        .given()
        .when(1, { max: 9 })
        .then([added(2)]),
    ).toThrow();
  });

  it('checks a refusal by code and field, and fails when there is none or another', () => {
    expect(
      counter.given(added(1)).when(-2, { max: 9 }).thenThrows('invalid_input', 'by').message,
    ).toBe('Négatif.');
    expect(() => counter.given().when(1, { max: 9 }).thenThrows('invalid_input')).toThrow();
    expect(() => counter.given().when(10, { max: 9 }).thenThrows('invalid_input')).toThrow();
    expect(() =>
      counter.given().when(-1, { max: 9 }).thenThrows('invalid_input', 'other'),
    ).toThrow();
  });
});
