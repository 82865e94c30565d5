import type { NewEvent, RecordedEvent } from './event-store/event-store.js';

/**
 * Projection contract v2. A projection names the event types it handles (typed: its `apply`
 * sees only those, narrowed by `switch (event.type)`), the tables it owns with their primary
 * keys, and turns each event into row changes against a `Rows` view of its own tables. The
 * kernel applies the changes inline for a command (same transaction as the append) and, for a
 * rebuild, over large batches with multi-row statements (see projection-rows.ts).
 *
 * It must give the same tables whether fed live or rebuilt from position 0, so it may read only
 * its own tables (through `rows`) and events at or before the one it applies.
 */

/** A recorded event of one of the union's types, discriminated by `type` (narrows `data`). */
export type Recorded<E extends NewEvent> = E extends NewEvent ? RecordedEvent<E> : never;

/** A column value as written: integers (cents too) may come back as numbers or strings. */
export type Cell = string | number | null;
export type Row = Readonly<Record<string, Cell>>;

export interface ReadModelTable {
  readonly name: string;
  /** The primary key's columns, in order: rows are addressed by them. */
  readonly key: readonly string[];
  /**
   * True when `apply` reads rows of this table back: a rebuild keeps them in memory (bounded,
   * oldest dropped first) instead of asking the database. Write-mostly tables leave it unset.
   */
  readonly lookup?: boolean;
}

export type Comparison = '=' | '<' | '>' | '<=' | '>=';
export interface Condition {
  readonly column: string;
  readonly op: Comparison;
  readonly value: string | number;
}
export interface Selection {
  readonly where: readonly Condition[];
  readonly orderBy?: { readonly column: string; readonly desc?: boolean };
  readonly limit?: number;
}

/** A projection's tables while it applies events; changes are written when the kernel flushes. */
export interface Rows {
  /** The row with this primary key, as changed so far (earlier events of the batch included). */
  get(table: string, key: readonly Cell[]): Promise<Row | undefined>;
  /** Inserts the row, or replaces the one with the same key. Give every column. */
  put(table: string, row: Row): void;
  /** Changes some columns of an existing row; returns it changed (undefined: no such row). */
  update(table: string, key: readonly Cell[], change: (row: Row) => Row): Promise<Row | undefined>;
  delete(table: string, key: readonly Cell[]): void;
  /** Rows matching every condition (compared as the column's type: numbers or codes/days). */
  select(table: string, selection: Selection): Promise<Row[]>;
  /** A stream's events up to `position` included (e.g. to fold an aggregate around an event). */
  stream(streamId: string, position: number): Promise<RecordedEvent[]>;
}

/** Event types as a record, so that a union's every member is named once. */
export type EventTypes<E extends NewEvent> = { readonly [T in E['type']]: true };

/** A type guard for the union `E` from its types: narrows a recorded event without a cast. */
export function isOneOf<E extends NewEvent>(
  types: EventTypes<E> | readonly E['type'][],
): (event: RecordedEvent) => event is Recorded<E> {
  const names = new Set<string>(Array.isArray(types) ? types : Object.keys(types));
  return (event): event is Recorded<E> => names.has(event.type);
}

export interface ProjectionDefinition<E extends NewEvent, M> {
  readonly name: string;
  readonly tables: readonly ReadModelTable[];
  /** Every event type `apply` handles, each once (a record, so none is missed): no other event reaches it. */
  readonly handles: EventTypes<E>;
  /**
   * What the projection keeps between events of one run (a command's events, or a whole
   * rebuild), e.g. folded streams; never shared between runs, so it may be dropped at any time.
   */
  readonly memo: () => M;
  apply(rows: Rows, event: Recorded<E>, memo: M): Promise<void> | void;
}

/** A projection as the kernel runs it: its event types erased behind `handles`. */
export interface Projection {
  readonly name: string;
  readonly tables: readonly ReadModelTable[];
  handles(type: string): boolean;
  /** Starts a run; the function applies one event the projection handles. */
  start(): (rows: Rows, event: RecordedEvent) => Promise<void>;
}

/** Wraps a definition for the kernel: events outside `handles` never reach `apply`. */
export function defineProjection<E extends NewEvent, M = undefined>(
  definition: ProjectionDefinition<E, M>,
): Projection {
  const types = new Set<string>(Object.keys(definition.handles));
  const isHandled = isOneOf(definition.handles);
  return {
    name: definition.name,
    tables: definition.tables,
    handles: (type) => types.has(type),
    start() {
      const memo = definition.memo();
      return async (rows, event) => {
        if (isHandled(event)) await definition.apply(rows, event, memo);
      };
    },
  };
}

/** For projections that keep nothing between events. */
export const noMemo = (): undefined => undefined;

/** Integer column values (cents, counts) as bigint, whichever type the driver returned. */
export function int(value: Cell | undefined): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  return BigInt(typeof value === 'number' ? Math.trunc(value) : value.split('.')[0]!);
}
