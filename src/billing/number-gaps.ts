import type { Clock } from '../kernel/clock.js';
import type { Db } from '../kernel/database/db.js';
import type { CommandOutcome } from '../kernel/event-store/command-pipeline.js';
import { sqlTimestamp } from '../kernel/event-store/event-store.js';

export interface DrawnNumber {
  readonly counter: string;
  readonly value: number;
  readonly number: string;
}

/** A drawn number that could not be used is recorded and explained, never reused (Gloux README point 1). */
export async function recordNumberGap(
  db: Db,
  now: Date,
  drawn: DrawnNumber,
  reason: string,
): Promise<void> {
  await db.run((q) =>
    q.execute(
      `INSERT INTO g2_number_gaps (counter, value, number, drawn_at, reason) VALUES (?, ?, ?, ?, ?)`,
      [drawn.counter, drawn.value, drawn.number, sqlTimestamp(now), reason.slice(0, 2000)],
    ),
  );
}

/**
 * Runs a command that uses numbers drawn from Gloux's counters before it (a MyISAM draw never
 * rolls back): when the command fails, or turns out to be a replay that kept its first numbers,
 * every number drawn for it is recorded as a gap with the reason.
 */
export async function withDrawnNumbers<R>(
  db: Db,
  clock: Clock,
  drawn: readonly DrawnNumber[],
  execute: () => Promise<CommandOutcome<R>>,
): Promise<R> {
  const gaps = (reason: string) =>
    Promise.all(drawn.map((d) => recordNumberGap(db, clock.now(), d, reason)));
  try {
    const outcome = await execute();
    if (outcome.replayed) {
      const own = drawn.length > 1 ? 'numbers' : 'number';
      await gaps(`idempotent replay: the first command kept its own ${own}`);
    }
    return outcome.result;
  } catch (error) {
    await gaps(`command failed: ${(error as Error).message}`);
    throw error;
  }
}
