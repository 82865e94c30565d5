import { addDays, type Day } from '../domain/shared/day.js';
import type { Queryable } from '../src/kernel/database/db.js';

/**
 * Demo rows of Gloux's daily `mesures_disque` (embedded SQLite mode), as its cron writes them:
 * every demo account well under its quota, except annelef, 412 Mo used for 400 Mo included
 * since `overSince` (its overage shows on Anne's page).
 */
export async function seedLegacyDemoUsage(
  q: Queryable,
  from: Day,
  to: Day,
  overSince: Day,
): Promise<void> {
  const usage: Record<number, [web: number, mail: number, mysql: number]> = {
    1: [298000, 21000, 3200], // 314.6 Mo, as in Gloux's sample data
    2: [120000, 8000, 2000],
    3: [350000, 40000, 12000],
    4: [90000, 15000, 0],
  };
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    for (const [id, [web, mail, mysql]] of Object.entries(usage)) {
      // 412 Mo = 421888 ko: the web space grew past the quota.
      const over = Number(id) === 1 && day >= overSince;
      await q.execute(
        `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour, ts, web_ko, mail_ko, mysql_ko, trafic_ko) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          Number(id),
          y,
          m,
          d,
          Date.UTC(y, m - 1, d, 3) / 1000,
          over ? 421888 - mail - mysql : web,
          mail,
          mysql,
          1843200,
        ],
      );
    }
  }
}
