import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';

jest.setTimeout(180_000);

/** `domain:add` / `domain:remove` as the README runs them, on the embedded demo database. */
describe('the domain commands', () => {
  let dir: string;
  let path: string;
  const cli = (args: string[]) => runCli(args, path);
  const rows = (sql: string, ...params: unknown[]) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };
  const events = () => Number(rows('SELECT COUNT(*) AS n FROM g2_events')[0]!.n);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-domains-cli-'));
    path = join(dir, 'cli.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds an IDN with its zone, written into Gloux’s tables before it exits', () => {
    const added = cli(['domain:add', '--hosting', 'annelef', '--domain', 'Café-CLI.fr']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^Domaine café-cli\.fr \(xn--caf-cli-\w+\.fr\) ajouté à l’hébergement annelef ; zone DNS n° \d+\.\n$/,
    );
    const [row] = rows(
      `SELECT d.id_hebergement, s.origin FROM domaines d JOIN soa s ON s.id = d.id_soa WHERE d.domaine LIKE 'xn--caf-cli-%'`,
    );
    expect(row).toMatchObject({ id_hebergement: 1 });
    expect(String(row!.origin)).toMatch(/^xn--caf-cli-\w+\.fr\.$/);
  });

  it('refuses in French on stderr with exit 1, writing nothing', () => {
    const before = events();
    for (const [args, words] of [
      [['--hosting', 'webcoop', '--domain', 'café-cli.fr'], 'déjà enregistré'],
      [['--hosting', 'webcoop', '--domain', 'anne-lefevre.fr'], 'déjà enregistré'],
      [['--hosting', 'webcoop', '--domain', 'site.ouvaton.org'], 'se crée comme site web'],
      [['--hosting', 'webcoop', '--domain', 'pas_valide'], 'Le nom de domaine'],
      [['--hosting', 'inconnu', '--domain', 'libre.fr'], 'n’existe pas'],
    ] as const) {
      const refused = cli(['domain:add', ...args]);
      expect([args, refused.code]).toEqual([args, 1]);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(words);
    }
    expect(events()).toBe(before);
  });

  it('refuses to remove a domain a web space uses, then removes it once free', () => {
    const db = new Database(path);
    const { id_domaine: id } = db
      .prepare(`SELECT id_domaine FROM domaines WHERE domaine LIKE 'xn--caf-cli-%'`)
      .get() as { id_domaine: number };
    const host = String(
      (
        db.prepare(`SELECT domaine FROM domaines WHERE id_domaine = ?`).get(id) as {
          domaine: string;
        }
      ).domaine,
    );
    db.prepare(
      `INSERT INTO vhosts (id_hebergement, id_domaine, nom_hote, racine, alias) VALUES (1, ?, ?, '/www', '')`,
    ).run(id, `www.${host}`);
    db.close();
    const refused = cli(['domain:remove', '--hosting', 'annelef', '--domain', 'café-cli.fr']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`encore utilisé par le site web www.${host}`);
    const writable = new Database(path);
    writable.prepare(`DELETE FROM vhosts WHERE nom_hote = ?`).run(`www.${host}`);
    writable.close();
    const removed = cli(['domain:remove', '--hosting', 'annelef', '--domain', 'café-cli.fr']);
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe('Domaine café-cli.fr retiré de l’hébergement annelef.\n');
    expect(rows(`SELECT * FROM domaines WHERE domaine = ?`, host)).toEqual([]);
    expect(rows(`SELECT * FROM soa WHERE origin = ?`, `${host}.`)).toEqual([]);
  });
});
