import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Db } from '../../src/kernel/database/db.js';
import type { DatabaseSettings, Dialect } from '../../src/kernel/database/settings.js';
import { glouxFixtures } from '../../src/kernel/paths.js';

/** The MariaDB every test uses (README, .ci/ensure-system.sh); override with TEST_MYSQL_URL. */
export const MYSQL_ROOT_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export const dialects: Dialect[] = ['sqlite', 'mysql'];

export interface TestDatabase {
  readonly dialect: Dialect;
  readonly settings: DatabaseSettings;
  /** A raw connection to the same database, as Gloux would have it (latin1, sql_mode=''). Null on SQLite. */
  readonly gloux: mysql.Connection | null;
  drop(): Promise<void>;
}

async function rootConnection(): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({
      uri: MYSQL_ROOT_URL,
      multipleStatements: true,
      charset: 'latin1_swedish_ci',
    });
  } catch (error) {
    throw new Error(
      `MariaDB is not reachable at ${MYSQL_ROOT_URL} (${(error as Error).message}). ` +
        'Install and start it: apt-get install mariadb-server && bash .ci/ensure-system.sh',
      { cause: error },
    );
  }
}

/**
 * Loads a vendored Gloux SQL file the way Gloux's own tools do: bytes sent unchanged over a
 * latin1 connection (the file holds UTF-8 bytes, which land in latin1 columns as Gloux's do).
 */
export async function loadGlouxSql(conn: mysql.Connection, file: string): Promise<void> {
  const sql = readFileSync(join(glouxFixtures, file)).toString('latin1');
  await conn.query(sql);
}

/**
 * A fresh database. MySQL: a new database loaded with Gloux's schema and sample data, and a
 * raw latin1 connection to it. SQLite: a fresh file (the app creates Gloux-equivalent tables).
 */
export async function createTestDatabase(
  dialect: Dialect,
  options: { sampleData?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gloux2-test-'));
    return {
      dialect,
      settings: { dialect, sqlitePath: join(dir, 'test.sqlite') },
      gloux: null,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `g2test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const root = await rootConnection();
  await root.query(`CREATE DATABASE \`${name}\` DEFAULT CHARACTER SET latin1`);
  await root.query(`USE \`${name}\``);
  await root.query(`SET SESSION sql_mode = ''`);
  await loadGlouxSql(root, 'schema.sql');
  if (options.sampleData !== false) await loadGlouxSql(root, 'sample-data.sql');
  const url = `${MYSQL_ROOT_URL.replace(/\/$/, '')}/${name}`;
  return {
    dialect,
    settings: { dialect, url },
    gloux: root,
    drop: async () => {
      await root.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await root.end();
    },
  };
}

/** Runs one of Gloux's statements (gloux-behaviour.sql) with @variables set. */
export async function runGloux<T = mysql.RowDataPacket[]>(
  conn: mysql.Connection,
  sql: string,
  vars: Record<string, string | number> = {},
): Promise<T> {
  for (const [k, v] of Object.entries(vars)) await conn.query(`SET @${k} = ?`, [v]);
  const [rows] = await conn.query(sql);
  return rows as T;
}

/** Extracts statement `id` (e.g. 'G4') from the vendored gloux-behaviour.sql, without comments. */
export function glouxStatement(id: string): string {
  const text = readFileSync(join(glouxFixtures, 'gloux-behaviour.sql'), 'utf8');
  const start = text.indexOf(`-- ${id}.`);
  if (start < 0) throw new Error(`No statement ${id} in gloux-behaviour.sql`);
  const next = text.indexOf('\n-- G', start + 1);
  return text
    .slice(start, next < 0 ? undefined : next)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim()
    .replace(/;$/, '');
}

/**
 * A fresh database without Gloux's sample rows, every migration run, and the app's Db on it
 * (tests of the storage itself, without the app); `close` closes the Db and drops the database.
 */
export async function migratedTestDatabase(
  dialect: Dialect,
): Promise<{ database: TestDatabase; db: Db; close: () => Promise<void> }> {
  const database = await createTestDatabase(dialect, { sampleData: false });
  const db = await Db.open(database.settings);
  await db.migrate();
  return {
    database,
    db,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** Runs gloux2's migrations on a test database (its g2 tables, e.g. before granting on them). */
export async function migrateDatabase(settings: DatabaseSettings): Promise<void> {
  const db = await Db.open(settings);
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
}
