import { hostname } from 'node:os';
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

/**
 * The draw journal (g2_number_draws): a row from just before a counter moves until its number is
 * on a document or in g2_number_gaps. A process killed in between (kill -9: no catch, no
 * finally) leaves its row, and the next start records the number as a gap (rule 1 of
 * docs/legacy-contract.md) instead of waiting for someone to run legacy:repair.
 */
export interface DrawInProgress {
  readonly id: number;
  readonly counter: string;
  readonly floorValue: number;
  readonly value: number | null;
  readonly holder: string;
}

/** Who draws: the MariaDB connection (it dies with its process) or this process on this host. */
async function holderOf(q: Queryable): Promise<string> {
  if (q.dialect === 'mysql') {
    const [row] = await q.query<{ id: unknown }>(`SELECT CONNECTION_ID() AS id`);
    return `conn:${String(row?.id)}`;
  }
  return `pid:${hostname()}:${process.pid}`;
}

/** Journals a draw about to happen on `q` (not in a transaction: it must outlive a rollback). */
export async function beginDraw(q: Queryable, counter: string, floorValue: number, at: Date) {
  const { insertId } = await q.execute(
    `INSERT INTO g2_number_draws (counter, floor_value, value, holder, started_at) VALUES (?, ?, NULL, ?, ?)`,
    [counter, floorValue, await holderOf(q), sqlTimestamp(at)],
  );
  return insertId;
}

export async function drawTaken(q: Queryable, drawId: number, value: number): Promise<void> {
  await q.execute(`UPDATE g2_number_draws SET value = ? WHERE id = ?`, [value, drawId]);
}

/** The numbers are on a document or recorded as gaps: their draws are over. */
export async function endDraws(q: Queryable, drawn: readonly DrawnNumber[]): Promise<void> {
  for (const d of drawn)
    await q.execute(`DELETE FROM g2_number_draws WHERE counter = ? AND value = ?`, [
      d.counter,
      d.value,
    ]);
}

/** Every draw in the journal, with whether its holder is still alive. */
export async function drawsInProgress(
  q: Queryable,
): Promise<(DrawInProgress & { readonly alive: boolean })[]> {
  const rows = await q.query<{
    id: unknown;
    counter: string;
    floor_value: unknown;
    value: unknown;
    holder: string;
  }>(`SELECT id, counter, floor_value, value, holder FROM g2_number_draws ORDER BY id`);
  if (rows.length === 0) return [];
  const connections =
    q.dialect === 'mysql'
      ? new Set(
          (
            await q.query<{ id: unknown }>(`SELECT ID AS id FROM information_schema.PROCESSLIST`)
          ).map((r) => `conn:${String(r.id)}`),
        )
      : new Set<string>();
  return rows.map((r) => ({
    id: Number(r.id),
    counter: r.counter,
    floorValue: Number(r.floor_value),
    value: r.value === null || r.value === undefined ? null : Number(r.value),
    holder: r.holder,
    alive: holderAlive(r.holder, connections),
  }));
}

/** A holder of another host (SQLite file shared over a network) is never taken for dead. */
function holderAlive(holder: string, connections: ReadonlySet<string>): boolean {
  if (holder.startsWith('conn:')) return connections.has(holder);
  const m = /^pid:(.*):(\d+)$/.exec(holder);
  if (!m || m[1] !== hostname()) return true;
  try {
    process.kill(Number(m[2]), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
