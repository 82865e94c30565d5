import type { Queryable, Tx } from '../../src/kernel/database/db.js';
import type { AppendRequest, NewEvent } from '../../src/kernel/event-store/event-store.js';

/**
 * What the table importers share with the runner (../legacy-ingest.ts): the counts a poll
 * returns, the appends of one batch, and the lookups every importer needs.
 */

export interface IngestCounts {
  invoices: number;
  creditNotes: number;
  payments: number;
  accounts: number;
  /** parts_sociales rows added or changed in Gloux, taken in. */
  shares: number;
  events: number;
  issues: number;
}

export const emptyCounts = (): IngestCounts => ({
  invoices: 0,
  creditNotes: 0,
  payments: 0,
  accounts: 0,
  shares: 0,
  events: 0,
  issues: 0,
});

export function addCounts(a: IngestCounts, b: Partial<IngestCounts>): IngestCounts {
  return {
    invoices: a.invoices + (b.invoices ?? 0),
    creditNotes: a.creditNotes + (b.creditNotes ?? 0),
    payments: a.payments + (b.payments ?? 0),
    accounts: a.accounts + (b.accounts ?? 0),
    shares: a.shares + (b.shares ?? 0),
    events: a.events + (b.events ?? 0),
    issues: a.issues + (b.issues ?? 0),
  };
}

/** Appends to several streams in one command, each at the version it has now (then +n). */
export class Appends {
  readonly list: AppendRequest[] = [];
  private readonly versions = new Map<string, number>();

  async add(tx: Tx, streamId: string, events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    let version = this.versions.get(streamId);
    if (version === undefined) {
      const [row] = await tx.query<{ v: unknown }>(
        `SELECT MAX(stream_version) AS v FROM g2_events WHERE stream_id = ?`,
        [streamId],
      );
      version = row?.v === null || row?.v === undefined ? -1 : Number(row.v);
    }
    this.list.push({ streamId, expectedVersion: version, events });
    this.versions.set(streamId, version + events.length);
  }

  /** Events of this batch not committed yet on a stream (to fold them into its state). */
  pending(streamId: string): NewEvent[] {
    return this.list.filter((r) => r.streamId === streamId).flatMap((r) => [...r.events]);
  }

  get eventCount(): number {
    return this.list.reduce((n, r) => n + r.events.length, 0);
  }
}

/** One batch of a table importer: the rows' ids, in one transaction, at one instant. */
export interface BatchContext {
  readonly tx: Tx;
  readonly ids: readonly number[];
  readonly appends: Appends;
  readonly now: Date;
  readonly today: string;
  /** How long a Gloux invoice may wait for its lines before a person is asked to settle it. */
  readonly linesDelayMs: number;
}

/** gloux2 ids of Gloux invoices (written by gloux2 or imported), by Gloux id. */
export async function invoiceIdsByLegacy(
  q: Queryable,
  legacyIds: readonly number[],
): Promise<Map<number, string>> {
  if (legacyIds.length === 0) return new Map();
  const rows = await q.query<{ g2_id: string; legacy_id: unknown }>(
    `SELECT g2_id, legacy_id FROM g2_legacy_map WHERE kind = 'invoice' AND legacy_id IN (${legacyIds.map(() => '?').join(', ')})`,
    legacyIds,
  );
  return new Map(rows.map((r) => [Number(r.legacy_id), r.g2_id]));
}

/** SQL condition: a kept fingerprint differs from the one of Gloux's rows now (byte for byte). */
export const fingerprintDiffers = (q: Queryable, kept: string, now: string) =>
  q.dialect === 'mysql' ? `CAST(${kept} AS BINARY) <> CAST(${now} AS BINARY)` : `${kept} <> ${now}`;

/** The fingerprint (`sql`, over `table` aliased `alias`) of these rows, by their `key`. */
export async function fingerprintsOf(
  q: Queryable,
  from: { table: string; alias: string; key: string },
  sql: string,
  ids: readonly number[],
): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { table, alias, key } = from;
  const rows = await q.query<{ id: unknown; fp: unknown }>(
    `SELECT ${alias}.${key} AS id, ${sql} AS fp FROM ${table} ${alias} WHERE ${alias}.${key} IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  return new Map(rows.map((r) => [Number(r.id), String(r.fp ?? '')]));
}

/** SQL condition: the row has no blocking issue (set aside until someone settles it). */
export const notBlocked = (table: string, alias: string, column: string, extra = '') =>
  `NOT EXISTS (SELECT 1 FROM g2_legacy_issues i WHERE i.source_table = '${table}' AND i.legacy_id = ${alias}.${column} AND i.blocking = 1${extra})`;
