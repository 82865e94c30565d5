import type { Queryable } from '../database/db.js';
import { sqlTimestamp } from './event-store.js';

/** A number drawn from one of Gloux's counters (invoice, credit note, share) before a command. */
export interface DrawnNumber {
  readonly counter: string;
  readonly value: number;
  readonly number: string;
}

/** A drawn number that could not be used is recorded and explained, never reused (Gloux README point 1). */
export async function recordNumberGap(
  q: Queryable,
  now: Date,
  drawn: DrawnNumber,
  reason: string,
): Promise<void> {
  await q.execute(
    `INSERT INTO g2_number_gaps (counter, value, number, drawn_at, reason) VALUES (?, ?, ?, ?, ?)`,
    [drawn.counter, drawn.value, drawn.number, sqlTimestamp(now), reason.slice(0, 2000)],
  );
}
