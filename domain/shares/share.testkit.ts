/** Shared by the share capital specs: rules, a decision context and a refusal catcher. */
import { expect } from '@jest/globals';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type { FloorPolicy, ShareRules } from './share-capital.js';
import type { ShareContext } from './share-movements.js';

/** Gloux's nominal value (16.00 €), a statutory floor and a policy. */
export const shareRules = (policy: FloorPolicy = 'refuse', statutory = '0.00'): ShareRules => ({
  nominal: Money.of('16.00'),
  statutoryFloor: Money.of(statutory),
  policy,
});

/** A decision context on `today`, with the tiers that exist and fresh ids. */
export function shareContext(
  today: string,
  options: { rules?: ShareRules; tiers?: readonly string[] } = {},
): ShareContext {
  let id = 0;
  const tiers = options.tiers ?? ['1', '2', '3'];
  return {
    today,
    rules: options.rules ?? shareRules(),
    tiersExists: (t) => tiers.includes(t),
    newId: () => `id-${today}-${++id}`,
  };
}

/** The DomainError `run` throws (the test fails if it throws nothing or something else). */
export function refusalOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}
