import { FRANCE_STANDARD_RATE_HISTORY } from '../../domain/catalogue/vat-schedule.js';
import type { Db } from '../kernel/database/db.js';
import { ScheduleVatRateCommand } from './schedule-vat-rate.command.js';
import type { ScheduleVatRateHandler } from './schedule-vat-rate.handler.js';

/**
 * Records France's standard-rate history at start-up, each entry under a fixed idempotency
 * key and only when that key was never used: a fresh database gets it, a restart (or a second
 * instance starting at the same time, or a start interrupted half-way) records nothing twice.
 */
export async function ensureVatHistory(db: Db, handler: ScheduleVatRateHandler): Promise<number> {
  const keys = FRANCE_STANDARD_RATE_HISTORY.map((e) => e.idempotencyKey);
  const done = new Set(
    (
      await db.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM g2_commands WHERE idempotency_key IN (${keys.map(() => '?').join(', ')})`,
        keys,
      )
    ).map((r) => r.idempotency_key),
  );
  let recorded = 0;
  for (const { idempotencyKey, ...entry } of FRANCE_STANDARD_RATE_HISTORY) {
    if (done.has(idempotencyKey)) continue;
    await handler.execute(new ScheduleVatRateCommand(entry, 'system', idempotencyKey));
    recorded += 1;
  }
  return recorded;
}
