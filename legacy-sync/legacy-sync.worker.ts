import type { Db, Queryable, Tx } from '../src/kernel/database/db.js';
import { readAll, sqlTimestamp } from '../src/kernel/event-store/event-store.js';
import { mirrorEvent, refreshAfterIngest } from './legacy-mirror.js';
import { SingleFlight } from './single-flight.js';

export const LEGACY_SYNC_CHECKPOINT = 'legacy-sync';

/** The last position the mirror has written to Gloux's tables (0: none yet). */
export async function mirroredUpTo(q: Pick<Queryable, 'query'>): Promise<number> {
  const [row] = await q.query<{ position: number | string }>(
    `SELECT position FROM g2_checkpoints WHERE name = ?`,
    [LEGACY_SYNC_CHECKPOINT],
  );
  return Number(row?.position ?? 0);
}

/**
 * Mirrors the log into Gloux's tables after commit, from its own checkpoint.
 * Each batch runs in one transaction with the checkpoint (Gloux's billing tables are InnoDB);
 * MyISAM writes inside it are recomputations, or balance deltas journaled once per event
 * (addToCustomerBalance), so replaying a batch after a crash is harmless.
 */
export class LegacySyncWorker {
  private readonly flight = new SingleFlight(
    () => this.catchUp(),
    (a: number, b: number) => a + b,
    () => 0,
  );

  get lastError(): { at: string; message: string } | null {
    return this.flight.lastError;
  }

  constructor(
    private readonly db: Db,
    private readonly batchSize = 200,
  ) {}

  /** Mirrors everything committed so far; returns how many events it mirrored. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      // Read committed: the sums it recomputes from Gloux's InnoDB tables (solde, montant_regle)
      // are locking reads; under repeatable read their gap locks deadlocked Gloux's own
      // autocommit INSERT INTO paiements_factures (G9), which InnoDB then rolled back.
      const n = await this.db.transaction((tx) => this.step(tx), { readCommitted: true });
      total += n;
      if (n === 0) return total;
    }
  }

  /** Coalesces wake-ups: one pass at a time, one more if woken meanwhile. Never throws. */
  wake(): Promise<number> {
    return this.flight.wake();
  }

  /** Joins or runs a pass and throws its failure (settle). */
  drain(): Promise<number> {
    return this.flight.drain();
  }

  position(): Promise<number> {
    return mirroredUpTo(this.db);
  }

  private async step(tx: Tx): Promise<number> {
    const from = await lockCheckpoint(tx, LEGACY_SYNC_CHECKPOINT);
    const events = await readAll(tx, from, this.batchSize);
    if (events.length === 0) return 0;
    for (const event of events) {
      // Events ingested from Gloux are already in Gloux's tables: only its sums are refreshed.
      if (event.metadata.source === 'g2') await mirrorEvent(tx, event);
      else await refreshAfterIngest(tx, event);
    }
    await tx.execute(`UPDATE g2_checkpoints SET position = ?, updated_at = ? WHERE name = ?`, [
      events[events.length - 1]!.position,
      sqlTimestamp(new Date()),
      LEGACY_SYNC_CHECKPOINT,
    ]);
    return events.length;
  }
}

/**
 * Takes a mirror's checkpoint row for the transaction (created at 0 the first time), so two app
 * instances never mirror the same batch.
 */
export async function lockCheckpoint(tx: Tx, name: string): Promise<number> {
  const select = `SELECT position FROM g2_checkpoints WHERE name = ?${tx.dialect === 'mysql' ? ' FOR UPDATE' : ''}`;
  let [row] = await tx.query<{ position: number | string }>(select, [name]);
  if (!row) {
    const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
    await tx.execute(
      `${insert} INTO g2_checkpoints (name, position, updated_at) VALUES (?, 0, ?)`,
      [name, sqlTimestamp(new Date())],
    );
    [row] = await tx.query<{ position: number | string }>(select, [name]);
  }
  return Number(row?.position ?? 0);
}
