import { Money, parseDecimal } from '../../domain/shared/money.js';
import type { PricingDefaults } from '../../domain/overage/pricing.js';

/** Overage settings (environment), documented in README.md "Overage". */
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

function integer(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new Error(`${name} must be an integer between 0 and ${max} (got ${value})`);
  }
  return n;
}

function price(name: string, value: string | undefined, fallback: string): string;
function price(name: string, value: string | undefined, fallback: null): string | null;
function price(name: string, value: string | undefined, fallback: string | null): string | null {
  if (value === undefined || value.trim() === '') return fallback;
  try {
    const d = parseDecimal(value.trim().replace(',', '.'), 4);
    if (d.isNegative()) throw new Error('negative');
    return d.toString();
  } catch {
    throw new Error(`${name} must be a price like 0.42 (got ${value})`);
  }
}

export function loadOverageConfig(env: NodeJS.ProcessEnv = process.env): OverageConfig {
  const threshold = env.OVERAGE_THRESHOLD?.trim() || '5.00';
  let parsed: Money;
  try {
    parsed = Money.of(threshold.replace(',', '.'));
  } catch {
    throw new Error(`OVERAGE_THRESHOLD must be an amount like 5.00 (got ${threshold})`);
  }
  if (parsed.isNegative()) throw new Error('OVERAGE_THRESHOLD must not be negative');
  return {
    graceDays: integer('OVERAGE_GRACE_DAYS', env.OVERAGE_GRACE_DAYS, 7, 365),
    threshold: parsed.toString(),
    trafficAllowanceGo: integer(
      'OVERAGE_TRAFFIC_ALLOWANCE_GO',
      env.OVERAGE_TRAFFIC_ALLOWANCE_GO,
      100,
      1_000_000,
    ),
    pricing: {
      diskPricePerMonth: price('OVERAGE_DISK_PRICE', env.OVERAGE_DISK_PRICE, null),
      diskBlockMo: Math.max(
        1,
        integer('OVERAGE_DISK_BLOCK_MO', env.OVERAGE_DISK_BLOCK_MO, 100, 1_000_000),
      ),
      trafficPricePerGo: price('OVERAGE_TRAFFIC_PRICE', env.OVERAGE_TRAFFIC_PRICE, '0.10'),
      mailPricePerMonth: price('OVERAGE_MAIL_PRICE', env.OVERAGE_MAIL_PRICE, '0.10'),
    },
  };
}
