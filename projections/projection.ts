import type { Tx } from '../src/database/db.js';
import type { RecordedEvent } from '../src/event-store/event-store.js';

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

/** Integer cents from a two-decimal string, without floating point. */
export function toCents(amount: string): string {
  const negative = amount.startsWith('-');
  const [int = '0', frac = ''] = (negative ? amount.slice(1) : amount).split('.');
  const cents = BigInt(int + frac.padEnd(2, '0').slice(0, 2));
  return (negative ? -cents : cents).toString();
}

/** Integer cents of the opposite amount (a credit note's lines are stored negative). */
export function negatedCents(amount: string): string {
  return (-BigInt(toCents(amount))).toString();
}

/** Two-decimal string from integer cents as the drivers return them (number, string or bigint). */
export function fromCents(cents: unknown): string {
  const n = BigInt(
    typeof cents === 'number' ? Math.trunc(cents) : String(cents ?? '0').split('.')[0] || '0',
  );
  const negative = n < 0n;
  const abs = (negative ? -n : n).toString().padStart(3, '0');
  const s = `${abs.slice(0, -2)}.${abs.slice(-2)}`;
  return negative && n !== 0n ? `-${s}` : s;
}
