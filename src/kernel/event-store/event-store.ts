import { isDuplicateKey, type Queryable, type Tx } from '../database/db.js';
import { upcast, UPCASTERS, type UpcasterTable } from './upcasting.js';

export type EventSource = 'g2' | 'gloux';

export interface EventMetadata {
  readonly actor: string;
  readonly source: EventSource;
  readonly commandType: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly idempotencyKey?: string;
}

/** An event as the domain emits it: plain readonly data with a hand-written type string. */
export interface NewEvent {
  readonly type: string;
  readonly data: unknown;
}

export interface RecordedEvent<E extends NewEvent = NewEvent> {
  readonly position: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata: EventMetadata;
  readonly recordedAt: string;
}

/** -1: the stream must not exist yet; n: its last version must be n; 'any': no check. */
export type ExpectedVersion = number | 'any';

export interface AppendRequest {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${expected}`);
    this.name = 'ConcurrencyError';
  }
}

interface EventRow {
  position: number | string;
  stream_id: string;
  stream_version: number | string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** A stored row as readers see it: old shapes upcast to the current ones. */
function toRecorded(row: EventRow, upcasters: UpcasterTable): RecordedEvent {
  const { type, data } = upcast(
    { type: row.type, data: JSON.parse(row.data) as unknown },
    upcasters,
  );
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type,
    data,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: row.recorded_at,
  };
}

const SELECT = `SELECT position, stream_id, stream_version, type, data, metadata, recorded_at FROM g2_events`;

/** UTC timestamp with milliseconds, the format of every g2_ timestamp column. */
export function sqlTimestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 23);
}

/** A stream's events in order, from `fromVersion` on (0: all of them). */
export async function readStream(
  q: Queryable,
  streamId: string,
  fromVersion = 0,
  upcasters: UpcasterTable = UPCASTERS,
): Promise<RecordedEvent[]> {
  const rows = await q.query<EventRow & Record<string, unknown>>(
    `${SELECT} WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version`,
    [streamId, fromVersion],
  );
  return rows.map((row) => toRecorded(row, upcasters));
}

/** Events after `afterPosition`, in global order. Appends are serialised, so nothing commits behind a reader. */
export async function readAll(
  q: Queryable,
  afterPosition: number,
  limit: number,
  upcasters: UpcasterTable = UPCASTERS,
): Promise<RecordedEvent[]> {
  const rows = await q.query<EventRow & Record<string, unknown>>(
    `${SELECT} WHERE position > ? ORDER BY position LIMIT ${Math.max(1, Math.floor(limit))}`,
    [afterPosition],
  );
  return rows.map((row) => toRecorded(row, upcasters));
}

/** Streams every event from position 0 in batches, never holding the whole log in memory. */
export async function* readAllBatches(
  q: Queryable,
  afterPosition = 0,
  batchSize = 1000,
): AsyncGenerator<RecordedEvent[]> {
  let from = afterPosition;
  for (;;) {
    const batch = await readAll(q, from, batchSize);
    if (batch.length === 0) return;
    yield batch;
    from = batch[batch.length - 1]!.position;
  }
}

export async function lastPosition(q: Queryable): Promise<number> {
  const [row] = await q.query<{ p: number | string | null }>(
    `SELECT MAX(position) AS p FROM g2_events`,
  );
  return Number(row?.p ?? 0);
}

/**
 * Appends to one or more streams inside the caller's transaction.
 * The g2_append_lock row is locked first, so appends are serialised: positions are
 * committed in increasing order and a reader by position never skips a late commit.
 */
export async function append(
  tx: Tx,
  requests: readonly AppendRequest[],
  metadata: EventMetadata,
  at: Date,
): Promise<RecordedEvent[]> {
  if (requests.every((r) => r.events.length === 0)) return [];
  if (tx.dialect === 'mysql') {
    await tx.query(`SELECT last_position FROM g2_append_lock WHERE id = 1 FOR UPDATE`);
  } else {
    // SQLite: the write takes the database lock for the rest of the transaction.
    await tx.execute(`UPDATE g2_append_lock SET last_position = last_position WHERE id = 1`);
  }
  const recordedAt = sqlTimestamp(at);
  const recorded: RecordedEvent[] = [];
  for (const request of requests) {
    if (request.events.length === 0) continue;
    // A locking read: under REPEATABLE READ a plain SELECT would see the snapshot taken
    // when the command loaded its state, not a version committed since.
    const lock = tx.dialect === 'mysql' ? ' FOR UPDATE' : '';
    const [row] = await tx.query<{ v: number | string | null }>(
      `SELECT MAX(stream_version) AS v FROM g2_events WHERE stream_id = ?${lock}`,
      [request.streamId],
    );
    const actual = row?.v === null || row?.v === undefined ? -1 : Number(row.v);
    if (request.expectedVersion !== 'any' && request.expectedVersion !== actual) {
      throw new ConcurrencyError(request.streamId, request.expectedVersion, actual);
    }
    let version = actual;
    for (const event of request.events) {
      version += 1;
      const data = JSON.stringify(event.data);
      const meta = JSON.stringify(metadata);
      let insertId: number;
      try {
        ({ insertId } = await tx.execute(
          `INSERT INTO g2_events (stream_id, stream_version, type, data, metadata, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [request.streamId, version, event.type, data, meta, metadata.source, recordedAt],
        ));
      } catch (error) {
        if (isDuplicateKey(error))
          throw new ConcurrencyError(request.streamId, request.expectedVersion, version);
        throw error;
      }
      recorded.push({
        position: insertId,
        streamId: request.streamId,
        streamVersion: version,
        type: event.type,
        data: JSON.parse(data) as unknown,
        metadata,
        recordedAt,
      });
    }
  }
  const last = recorded[recorded.length - 1];
  if (last)
    await tx.execute(`UPDATE g2_append_lock SET last_position = ? WHERE id = 1`, [last.position]);
  return recorded;
}
