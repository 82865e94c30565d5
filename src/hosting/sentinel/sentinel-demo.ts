import { addDays, type Day } from '../../../domain/shared/day.js';
import { seedLegacyDemoPhones } from '../../../legacy-sync/legacy-demo-phones.js';
import type { Db } from '../../kernel/database/db.js';
import type { SentinelService } from './sentinel.service.js';

/** Demo boxes' daily usage: [address, hosting, quota Mo, ko used 29 days ago, ko used today]. */
const DEMO_BOXES: readonly [string, number, number, number, number][] = [
  // Anne's box fills up: past 90 % about ten days ago, full for the last few days.
  ['anne@anne-lefevre.fr', 1, 100, 70_000, 107_000],
  // Webcoop's invoices box hovers at 93-95 %.
  ['factures@webcoop.fr', 3, 200, 190_500, 194_600],
  // Webcoop's contact box is far from full.
  ['contact@webcoop.fr', 3, 500, 120_000, 150_000],
];

/**
 * The demo's mailbox story (embedded SQLite only): 30 days of g2_mail_usage as
 * `mail-usage:collect` would have written them (rows already there are kept), the members'
 * phone numbers, and the sentinel run for each day as cron would have: Anne's box has had a
 * "presque pleine" then a "pleine" alert, Webcoop's invoices box a "presque pleine" one.
 */
export async function seedDemoSentinel(
  db: Db,
  sentinel: SentinelService,
  today: Day,
): Promise<void> {
  const from = addDays(today, -29);
  await db.transaction(async (tx) => {
    await seedLegacyDemoPhones(tx);
    for (let i = 0; i < 30; i += 1) {
      const day = addDays(from, i);
      for (const [address, hostingId, quotaMb, first, last] of DEMO_BOXES) {
        await tx.execute(
          `INSERT OR IGNORE INTO g2_mail_usage (day, address, hosting_id, domain, used_kb, quota_mb) VALUES (?, ?, ?, ?, ?, ?)`,
          [
            day,
            address,
            hostingId,
            address.split('@')[1],
            Math.round(first + ((last - first) * i) / 29),
            quotaMb,
          ],
        );
      }
    }
  });
  for (let i = 0; i < 30; i += 1) await sentinel.run(addDays(from, i));
}
