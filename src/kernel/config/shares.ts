import type { ShareRules } from '../../../domain/shares/share-capital.js';
import { Money } from '../../../domain/shared/money.js';
import { amount, oneOf, type Env } from './parse.js';

/** Share capital settings (environment), documented in docs/configuration.md "Share capital". */
export const SHARES_CONFIG = Symbol('SHARES_CONFIG');

/**
 * SHARES_NOMINAL: nominal value of a new share (default 16.00, Gloux's data).
 * SHARES_STATUTORY_FLOOR: the statutes' minimum capital (default 0.00).
 * SHARES_FLOOR_POLICY: 'refuse' (default) or 'queue' a redemption the floor does not allow.
 */
export function loadSharesConfig(env: Env): ShareRules {
  return {
    nominal: Money.of(
      amount(env, 'SHARES_NOMINAL', '16.00', { decimals: 2, positive: true }).toFixed(2),
    ),
    statutoryFloor: Money.of(
      amount(env, 'SHARES_STATUTORY_FLOOR', '0.00', { decimals: 2 }).toFixed(2),
    ),
    policy: oneOf(env, 'SHARES_FLOOR_POLICY', ['refuse', 'queue'], 'refuse'),
  };
}

/** The rules with every setting at its default (Gloux's data), for tools run without a config. */
export const defaultShareRules: ShareRules = loadSharesConfig({});
