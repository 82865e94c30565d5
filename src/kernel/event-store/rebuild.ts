import type { Db, Queryable } from '../database/db.js';
import { isTransientDatabaseError } from '../errors.js';
import type { Projection } from '../projection.js';
import { startRun, type ProjectionRun } from '../projection-run.js';
import { lastPosition, readAllBatches } from './event-store.js';

const LOCK_APPENDS = `SELECT last_position FROM g2_append_lock WHERE id = 1 FOR UPDATE`;

/** MariaDB: the copies a rebuild fills, and the live tables it swapped out. */
const FRESH = '__rebuild';
const OLD = '__old';
/** How long the swap waits for readers of the live tables, and how often it tries. */
const SWAP_WAIT_SECONDS = 2;
const SWAP_TRIES = 20;

export interface RebuildOptions {
  /**
   * MariaDB: from this many events in the log on, fresh tables are filled and swapped in rather
   * than emptied in place (default: never). Measured on 5,000 members × 2 years (42,879 events,
   * 139,609 rows, load 15–20): the swap's DDL alone costs ~2.6 s for the 35 tables, deleting
   * them in the transaction ~1.5–1.9 s, and the whole rebuild took 39–40 s by swap against
   * 22–34 s in place (filling new, empty tablespaces costs more than reusing pages): the swap
   * stays an option, tested, until a larger log shows it pays (docs/benchmarks.md).
   */
  readonly swapFromEvents?: number;
}
const SWAP_FROM_EVENTS = Number.POSITIVE_INFINITY;

/**
 * Empties the projections' tables and replays the whole log into them in one streaming pass,
 * while no command commits; the changes gather in memory and go out in large batches. A failure
 * leaves every table as it was.
 *
 * - By default (and always on SQLite, one writer): one transaction, which on MariaDB holds the
 *   append lock. SQLite's `DELETE FROM` without a condition drops the table's pages at once.
 * - MariaDB with `swapFromEvents`: deleting every row in a transaction costs an undo record and
 *   index maintenance per row, growing with the log, so the pass fills fresh copies of
 *   the tables and swaps them in with one atomic `RENAME TABLE`, all while another connection
 *   holds the append lock. DDL commits the transaction it runs in, hence the two connections.
 */
export async function rebuildProjections(
  db: Db,
  projections: readonly Projection[],
  onProgress?: (position: number) => void,
  options: RebuildOptions = {},
): Promise<{ events: number }> {
  const tables = projections.flatMap((p) => p.tables.map((t) => t.name));
  const swapFrom = options.swapFromEvents ?? SWAP_FROM_EVENTS;
  if (db.dialect === 'sqlite' || (await db.run(lastPosition)) < swapFrom) {
    return db.transaction(async (tx) => {
      if (tx.dialect === 'mysql') await tx.query(LOCK_APPENDS);
      for (const table of tables) await tx.execute(`DELETE FROM ${table}`);
      const run = startRun(tx, projections, 'rebuild');
      const { count } = await replay(tx, run, 0, onProgress);
      return { events: count };
    });
  }
  // The connection that fills and swaps is taken first: once the append lock is held, commands
  // wait holding theirs, and the pool might have none left.
  return db.run(async (q) => {
    await dropCopies(q, tables);
    try {
      for (const table of tables) await q.execute(`CREATE TABLE ${table}${FRESH} LIKE ${table}`);
      const run = startRun(q, projections, 'rebuild', { tableName: (t) => `${t}${FRESH}` });
      const swap = tables.flatMap((t) => [`${t} TO ${t}${OLD}`, `${t}${FRESH} TO ${t}`]).join(', ');
      let position = 0;
      let events = 0;
      for (let attempt = 1; ; attempt++) {
        const swapped = await db.transaction(async (lock) => {
          await lock.query(LOCK_APPENDS);
          // The log cannot grow now: catch up (the whole log the first time), then swap.
          await q.execute('START TRANSACTION');
          const caught = await replay(q, run, position, onProgress);
          await q.execute('COMMIT');
          position = caught.position;
          events += caught.count;
          // A session setting (MySQL has no SET STATEMENT), put back before the connection is.
          await q.execute(`SET SESSION lock_wait_timeout = ${SWAP_WAIT_SECONDS}`);
          try {
            await q.execute(`RENAME TABLE ${swap}`);
            return true;
          } catch (error) {
            // A transaction that read a live table holds it until it ends, and may be a command
            // waiting for this very lock: let it through, catch up with it, and try again.
            if (attempt < SWAP_TRIES && isTransientDatabaseError(error)) return false;
            throw error;
          }
        });
        if (swapped) return { events };
      }
    } finally {
      await q.execute(`SET SESSION lock_wait_timeout = DEFAULT`);
      await dropCopies(q, tables);
    }
  });
}

/** Applies the events after `after` to the run and writes every change. */
async function replay(
  q: Queryable,
  run: ProjectionRun,
  after: number,
  onProgress?: (position: number) => void,
): Promise<{ count: number; position: number }> {
  let count = 0;
  let position = after;
  for await (const batch of readAllBatches(q, after, 1000)) {
    for (const event of batch) await run.apply(event);
    await run.flushIfFull();
    count += batch.length;
    position = batch[batch.length - 1]!.position;
    onProgress?.(position);
  }
  await run.flush();
  return { count, position };
}

/** Drops the copies a rebuild left: fresh ones after a failure, the swapped-out ones after it. */
async function dropCopies(q: Queryable, tables: readonly string[]): Promise<void> {
  const copies = tables.flatMap((t) => [`${t}${FRESH}`, `${t}${OLD}`]);
  await q.execute(`DROP TABLE IF EXISTS ${copies.join(', ')}`);
}
