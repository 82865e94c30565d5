import type { Db } from '../kernel/database/db.js';
import { SingleFlight } from '../../legacy-sync/single-flight.js';
import { readAll, sqlTimestamp, type RecordedEvent } from '../kernel/event-store/event-store.js';

/**
 * Follows the log after commit from its own checkpoint (g2_checkpoints), one reaction per
 * relevant event. The checkpoint moves past an event only once its reaction succeeded, so a
 * failure is retried at the next wake-up and nothing is lost; reactions are idempotent (keys,
 * unique rows), so a crash between a reaction and its checkpoint repeats nothing.
 */
export class LogFollower {
  lastError: { at: string; position: number; message: string } | null = null;

  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly relevant: (event: RecordedEvent) => boolean,
    private readonly react: (event: RecordedEvent) => Promise<void>,
    private readonly batchSize = 500,
  ) {}

  async position(): Promise<number> {
    const [row] = await this.db.query<{ position: number | string }>(
      `SELECT position FROM g2_checkpoints WHERE name = ?`,
      [this.name],
    );
    return Number(row?.position ?? 0);
  }

  /** Reacts to everything committed so far; throws on the first reaction that fails. */
  async catchUp(): Promise<number> {
    await this.ensureCheckpoint();
    let total = 0;
    for (;;) {
      const from = await this.position();
      const events = await this.db.run((q) => readAll(q, from, this.batchSize));
      if (events.length === 0) {
        this.lastError = null;
        return total;
      }
      for (const event of events) {
        if (!this.relevant(event)) continue;
        try {
          await this.react(event);
        } catch (error) {
          this.lastError = {
            at: new Date().toISOString(),
            position: event.position,
            message: (error as Error).message,
          };
          throw error;
        }
        await this.moveTo(event.position);
        total += 1;
      }
      await this.moveTo(events[events.length - 1]!.position);
    }
  }

  private readonly flight = new SingleFlight(
    () => this.catchUp(),
    (a: number, b: number) => a + b,
    () => 0,
  );

  /** Coalesces wake-ups: one pass at a time, one more if woken meanwhile. Never throws. */
  wake(): Promise<number> {
    return this.flight.wake();
  }

  /** Joins or runs a pass and throws its failure (settle): never a catch-up beside a wake-up. */
  drain(): Promise<number> {
    return this.flight.drain();
  }

  private async ensureCheckpoint(): Promise<void> {
    const insert = this.db.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await this.db.run((q) =>
      q.execute(`${insert} INTO g2_checkpoints (name, position, updated_at) VALUES (?, 0, ?)`, [
        this.name,
        sqlTimestamp(new Date()),
      ]),
    );
  }

  /** Never backwards: two instances following the same log cannot undo each other. */
  private async moveTo(position: number): Promise<void> {
    await this.db.run((q) =>
      q.execute(
        `UPDATE g2_checkpoints SET position = ?, updated_at = ? WHERE name = ? AND position < ?`,
        [position, sqlTimestamp(new Date()), this.name, position],
      ),
    );
  }
}
