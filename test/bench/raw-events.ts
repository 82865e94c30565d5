/**
 * The physical limit of the same database, for the ratios the benches print: the event table
 * written with raw batched INSERTs and read with a raw streaming SELECT, with no framework.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import type { DatabaseSettings } from '../../src/kernel/database/settings.js';

const COLUMNS = [
  'stream_id',
  'stream_version',
  'type',
  'data',
  'metadata',
  'source',
  'recorded_at',
];

/** g2_events rows, in position order, without the position (the copy numbers its own). */
export type RawEventRow = unknown[];

export async function readEventRows(settings: DatabaseSettings): Promise<RawEventRow[]> {
  const sql = `SELECT ${COLUMNS.join(', ')} FROM g2_events ORDER BY position`;
  if (settings.dialect === 'sqlite') {
    const db = new Database(settings.sqlitePath!, { readonly: true });
    try {
      return db.prepare(sql).raw().all() as RawEventRow[];
    } finally {
      db.close();
    }
  }
  const conn = await mysqlPromise.createConnection({ uri: settings.url, dateStrings: true });
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return rows as RawEventRow[];
  } finally {
    await conn.end();
  }
}

/**
 * Inserts `rows` into an empty copy of g2_events (same columns, keys and indexes), `batch` rows
 * per INSERT, each INSERT its own transaction; returns the seconds it took. batch = 1 is the
 * floor of one commit per write (what a command pays at least).
 */
export async function rawInsert(
  settings: DatabaseSettings,
  rows: readonly RawEventRow[],
  batch: number,
): Promise<number> {
  const one = `(${COLUMNS.map(() => '?').join(', ')})`;
  const insert = (k: number) =>
    `INSERT INTO g2_events_raw (${COLUMNS.join(', ')}) VALUES ${Array(k).fill(one).join(', ')}`;
  if (settings.dialect === 'sqlite') {
    const db = new Database(settings.sqlitePath!);
    try {
      db.pragma('journal_mode = WAL');
      db.exec(`DROP TABLE IF EXISTS g2_events_raw`);
      const ddl = db
        .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'g2_events'`)
        .pluck()
        .get() as string;
      db.exec(ddl.replace(/g2_events/, 'g2_events_raw'));
      db.exec(
        `CREATE UNIQUE INDEX g2_events_raw_stream ON g2_events_raw (stream_id, stream_version)`,
      );
      db.exec(`CREATE INDEX g2_events_raw_type ON g2_events_raw (type)`);
      const full = db.prepare(insert(batch));
      const started = process.hrtime.bigint();
      for (let i = 0; i < rows.length; i += batch) {
        const chunk = rows.slice(i, i + batch);
        const stmt = chunk.length === batch ? full : db.prepare(insert(chunk.length));
        db.transaction(() => stmt.run(chunk.flat()))();
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      db.exec(`DROP TABLE g2_events_raw`);
      return seconds;
    } finally {
      db.close();
    }
  }
  const conn = await mysqlPromise.createConnection({ uri: settings.url, charset: 'utf8mb4' });
  try {
    await conn.query(`DROP TABLE IF EXISTS g2_events_raw`);
    await conn.query(`CREATE TABLE g2_events_raw LIKE g2_events`);
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += batch) {
      const chunk = rows.slice(i, i + batch);
      await conn.query(insert(chunk.length), chunk.flat());
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await conn.query(`DROP TABLE g2_events_raw`);
    return seconds;
  } finally {
    await conn.end();
  }
}

/**
 * Streams the whole event table (parsing each row's JSON, as a projection must) and returns
 * how many rows it read. Constant memory: rows are never held together.
 */
export async function rawStreamingRead(settings: DatabaseSettings): Promise<number> {
  const sql = `SELECT position, stream_id, stream_version, type, data, metadata, recorded_at FROM g2_events ORDER BY position`;
  let count = 0;
  const consume = (row: { data: string; metadata: string }) => {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
    count += 1;
  };
  if (settings.dialect === 'sqlite') {
    const db = new Database(settings.sqlitePath!, { readonly: true });
    try {
      for (const row of db.prepare(sql).iterate())
        consume(row as { data: string; metadata: string });
    } finally {
      db.close();
    }
    return count;
  }
  const conn = mysql.createConnection({ uri: settings.url, dateStrings: true });
  try {
    await new Promise<void>((resolve, reject) => {
      conn
        .query(sql)
        .stream({ highWaterMark: 1000 })
        .on('data', (row: { data: string; metadata: string }) => consume(row))
        .on('end', () => resolve())
        .on('error', reject);
    });
  } finally {
    conn.end();
  }
  return count;
}
