import { vatRateOn } from '../../domain/catalogue/vat-schedule.js';
import type { Day } from '../../domain/shared/day.js';
import { vatSchedule } from '../../projections/vat-rates/vat-rates.queries.js';
import type { Queryable } from '../kernel/database/db.js';

/**
 * The VAT rate of overage lines: the standard rate of the catalogue's dated VAT schedule on the
 * last day of the line's period. Loaded once per run, then answered synchronously for the pure
 * domain; a day with no rate in force fails loudly (never a guessed rate).
 */
export async function loadOverageVatLookup(q: Queryable): Promise<(day: Day) => string> {
  const entries = await vatSchedule(q);
  return (day) => vatRateOn(entries, 'standard', day);
}
