import type { Queryable } from './database/db.js';
import { readStream, type RecordedEvent } from './event-store/event-store.js';
import type { Cell, Condition, ReadModelTable, Row, Rows, Selection } from './projection.js';

/**
 * How a projection's changes reach its tables. `command`: a command's few events, rows read from
 * the database on first use. `rebuild`: the tables were emptied at the start, so a row never
 * written is known absent without asking; rows of `lookup` tables stay in memory (at most
 * `cachedRowsPerTable` per table, the oldest dropped first: a dropped row is read again).
 */
export type RowsMode = 'command' | 'rebuild';

export interface RowsOptions {
  readonly cachedRowsPerTable?: number;
  /** Changed rows held before `flushIfFull` writes them. */
  readonly flushAfter?: number;
  /**
   * The table a projection's table is written to, when not itself: a MariaDB rebuild fills
   * fresh copies and swaps them in (see rebuild.ts).
   */
  readonly tableName?: (table: string) => string;
}

/** Placeholders per statement: under SQLite's 32,766 and far under MariaDB's packet size. */
const MAX_PARAMS = 30_000;
const MAX_ROWS_PER_STATEMENT = 2_000;

interface Entry {
  readonly key: readonly Cell[];
  /** null: known absent, or deleted. */
  row: Row | null;
  dirty: boolean;
}

class TableRows {
  readonly entries = new Map<string, Entry>();
  /**
   * Hashes of the keys of rows dropped from memory (rebuild): a key whose hash is here may have
   * a row in the database and is read again; any other key not in memory has none. A hash
   * shared with another key only costs a read, and a number takes far less room than the key.
   */
  readonly dropped = new Set<number>();
  /** Hashes of first key column values whose rows are not all in memory. */
  readonly droppedPrefixes = new Set<number>();
  /** Keys by first key column value (multi-column keys), for selections on that column. */
  readonly byPrefix = new Map<string, Set<string>>();
  dirty = 0;

  constructor(
    readonly spec: ReadModelTable,
    /** Every row of the table is in memory or in `dropped` (a rebuild of a lookup table). */
    readonly tracked: boolean,
  ) {}

  remember(key: string, entry: Entry): void {
    // Re-inserting moves the key to the end: the map's order is the order of last use.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.spec.key.length > 1 && this.tracked) {
      const prefix = key.slice(0, key.indexOf(SEP));
      let keys = this.byPrefix.get(prefix);
      if (!keys) this.byPrefix.set(prefix, (keys = new Set()));
      keys.add(key);
    }
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.dropped.add(hash(key));
    if (this.spec.key.length > 1) {
      const prefix = key.slice(0, key.indexOf(SEP));
      const keys = this.byPrefix.get(prefix);
      keys?.delete(key);
      // An emptied set would stay for every prefix ever seen.
      if (keys?.size === 0) this.byPrefix.delete(prefix);
      this.droppedPrefixes.add(hash(prefix));
    }
  }

  /** Whether the row with this key may be in the database and not in memory. */
  mayBeDropped(key: string): boolean {
    return this.dropped.has(hash(key));
  }

  prefixMayBeDropped(prefix: string): boolean {
    return this.droppedPrefixes.has(hash(prefix));
  }
}

/** 30-bit FNV-1a of a string: small integers are stored unboxed in a Set. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

const SEP = '\u001f';
function keyString(values: readonly Cell[]): string {
  return values.map((v) => (v === null ? '\u0000' : String(v))).join(SEP);
}

/** Orders cells as SQL does for the column: numbers numerically, text by code point. */
function compareCells(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function matches(row: Row, c: Condition): boolean {
  const v = row[c.column];
  if (v === null || v === undefined) return false; // NULL compares as unknown in SQL
  const d = typeof c.value === 'number' ? Number(v) - c.value : compareCells(String(v), c.value);
  switch (c.op) {
    case '=':
      return d === 0;
    case '<':
      return d < 0;
    case '>':
      return d > 0;
    case '<=':
      return d <= 0;
    case '>=':
      return d >= 0;
  }
}

/** The `Rows` a projection sees; the kernel flushes its changes with multi-row statements. */
export class ProjectionRows implements Rows {
  private readonly tables = new Map<string, TableRows>();
  private changed = 0;
  private readonly cachedRowsPerTable: number;
  private readonly flushAfter: number;
  private readonly physical: (table: string) => string;

  constructor(
    private readonly q: Queryable,
    specs: readonly ReadModelTable[],
    private readonly mode: RowsMode,
    options: RowsOptions = {},
  ) {
    this.cachedRowsPerTable = options.cachedRowsPerTable ?? 5_000;
    this.flushAfter = options.flushAfter ?? 5_000;
    this.physical = options.tableName ?? ((table) => table);
    for (const spec of specs) {
      this.tables.set(spec.name, new TableRows(spec, mode === 'rebuild' && spec.lookup === true));
    }
  }

  private table(name: string): TableRows {
    const t = this.tables.get(name);
    if (!t) throw new Error(`Table ${name} is not one of this projection's tables`);
    return t;
  }

  async get(table: string, key: readonly Cell[]): Promise<Row | undefined> {
    const t = this.table(table);
    const k = keyString(key);
    const entry = t.entries.get(k);
    if (entry) {
      if (t.tracked && !entry.dirty) t.remember(k, entry);
      return entry.row ?? undefined;
    }
    if (t.tracked && !t.mayBeDropped(k)) return undefined;
    const [row] = await this.q.query<Record<string, Cell>>(
      `SELECT * FROM ${this.physical(table)} WHERE ${t.spec.key.map((c) => `${c} = ?`).join(' AND ')}`,
      [...key],
    );
    t.remember(k, { key, row: row ?? null, dirty: false });
    return row;
  }

  put(table: string, row: Row): void {
    const t = this.table(table);
    const key = t.spec.key.map((c) => row[c] ?? null);
    this.mark(t, key, row);
  }

  async update(
    table: string,
    key: readonly Cell[],
    change: (row: Row) => Row,
  ): Promise<Row | undefined> {
    const row = await this.get(table, key);
    if (!row) return undefined;
    const next: Row = { ...row, ...change(row) };
    this.mark(this.table(table), key, next);
    return next;
  }

  delete(table: string, key: readonly Cell[]): void {
    this.mark(this.table(table), key, null);
  }

  private mark(t: TableRows, key: readonly Cell[], row: Row | null): void {
    const k = keyString(key);
    const was = t.entries.get(k);
    if (!was?.dirty) {
      t.dirty += 1;
      this.changed += 1;
    }
    t.remember(k, { key, row, dirty: true });
  }

  async select(table: string, s: Selection): Promise<Row[]> {
    const t = this.table(table);
    const first = s.where[0];
    let candidates: Iterable<Entry> | null = null;
    if (t.tracked) {
      const prefix =
        first?.op === '=' && first.column === t.spec.key[0] && t.spec.key.length > 1
          ? String(first.value)
          : null;
      if (prefix !== null && !t.prefixMayBeDropped(prefix)) {
        const keys = t.byPrefix.get(prefix) ?? new Set<string>();
        candidates = [...keys].map((k) => t.entries.get(k)!);
      } else if (t.dropped.size === 0) candidates = t.entries.values();
    }
    if (candidates) {
      const found: Row[] = [];
      for (const e of candidates)
        if (e.row && s.where.every((c) => matches(e.row!, c))) found.push(e.row);
      const order = s.orderBy;
      if (order && s.limit === 1) {
        // The first row alone (e.g. the latest day before another): one pass, no sort.
        const sign = order.desc ? -1 : 1;
        let best: Row | undefined;
        for (const row of found)
          if (
            !best ||
            sign * compareCells(row[order.column] ?? null, best[order.column] ?? null) < 0
          )
            best = row;
        return best ? [best] : [];
      }
      if (order) {
        const sign = order.desc ? -1 : 1;
        found.sort((a, b) => sign * compareCells(a[order.column] ?? null, b[order.column] ?? null));
      }
      return s.limit === undefined ? found : found.slice(0, s.limit);
    }
    // Not all in memory: the database answers, once it has this table's pending changes.
    await this.flushTable(t);
    const where = s.where.length
      ? ` WHERE ${s.where.map((c) => `${c.column} ${c.op} ?`).join(' AND ')}`
      : '';
    const order = s.orderBy ? ` ORDER BY ${s.orderBy.column}${s.orderBy.desc ? ' DESC' : ''}` : '';
    const limit = s.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(s.limit))}`;
    const rows = await this.q.query<Record<string, Cell>>(
      `SELECT * FROM ${this.physical(table)}${where}${order}${limit}`,
      s.where.map((c) => c.value),
    );
    for (const row of rows) {
      const key = t.spec.key.map((c) => row[c] ?? null);
      const k = keyString(key);
      if (!t.entries.has(k)) t.remember(k, { key, row, dirty: false });
    }
    return rows;
  }

  async stream(streamId: string, position: number): Promise<RecordedEvent[]> {
    return (await readStream(this.q, streamId)).filter((e) => e.position <= position);
  }

  /** What each table holds in memory: rows, and groups of rows by first key column. */
  held(): Record<string, { rows: number; prefixes: number }> {
    const out: Record<string, { rows: number; prefixes: number }> = {};
    for (const [name, t] of this.tables)
      out[name] = { rows: t.entries.size, prefixes: t.byPrefix.size };
    return out;
  }

  /** Writes the changes once enough have gathered (a rebuild calls it between batches). */
  async flushIfFull(): Promise<void> {
    if (this.changed >= this.flushAfter) await this.flush();
  }

  /** Writes every pending change: deletes, then inserts-or-replaces, a few rows per statement. */
  async flush(): Promise<void> {
    for (const t of this.tables.values()) await this.flushTable(t);
    this.changed = 0;
  }

  private async flushTable(t: TableRows): Promise<void> {
    if (t.dirty > 0) {
      const deleted: (readonly Cell[])[] = [];
      const groups = new Map<string, Row[]>();
      for (const e of t.entries.values()) {
        if (!e.dirty) continue;
        e.dirty = false;
        if (e.row === null) {
          deleted.push(e.key);
          continue;
        }
        const columns = Object.keys(e.row).join(',');
        const group = groups.get(columns);
        if (group) group.push(e.row);
        else groups.set(columns, [e.row]);
      }
      this.changed -= t.dirty;
      t.dirty = 0;
      await this.deleteRows(t.spec, deleted);
      for (const [columns, rows] of groups) await this.upsert(t.spec, columns.split(','), rows);
    }
    this.trim(t);
  }

  /** Rebuild: write-mostly tables keep nothing once written; lookup tables their latest rows. */
  private trim(t: TableRows): void {
    if (this.mode === 'command') return;
    if (!t.tracked) {
      for (const [k, e] of t.entries) if (!e.dirty) t.entries.delete(k);
      return;
    }
    let excess = t.entries.size - this.cachedRowsPerTable;
    if (excess <= 0) return;
    for (const [k, e] of t.entries) {
      if (excess <= 0) break;
      if (e.dirty) continue;
      t.forget(k);
      excess -= 1;
    }
  }

  private async deleteRows(
    spec: ReadModelTable,
    keys: readonly (readonly Cell[])[],
  ): Promise<void> {
    if (keys.length === 0) return;
    const table = this.physical(spec.name);
    if (this.q.dialect === 'sqlite') {
      // One prepared statement run per key: no statement to compile per flush.
      const where = spec.key.map((c) => `${c} = ?`).join(' AND ');
      await this.q.executeEach(`DELETE FROM ${table} WHERE ${where}`, keys);
      return;
    }
    const per = Math.max(1, Math.min(500, Math.floor(MAX_PARAMS / spec.key.length)));
    for (let i = 0; i < keys.length; i += per) {
      const part = keys.slice(i, i + per);
      const one =
        spec.key.length === 1 ? null : `(${spec.key.map((c) => `${c} = ?`).join(' AND ')})`;
      const sql = one
        ? `DELETE FROM ${table} WHERE ${part.map(() => one).join(' OR ')}`
        : `DELETE FROM ${table} WHERE ${spec.key[0]} IN (${part.map(() => '?').join(', ')})`;
      await this.q.execute(sql, part.flat());
    }
  }

  private async upsert(
    spec: ReadModelTable,
    columns: readonly string[],
    rows: readonly Row[],
  ): Promise<void> {
    const others = columns.filter((c) => !spec.key.includes(c));
    const tail =
      this.q.dialect === 'mysql'
        ? ` ON DUPLICATE KEY UPDATE ${(others.length ? others : [spec.key[0]!]).map((c) => `${c} = VALUES(${c})`).join(', ')}`
        : others.length
          ? ` ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`
          : ` ON CONFLICT (${spec.key.join(', ')}) DO NOTHING`;
    const one = `(${columns.map(() => '?').join(', ')})`;
    const table = this.physical(spec.name);
    const values = (r: Row) => columns.map((c) => r[c] ?? null);
    if (this.q.dialect === 'sqlite') {
      // SQLite runs in-process: one prepared single-row statement per table and column set,
      // run per row, costs less than compiling a multi-row statement of a new size each flush.
      const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${one}${tail}`;
      await this.q.executeEach(sql, rows.map(values));
      return;
    }
    const per = Math.max(
      1,
      Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / columns.length)),
    );
    for (let i = 0; i < rows.length; i += per) {
      const part = rows.slice(i, i + per);
      await this.q.execute(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => one).join(', ')}${tail}`,
        part.flatMap(values),
      );
    }
  }
}
