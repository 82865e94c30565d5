import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Db } from '../../src/kernel/database/db.js';
import type { Dialect } from '../../src/kernel/database/settings.js';
import { createTestDatabase } from './databases.js';
import { glouxFixtures } from '../../src/kernel/paths.js';

/** Gloux tables the demo seed writes and the sample data fills. */
const GLOUX_TABLES = [
  'compteurs',
  'produits',
  'tiers',
  'clients',
  'utilisateurs',
  'acl',
  'hebergements',
  'hebergements_options',
  'factures',
  'factures_lignes',
  'paiements',
  'paiements_factures',
  'parts_sociales',
  'soa',
  'rr',
  'domaines',
  'vhosts',
  'ftp',
  'bases_mysql',
  'mails',
  'mails_redirections',
  'mesures_disque',
  'sauvegardes',
  'journal',
];

/** Splits on `;` at the end of a line, outside quotes. */
function statements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    current += ch;
    if (quote && ch === '\\') {
      current += sql[++i] ?? '';
      continue;
    }
    if (ch === "'") quote = !quote;
    else if (ch === ';' && !quote) {
      out.push(current.slice(0, -1).trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out.filter((s) => s !== '' && !/^SET\b/i.test(s) && !/^--/.test(s));
}

/**
 * The embedded SQLite stand-in for a test on Gloux's sample data: empties the Gloux tables the
 * demo seed filled and loads the vendored sample-data.sql, translated only where SQLite cannot
 * run MySQL: MySQL's `\n` escapes become real newlines, MD5()/ENCRYPT() password hashes
 * (which no billing test reads) become fixed strings.
 */
export async function loadSampleDataIntoSqlite(db: Db): Promise<void> {
  const sql = readFileSync(join(glouxFixtures, 'sample-data.sql'), 'utf8')
    .replace(/\\n/g, '\n')
    .replace(/\b(MD5|ENCRYPT)\('[^']*'(,'[^']*')?\)/g, "'x'");
  await db.transaction(async (tx) => {
    for (const table of GLOUX_TABLES) await tx.execute(`DELETE FROM ${table}`);
    for (const statement of statements(sql)) await tx.execute(statement);
  });
}

/**
 * A fresh database with Gloux's sample rows and gloux2's tables, on either dialect (the
 * legacy-sync writer tests): MariaDB loads schema.sql + sample-data.sql, SQLite gets the same
 * rows through the migrations' Gloux-equivalent tables.
 */
export async function openSampleDatabase(
  dialect: Dialect,
): Promise<{ readonly db: Db; close(): Promise<void> }> {
  const database = await createTestDatabase(dialect);
  const db = await Db.open(database.settings);
  await db.migrate();
  if (dialect === 'sqlite') await loadSampleDataIntoSqlite(db);
  return {
    db,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}
