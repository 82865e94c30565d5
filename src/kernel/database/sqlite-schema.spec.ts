import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { glouxFixtures } from '../paths.js';
import { glouxSchemaToSqlite } from './sqlite-schema.js';

const schema = readFileSync(join(glouxFixtures, 'schema.sql'), 'utf8');

/** Table → column names, in order, as schema.sql declares them. */
function declaredColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of schema.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+) \(([\s\S]*?)\n\)/g)) {
    const cols = m[2]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(PRIMARY|UNIQUE|KEY)\b/i.test(l) && !l.startsWith('--'))
      .map((l) => /^`?(\w+)`?/.exec(l)![1]!);
    out.set(m[1]!, cols);
  }
  return out;
}

describe('Gloux schema on SQLite', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  for (const sql of glouxSchemaToSqlite(schema)) db.exec(sql);

  it('creates every table of schema.sql with the same columns in the same order', () => {
    const declared = declaredColumns();
    expect(declared.size).toBeGreaterThanOrEqual(22);
    for (const [table, columns] of declared) {
      const actual = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map(
        (c) => c.name,
      );
      expect({ table, columns: actual }).toEqual({ table, columns });
    }
  });

  it("fills omitted NOT NULL columns as MySQL does with sql_mode='', and keeps defaults", () => {
    db.exec(`INSERT INTO tiers (nom) VALUES ('Dupont')`);
    const row = db
      .prepare(`SELECT adresse, pays, societaire, nb_parts, date_radiation FROM tiers`)
      .get();
    expect(row).toEqual({
      adresse: '',
      pays: 'FR',
      societaire: 'N',
      nb_parts: 0,
      date_radiation: '0000-00-00',
    });
  });

  it('keeps auto-increment ids, composite primary keys and unique keys', () => {
    db.exec(`INSERT INTO factures (numero) VALUES ('F2026-000001'), ('F2026-000002')`);
    expect(db.prepare(`SELECT MAX(id_facture) AS m FROM factures`).get()).toEqual({ m: 2 });
    db.exec(
      `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour) VALUES (1, 2009, 1, 31)`,
    );
    expect(() =>
      db.exec(
        `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour) VALUES (1, 2009, 1, 31)`,
      ),
    ).toThrow(/UNIQUE|PRIMARY/);
    db.exec(`INSERT INTO clients (num_client) VALUES ('0403020000017')`);
    expect(() => db.exec(`INSERT INTO clients (num_client) VALUES ('0403020000017')`)).toThrow(
      /UNIQUE/,
    );
  });

  it('refuses DDL it does not understand rather than dropping it', () => {
    expect(() => glouxSchemaToSqlite('CREATE TABLE t (g geometry NOT NULL)')).toThrow(
      /Unsupported column type/,
    );
    expect(() => glouxSchemaToSqlite('SELECT 1')).toThrow(/No CREATE TABLE/);
  });
});
