import { checkChronology } from '../../domain/billing/invoice.js';
import { latestDayOfSeries } from '../../legacy-sync/legacy-gateway.js';
import type { Db } from '../kernel/database/db.js';

/**
 * Checks a document date against its numbered series: Gloux's factures (both systems' documents,
 * once mirrored) and gloux2's own read model (documents not mirrored yet). Both lookups read
 * one row through the unique index on the number.
 */
export async function checkSeriesChronology(
  db: Db,
  prefix: 'F' | 'A',
  issuedOn: string,
  today: string,
): Promise<void> {
  const series = `${prefix}${issuedOn.slice(0, 4)}`;
  const latest = await db.run(async (q) => {
    const [mine] = await q.query<{ d: string | null }>(
      `SELECT issued_on AS d FROM g2_rm_invoices WHERE number >= ? AND number < ? ORDER BY number DESC LIMIT 1`,
      [`${series}-`, `${series}.`],
    );
    const theirs = await latestDayOfSeries(q, series);
    return (
      [mine?.d ?? null, theirs]
        .filter((d): d is string => d !== null)
        .sort()
        .pop() ?? null
    );
  });
  checkChronology(issuedOn, { today, latestInSeries: latest, series });
}
