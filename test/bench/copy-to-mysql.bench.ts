/**
 * `npm run bench:copy-to-mysql -- [--members 5000] [--years 20] [--seed 1]`: copies the saved
 * SQLite cooperative row for row into a fresh MariaDB database (g2bench_…) with its manifest, so
 * the MariaDB benches run on the very same history without a second generation (~40 min on a
 * quiet machine, hours on a busy one). Gloux's text columns get the UTF-8 bytes Gloux writes.
 */
import Database from 'better-sqlite3';
import { legacyTextParam } from '../../legacy-sync/legacy-text.js';
import { Db } from '../../src/kernel/database/db.js';
import {
  freshDatabase,
  mysqlDatabaseName,
  n,
  requireManifest,
  saveManifest,
  savedDatabase,
  shapeFromFlags,
  shapeName,
} from './bench-kit.js';

const ROWS_PER_INSERT = 500;

const shape = shapeFromFlags();
const manifest = requireManifest('sqlite', shape);
const source = new Database(savedDatabase('sqlite', shape).sqlitePath!, { readonly: true });
const target = savedDatabase('mysql', shape);
await freshDatabase(target);
const db = await Db.open(target);
const started = Date.now();
try {
  await db.migrate();
  const tables = (
    source
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'g2_migrations' ORDER BY name`,
      )
      .pluck()
      .all() as string[]
  ).filter((t) => t !== 'g2_events_raw');
  await db.transaction(async (tx) => {
    await tx.execute(`SET FOREIGN_KEY_CHECKS = 0`);
    for (const table of tables) {
      const gloux = !table.startsWith('g2_');
      const theirs = new Set(
        (
          await tx.query<{ c: string }>(
            `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
            [table],
          )
        ).map((r) => r.c),
      );
      const ours = source
        .prepare(`SELECT name FROM pragma_table_info(?)`)
        .pluck()
        .all(table) as string[];
      if (theirs.size === 0) {
        console.log(`  ${table}: not in MariaDB, skipped`);
        continue;
      }
      const missing = ours.filter((c) => !theirs.has(c));
      if (missing.length > 0)
        throw new Error(`${table}: no column ${missing.join(', ')} in MariaDB`);
      const columns = ours.map((c) => `\`${c}\``);
      await tx.execute(`DELETE FROM \`${table}\``);
      let batch: unknown[][] = [];
      let copied = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const one = `(${columns.map(() => '?').join(', ')})`;
        await tx.execute(
          `INSERT INTO \`${table}\` (${columns.join(', ')}) VALUES ${batch.map(() => one).join(', ')}`,
          batch.flat(),
        );
        copied += batch.length;
        batch = [];
      };
      for (const row of source.prepare(`SELECT * FROM "${table}"`).raw().iterate() as Iterable<
        unknown[]
      >) {
        batch.push(
          gloux ? row.map((v) => (typeof v === 'string' ? legacyTextParam(v, 'mysql') : v)) : row,
        );
        if (batch.length === ROWS_PER_INSERT) await flush();
      }
      await flush();
      if (copied > 0) console.log(`  ${table.padEnd(32)} ${n(copied)}`);
    }
    await tx.execute(`SET FOREIGN_KEY_CHECKS = 1`);
  });
  saveManifest({ ...manifest, dialect: 'mysql' });
  console.log(
    `${shapeName(shape)}: SQLite copied into MariaDB database ${mysqlDatabaseName(target)} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
} finally {
  source.close();
  await db.close();
}
