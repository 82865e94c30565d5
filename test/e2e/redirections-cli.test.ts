import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';

jest.setTimeout(180_000);

/**
 * `redirection:create` / `redirection:list` / `redirection:delete` as the README runs them, on
 * the embedded demo database (Anne's hosting annelef, her domain anne-lefevre.fr with Gloux's
 * demo row contact@ → an outside address).
 */
describe('the redirection commands', () => {
  let dir: string;
  let path: string;
  const cli = (args: string[]) => runCli(args, path);
  const rows = (source: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db
        .prepare(
          'SELECT id_hebergement, destinations, garder_copie, actif FROM mails_redirections WHERE source = ?',
        )
        .all(source) as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };
  const events = () => {
    const db = new Database(path, { readonly: true });
    try {
      return Number((db.prepare('SELECT COUNT(*) AS n FROM g2_events').get() as { n: number }).n);
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-redirections-cli-'));
    path = join(dir, 'cli.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a redirection, written into Gloux’s table before it exits, the SPF warning on stderr', () => {
    const created = cli([
      'redirection:create',
      '--hosting',
      'annelef',
      '--source',
      'Info@Anne-Lefevre.fr',
      '--to',
      'contact@anne-lefevre.fr,Amie@FAI.example',
    ]);
    expect([created.code, created.stdout]).toEqual([
      0,
      'Redirection de info@anne-lefevre.fr créée sur l’hébergement annelef.\n',
    ]);
    expect(created.stderr).toContain('SPF');
    expect(rows('info@anne-lefevre.fr')).toEqual([
      {
        id_hebergement: 1,
        destinations: 'contact@anne-lefevre.fr,amie@fai.example',
        garder_copie: 0,
        actif: 'Y',
      },
    ]);
    const listed = cli(['redirection:list', '--hosting', 'annelef']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(
      'contact@anne-lefevre.fr\tsans-copie\tanne.lefevre@fai.example\n' +
        'info@anne-lefevre.fr\tsans-copie\tcontact@anne-lefevre.fr,amie@fai.example\n',
    );
  });

  it('refuses with every error on stderr as --option : message, exit 1, writing nothing', () => {
    const before = events();
    const refused = cli([
      'redirection:create',
      '--hosting',
      'annelef',
      '--source',
      '@example.org',
      '--to',
      '|/bin/sh,/tmp/boite',
      '--keep-copy',
    ]);
    expect([refused.code, refused.stdout]).toEqual([1, '']);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^--source : Le domaine example\.org n’est pas un domaine/);
    expect(lines[1]).toMatch(/^--to : .*commande/);
    expect(lines[2]).toMatch(/^--to : .*fichier/);
    // The catch-all would send personne@ (no box, no redirection) back to itself.
    const loop = cli([
      'redirection:create',
      '--hosting',
      'annelef',
      '--source',
      '@anne-lefevre.fr',
      '--to',
      'personne@anne-lefevre.fr',
    ]);
    expect([loop.code, loop.stderr]).toEqual([1, expect.stringContaining('boucle')]);
    const back = cli([
      'redirection:create',
      '--hosting',
      'annelef',
      '--source',
      'x@anne-lefevre.fr',
      '--to',
      'x@anne-lefevre.fr',
    ]);
    expect([back.code, back.stderr]).toEqual([1, expect.stringContaining('elle-même')]);
    expect(events()).toBe(before);
  });

  it('deletes a redirection, Gloux’s own row too', () => {
    const deleted = cli(['redirection:delete', '--source', 'contact@anne-lefevre.fr']);
    expect([deleted.code, deleted.stdout]).toEqual([
      0,
      'Redirection de contact@anne-lefevre.fr supprimée.\n',
    ]);
    expect(rows('contact@anne-lefevre.fr')).toEqual([]);
    const unknown = cli(['redirection:delete', '--source', 'contact@anne-lefevre.fr']);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      expect.stringContaining('Aucune redirection'),
    ]);
  });
});
