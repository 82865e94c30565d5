import type { FloorPolicy, ShareRules } from '../../domain/shares/share-capital.js';
import { Money } from '../../domain/shared/money.js';

/** Share capital settings (environment), documented in README.md "Share capital". */
export const SHARES_CONFIG = Symbol('SHARES_CONFIG');

function amount(name: string, value: string | undefined, fallback: string, positive: boolean) {
  const raw = value?.trim() || fallback;
  let parsed: Money;
  try {
    parsed = Money.of(raw.replace(',', '.'));
  } catch {
    throw new Error(`${name} must be an amount like ${fallback} (got ${raw})`);
  }
  if (parsed.isNegative() || (positive && parsed.isZero()))
    throw new Error(`${name} must be ${positive ? 'positive' : 'zero or positive'} (got ${raw})`);
  return parsed;
}

/**
 * SHARES_NOMINAL: nominal value of a new share (default 16.00, Gloux's data).
 * SHARES_STATUTORY_FLOOR: the statutes' minimum capital (default 0.00).
 * SHARES_FLOOR_POLICY: 'refuse' (default) or 'queue' a redemption the floor does not allow.
 */
export function loadSharesConfig(env: NodeJS.ProcessEnv = process.env): ShareRules {
  const policy = env.SHARES_FLOOR_POLICY?.trim() || 'refuse';
  if (policy !== 'refuse' && policy !== 'queue')
    throw new Error(`SHARES_FLOOR_POLICY must be refuse or queue (got ${policy})`);
  return {
    nominal: amount('SHARES_NOMINAL', env.SHARES_NOMINAL, '16.00', true),
    statutoryFloor: amount('SHARES_STATUTORY_FLOOR', env.SHARES_STATUTORY_FLOOR, '0.00', false),
    policy: policy as FloorPolicy,
  };
}
