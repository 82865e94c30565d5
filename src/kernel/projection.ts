import type { Tx } from './database/db.js';
import type { RecordedEvent } from './event-store/event-store.js';

/**
 * A read model kept inside the command's transaction. It must give the same tables whether
 * it is fed live or rebuilt from position 0, so it may read only its own tables and events
 * at or before the one it applies.
 */
export interface Projection {
  readonly name: string;
  /** Tables it owns, emptied before a rebuild. */
  readonly tables: readonly string[];
  apply(tx: Tx, event: RecordedEvent): Promise<void>;
}

/**
 * Inserts `rows` with one statement (`insert` ends with VALUES), in row order; nothing when
 * empty. Read models write several rows per event, and a rebuild pays a round trip per statement.
 */
export async function insertRows(
  tx: Tx,
  insert: string,
  rows: readonly unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const one = `(${rows[0]!.map(() => '?').join(', ')})`;
  await tx.execute(`${insert} ${rows.map(() => one).join(', ')}`, rows.flat());
}
