import type { PricingDefaults } from '../../../domain/overage/pricing.js';
import { amount, int, raw, type Env } from './parse.js';

/** Overage settings (environment), documented in docs/configuration.md "Overage". */
export interface OverageConfig {
  /** OVERAGE_GRACE_DAYS: days between the warning and the first billable day (default 7). */
  readonly graceDays: number;
  /** OVERAGE_THRESHOLD: pending lines are invoiced once their total TTC reaches it (default 5.00). */
  readonly threshold: string;
  /** OVERAGE_TRAFFIC_ALLOWANCE_GO: monthly traffic included in every hosting account (default 100). */
  readonly trafficAllowanceGo: number;
  /** OVERAGE_DISK_PRICE, OVERAGE_DISK_BLOCK_MO, OVERAGE_TRAFFIC_PRICE, OVERAGE_MAIL_PRICE. */
  readonly pricing: PricingDefaults;
}

export const OVERAGE_CONFIG = Symbol('OVERAGE_CONFIG');

/** A unit price (4 decimals, as Gloux's catalogue keeps them); undefined when unset. */
function price(env: Env, name: string): string | undefined {
  if (raw(env, name) === undefined) return undefined;
  return amount(env, name, '0.10', { decimals: 4 }).toString();
}

export function loadOverageConfig(env: Env): OverageConfig {
  return {
    graceDays: int(env, 'OVERAGE_GRACE_DAYS', 7, 0, 365),
    threshold: amount(env, 'OVERAGE_THRESHOLD', '5.00', { decimals: 2 }).toFixed(2),
    trafficAllowanceGo: int(env, 'OVERAGE_TRAFFIC_ALLOWANCE_GO', 100, 0, 1_000_000),
    pricing: {
      // Unset: the DISQUE100 option's price / 12 (domain/overage/pricing.ts).
      diskPricePerMonth: price(env, 'OVERAGE_DISK_PRICE') ?? null,
      diskBlockMo: int(env, 'OVERAGE_DISK_BLOCK_MO', 100, 1, 1_000_000),
      trafficPricePerGo: price(env, 'OVERAGE_TRAFFIC_PRICE') ?? '0.10',
      mailPricePerMonth: price(env, 'OVERAGE_MAIL_PRICE') ?? '0.10',
    },
  };
}
