import type { Db } from '../database/db.js';
import { sqlTimestamp } from '../event-store/event-store.js';

/** A drawn number that could not be used is recorded and explained, never reused (Gloux README point 1). */
export async function recordNumberGap(
  db: Db,
  now: Date,
  drawn: { counter: string; value: number; number: string },
  reason: string,
): Promise<void> {
  await db.run((q) =>
    q.execute(
      `INSERT INTO g2_number_gaps (counter, value, number, drawn_at, reason) VALUES (?, ?, ?, ?, ?)`,
      [drawn.counter, drawn.value, drawn.number, sqlTimestamp(now), reason.slice(0, 2000)],
    ),
  );
}
