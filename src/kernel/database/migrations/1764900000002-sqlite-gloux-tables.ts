import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { glouxSchemaToSqlite } from '../sqlite-schema.js';
import { glouxFixtures } from '../../paths.js';
import { dialectOf } from '../ddl.js';

/**
 * Embedded mode only: SQLite gets tables equivalent to Gloux's, translated from the vendored
 * schema.sql. On MySQL they already exist (Gloux's database) and this migration does nothing.
 */
export class SqliteGlouxTables1764900000002 implements MigrationInterface {
  name = 'SqliteGlouxTables1764900000002';

  async up(runner: QueryRunner): Promise<void> {
    if (dialectOf(runner.connection.options.type) !== 'sqlite') return;
    const ddl = readFileSync(join(glouxFixtures, 'schema.sql'), 'utf8');
    for (const sql of glouxSchemaToSqlite(ddl)) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    if (dialectOf(runner.connection.options.type) !== 'sqlite') return;
    const tables = (await runner.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'g2_%' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'`,
    )) as { name: string }[];
    for (const t of tables) await runner.query(`DROP TABLE "${t.name}"`);
  }
}
