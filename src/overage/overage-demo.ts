import { addDays, type Day } from '../../domain/shared/day.js';
import { seedLegacyDemoUsage } from '../../legacy-sync/legacy-demo-usage.js';
import type { Db } from '../kernel/database/db.js';
import type { OverageService } from './overage.service.js';

/**
 * The demo's overage story: Gloux's daily measurements for the last 60 days, annelef over its
 * 400 Mo for the last 45, and the job run as cron would have: the day it went over (the
 * warning), then today (the grace period is over, last month's days became a pending line).
 */
export async function seedDemoOverage(db: Db, overage: OverageService, today: Day): Promise<void> {
  const overSince = addDays(today, -45);
  await db.transaction((tx) => seedLegacyDemoUsage(tx, addDays(today, -60), today, overSince));
  await overage.run(overSince);
  await overage.run(today);
}
