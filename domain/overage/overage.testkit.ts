/** Shared by the overage specs: rules with round figures and a reading builder. */
import type { OverageResource } from './events.js';
import type { OverageRules, RecordUsage, UsageReading } from './hosting-overage.js';
import { KO_PER_GO, KO_PER_MO, type OveragePricing } from './pricing.js';

export const testPricing: OveragePricing = {
  disk: { unitNet: '0.4183', blockSize: 100 * KO_PER_MO, productId: null },
  traffic: { unitNet: '0.10', blockSize: KO_PER_GO, productId: null },
  mail: { unitNet: '0.10', blockSize: 1, productId: null },
};

/** 7 days of grace, VAT 19.6 % until 2013 and 20 % after (France's standard rate). */
export const testRules: OverageRules = {
  graceDays: 7,
  pricing: testPricing,
  vatRateOn: (day) => (day < '2014-01-01' ? '19.6' : '20'),
};

export const mo = (n: number) => n * KO_PER_MO;
export const go = (n: number) => n * KO_PER_GO;

/** Disk 400 Mo included, traffic 100 Go, 20 boxes. */
export const QUOTAS: Readonly<Record<OverageResource, number>> = {
  disk: mo(400),
  traffic: go(100),
  mail: 20,
};

export function usage(
  on: string,
  measured: Partial<Record<OverageResource, number>>,
  extra: { previousMonthTraffic?: { month: string; measured: number }; hostingId?: string } = {},
): RecordUsage {
  const readings: UsageReading[] = (Object.keys(measured) as OverageResource[]).map((r) => ({
    resource: r,
    measured: measured[r]!,
    quota: QUOTAS[r],
    ...(r === 'traffic' && extra.previousMonthTraffic
      ? { previousMonth: extra.previousMonthTraffic }
      : {}),
  }));
  return {
    hostingId: extra.hostingId ?? '7',
    customerId: '3',
    hostingName: 'webcoop',
    on,
    readings,
  };
}
