import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCrypt } from '../../src/hosting/crypt.js';
import { runCli } from './cli-process.js';

jest.setTimeout(240_000);

/**
 * `mailbox:create|password|delete|restore|list` as the CLI contract runs them, on the
 * embedded demo database: Gloux's `mails` row is written before the command exits, a deletion
 * is deferred (actif N + its deletion row) and cancelled, refusals are French on stderr with
 * exit 1 and nothing written.
 */
describe('the mailbox commands', () => {
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
  const box = (address: string) =>
    rows(
      'SELECT id_hebergement, mot_de_passe, maildir, quota_mo, pop, imap, actif FROM mails WHERE adresse = ?',
      address,
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-mailboxes-cli-'));
    path = join(dir, 'cli.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a box typed with capitals, live in Gloux’s table on return', () => {
    const created = cli([
      'mailbox:create',
      '--hosting',
      'annelef',
      '--address',
      'Bureau@Anne-Lefevre.fr',
      '--password',
      'un-secret-solide',
      '--quota-mb',
      '300',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(
      'L’adresse a été mise en minuscules : bureau@anne-lefevre.fr.\nBoîte bureau@anne-lefevre.fr créée sur l’hébergement annelef.\n',
    );
    const [row] = box('bureau@anne-lefevre.fr');
    expect(row).toMatchObject({
      id_hebergement: 1,
      maildir: '/var/mail/anne-lefevre.fr/bureau/',
      quota_mo: 300,
      pop: '1',
      imap: '1',
      actif: 'Y',
    });
    expect(String(row!.mot_de_passe)).toHaveLength(63);
    expect(verifyCrypt('un-secret-solide', String(row!.mot_de_passe))).toBe(true);
  });

  it('changes the password of gloux2’s box and of Gloux’s own', () => {
    for (const address of ['bureau@anne-lefevre.fr', 'anne@anne-lefevre.fr']) {
      const changed = cli([
        'mailbox:password',
        '--address',
        address,
        '--password',
        'autre-secret-solide',
      ]);
      expect([address, changed.stderr, changed.code]).toEqual([address, '', 0]);
      expect(changed.stdout).toBe(`Mot de passe de la boîte ${address} changé.\n`);
      expect(verifyCrypt('autre-secret-solide', String(box(address)[0]!.mot_de_passe))).toBe(true);
    }
  });

  it('deletes in deferred mode, lists the purge date, restores', () => {
    const deleted = cli(['mailbox:delete', '--address', 'bureau@anne-lefevre.fr']);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(
      /^Boîte bureau@anne-lefevre\.fr fermée : ses messages sont gardés jusqu’à la purge du \d\d\/\d\d\/\d{4} \(mailbox:restore l’annule d’ici là\)\.\n$/,
    );
    expect(box('bureau@anne-lefevre.fr')[0]!.actif).toBe('N');
    expect(
      rows(
        'SELECT mailbox_id, hosting_id FROM g2_mailbox_deletions WHERE address = ?',
        'bureau@anne-lefevre.fr',
      ),
    ).toHaveLength(1);
    const listed = cli(['mailbox:list', '--hosting', 'annelef']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'anne@anne-lefevre.fr\t1024 Mo\tPOP+IMAP\tactive',
        expect.stringMatching(
          /^bureau@anne-lefevre\.fr\t300 Mo\tPOP\+IMAP\tsuppression le \d\d\/\d\d\/\d{4}$/,
        ),
      ]),
    );
    const again = cli([
      'mailbox:create',
      '--hosting',
      'annelef',
      '--address',
      'bureau@anne-lefevre.fr',
      '--password',
      'un-secret-solide',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('en cours de suppression (purge prévue le');
    const restored = cli(['mailbox:restore', '--address', 'bureau@anne-lefevre.fr']);
    expect([restored.stderr, restored.code]).toEqual(['', 0]);
    expect(restored.stdout).toBe(
      'Suppression de la boîte bureau@anne-lefevre.fr annulée : elle fonctionne à nouveau.\n',
    );
    expect(box('bureau@anne-lefevre.fr')[0]!.actif).toBe('Y');
    expect(rows('SELECT * FROM g2_mailbox_deletions')).toEqual([]);
  });

  it('refuses in French on stderr with exit 1, writing nothing', () => {
    const before = events();
    const create = (address: string, ...more: string[]) => [
      'mailbox:create',
      '--hosting',
      'annelef',
      '--address',
      address,
      '--password',
      'un-secret-solide',
      ...more,
    ];
    for (const [args, words] of [
      [create('anne marie@anne-lefevre.fr'), 'espace'],
      [create(`${'x'.repeat(256)}@anne-lefevre.fr`), '64 caractères'],
      [create('zero@anne-lefevre.fr', '--quota-mb', '0'), 'au moins 1 Mo'],
      [create('neg@anne-lefevre.fr', '--quota-mb=-5'), 'négatif'],
      [create('anne@anne-lefevre.fr'), 'existe déjà'],
      [create('x@webcoop.fr'), 'pas un domaine de cet hébergement'],
      [
        [
          'mailbox:create',
          '--hosting',
          'inconnu',
          '--address',
          'a@b.fr',
          '--password',
          'xxxxxxxxx',
        ],
        'introuvable',
      ],
      [
        ['mailbox:password', '--address', 'personne@anne-lefevre.fr', '--password', 'xxxxxxxxxx'],
        'Aucune boîte',
      ],
      [['mailbox:restore', '--address', 'anne@anne-lefevre.fr'], 'Aucune suppression'],
    ] as const) {
      const refused = cli([...args]);
      expect([args, refused.code]).toEqual([args, 1]);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(words);
    }
    expect(events()).toBe(before);
  });
});
