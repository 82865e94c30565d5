import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError } from 'typeorm';
import { DomainError, ERROR_CODES } from '../../domain/shared/errors.js';
import {
  ERROR_CATALOGUE,
  isDuplicateKeyError,
  isTableDefinitionChanged,
  isTransientDatabaseError,
  messageOf,
  statusOf,
} from './errors.js';

/** The rule the filter used to guess statuses by: the API's statuses must not move. */
function formerStatus(code: string): number {
  if (code === 'not_found') return 404;
  if (code === 'invalid_credentials') return 401;
  if (code === 'inactive_user') return 403;
  if (code === 'throttled') return 429;
  if (code.startsWith('already_') || code === 'conflict') return 409;
  return 422;
}

/** The message the ingestion used to recognise transient errors by. */
const FORMER_TRANSIENT =
  /deadlock|lock wait timeout|ECONNRESET|ECONNREFUSED|PROTOCOL_CONNECTION_LOST|SQLITE_BUSY|database is locked/i;

describe('error catalogue', () => {
  it.each(ERROR_CODES)('%s: the status API clients already rely on, a French message', (code) => {
    const entry = ERROR_CATALOGUE[code];
    expect(entry.status).toBe(formerStatus(code));
    expect(entry.message).toMatch(/^[A-ZÀ-Ý].*\.$/);
  });

  it('one code per meaning: no near-twins (articles and word order aside)', () => {
    const key = (c: string) =>
      c
        .split('_')
        .filter((w) => !['a', 'an', 'the', 'is'].includes(w))
        .sort()
        .join('_');
    const keys = ERROR_CODES.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(ERROR_CODES).not.toContain('not_member');
  });

  it('a refusal keeps its own sentence; without one, its code’s', () => {
    const own = new DomainError('already_paid', 'La facture F2026-000001 est déjà payée.');
    expect([statusOf(own), messageOf(own)]).toEqual([409, own.message]);
    expect(messageOf(new DomainError('capital_floor', ''))).toBe(
      'Le capital passerait sous son plancher.',
    );
    expect(statusOf({ code: 'csrf_invalid' })).toBe(403);
  });
});

describe('transient database errors, by number or code', () => {
  it('MySQL deadlock (1213) and lock wait timeout (1205), as TypeORM wraps them', () => {
    for (const [errno, code] of [
      [1213, 'ER_LOCK_DEADLOCK'],
      [1205, 'ER_LOCK_WAIT_TIMEOUT'],
    ] as const) {
      const driver = Object.assign(new Error('(message text does not matter)'), { errno, code });
      expect(isTransientDatabaseError(new QueryFailedError('UPDATE t', [], driver))).toBe(true);
      expect(isTransientDatabaseError({ errno })).toBe(true);
    }
    expect(isTransientDatabaseError({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe(true);
    // A table a rebuild swapped in after the transaction's snapshot (ER_TABLE_DEF_CHANGED).
    const swapped = Object.assign(new Error('(any text)'), { errno: 1412 });
    expect(isTransientDatabaseError(new QueryFailedError('SELECT', [], swapped))).toBe(true);
    expect(isTableDefinitionChanged(new QueryFailedError('SELECT', [], swapped))).toBe(true);
    expect(isTableDefinitionChanged({ errno: 1213 })).toBe(false);
    expect(isTransientDatabaseError(new Error('wrapped', { cause: { errno: 1213 } }))).toBe(true);
  });

  it('SQLite busy and locked, extended codes included (SQLITE_LOCKED was missed before)', () => {
    const locked = Object.assign(new Error('database table is locked'), { code: 'SQLITE_LOCKED' });
    expect(FORMER_TRANSIENT.test(locked.message)).toBe(false);
    expect(isTransientDatabaseError(locked)).toBe(true);
    expect(isTransientDatabaseError({ code: 'SQLITE_BUSY_SNAPSHOT' })).toBe(true);
  });

  it('a real SQLITE_BUSY from a second connection holding the write lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gloux2-busy-'));
    const a = new Database(join(dir, 'x.sqlite'));
    const b = new Database(join(dir, 'x.sqlite'), { timeout: 0 });
    try {
      a.exec('CREATE TABLE t (n INTEGER)');
      a.exec('BEGIN IMMEDIATE');
      let error: unknown;
      try {
        b.exec('INSERT INTO t VALUES (1)');
      } catch (e) {
        error = e;
      }
      expect(error).toBeDefined();
      expect(isTransientDatabaseError(error)).toBe(true);
      a.exec('ROLLBACK');
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never by message text: a data error whose text mentions a deadlock is not retried', () => {
    // Before: a row whose error text said "deadlock" was retried at every poll, forever.
    const data = new DomainError('invalid_input', 'Libellé « deadlock » refusé.');
    expect(FORMER_TRANSIENT.test(data.message)).toBe(true);
    expect(isTransientDatabaseError(data)).toBe(false);
    expect(isTransientDatabaseError(new Error('Lock wait timeout exceeded'))).toBe(false);
    expect(isTransientDatabaseError({ errno: 1062, code: 'ER_DUP_ENTRY' })).toBe(false);
    expect(isTransientDatabaseError({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isTransientDatabaseError(loop)).toBe(false);
  });
});

describe('duplicate keys, by number or code', () => {
  it('MySQL 1062 / ER_DUP_ENTRY and SQLite UNIQUE / PRIMARY KEY, wrapped or not', () => {
    const driver = Object.assign(new Error('x'), { errno: 1062, code: 'ER_DUP_ENTRY' });
    expect(isDuplicateKeyError(new QueryFailedError('INSERT', [], driver))).toBe(true);
    const sqlite = new Database(':memory:');
    sqlite.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT UNIQUE)');
    sqlite.exec("INSERT INTO t VALUES (1, 'a')");
    for (const sql of ["INSERT INTO t VALUES (1, 'b')", "INSERT INTO t VALUES (2, 'a')"]) {
      let error: unknown;
      try {
        sqlite.exec(sql);
      } catch (e) {
        error = e;
      }
      expect(isDuplicateKeyError(new Error('wrapped', { cause: error }))).toBe(true);
    }
    sqlite.close();
  });

  it('never by message text', () => {
    expect(isDuplicateKeyError(new Error("Duplicate entry '1' for key 'PRIMARY'"))).toBe(false);
    expect(isDuplicateKeyError(new Error('UNIQUE constraint failed: t.n'))).toBe(false);
    expect(isDuplicateKeyError({ errno: 1213 })).toBe(false);
  });
});
