import Database from 'better-sqlite3';
import { Db } from '../../src/kernel/database/db.js';
import { isDuplicateKeyError, isTransientDatabaseError } from '../../src/kernel/errors.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

/**
 * The errors the app's own database port raises when another connection holds a lock are
 * recognised as transient by their number or code (the Gloux ingestion retries them at the
 * next poll), and a plain constraint error is not.
 */
describe.each(dialects)('transient database errors through the Db port on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { sampleData: false });
    db = await Db.open(database.settings);
    await db.query('CREATE TABLE g2_probe (n INTEGER PRIMARY KEY)');
    await db.query('INSERT INTO g2_probe (n) VALUES (1)');
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('a row locked by another connection: lock wait timeout (MariaDB) or busy (SQLite)', async () => {
    let error: unknown;
    if (database.gloux) {
      const other = database.gloux;
      await other.query('BEGIN');
      await other.query('SELECT n FROM g2_probe WHERE n = 1 FOR UPDATE');
      try {
        await db.transaction(async (tx) => {
          await tx.query('SET SESSION innodb_lock_wait_timeout = 1');
          await tx.execute('UPDATE g2_probe SET n = 2 WHERE n = 1');
        });
      } catch (e) {
        error = e;
      } finally {
        await other.query('ROLLBACK');
      }
    } else {
      const other = new Database(database.settings.sqlitePath!);
      other.exec('BEGIN IMMEDIATE');
      try {
        await db.run(async (q) => {
          await q.query('PRAGMA busy_timeout = 0');
          await q.execute('UPDATE g2_probe SET n = 2 WHERE n = 1');
        });
      } catch (e) {
        error = e;
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
    }
    expect(error).toBeDefined();
    expect(isTransientDatabaseError(error)).toBe(true);
    expect(isDuplicateKeyError(error)).toBe(false);
  });

  it('a duplicate key is recognised by its code, and is not transient', async () => {
    let error: unknown;
    try {
      await db.query('INSERT INTO g2_probe (n) VALUES (1)');
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    expect(isTransientDatabaseError(error)).toBe(false);
    expect(isDuplicateKeyError(error)).toBe(true);
  });
});
