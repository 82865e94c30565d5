import type { VatCategory } from '../../domain/catalogue/events.js';
import type { VatScheduleEntry } from '../../domain/catalogue/vat-schedule.js';
import type { Queryable } from '../../src/kernel/database/db.js';

export interface VatScheduleRow extends VatScheduleEntry {
  entryId: string;
  reason: string;
  position: number;
}

/** Every entry in recording order (what vatRateOn expects: the last one recorded wins a tie). */
export async function vatSchedule(q: Queryable): Promise<VatScheduleRow[]> {
  const rows = await q.query<{
    entry_id: string;
    category: string;
    rate: string;
    effective_from: string;
    reason: string;
    position: number | string;
  }>(
    `SELECT entry_id, category, rate, effective_from, reason, position FROM g2_rm_vat_rates ORDER BY position`,
  );
  return rows.map((r) => ({
    entryId: r.entry_id,
    category: r.category as VatCategory,
    rate: r.rate,
    effectiveFrom: r.effective_from,
    reason: r.reason,
    position: Number(r.position),
  }));
}
