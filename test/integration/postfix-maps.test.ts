import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { redirectionCreateCli } from '../../src/hosting/mail/redirections.cli.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { renderMailDaemons, run, type RenderedMailDaemons } from '../support/dovecot.js';

jest.setTimeout(180_000);

const POSTMAP = '/usr/sbin/postmap';

/**
 * Postfix's `mysql:` maps as `hosting:daemon-config` renders them, queried with
 * `postmap -c <dir> -q` (HOSTING.md b.3) as the Postfix user the grants create, on Gloux's
 * sample rows: the domains whose mail is hosted here, the boxes (hidden by a deletion row),
 * and the aliases: a redirection, a copy kept, the catch-all, and the identity row that keeps
 * the catch-all from swallowing a real box.
 */
let db: TestDatabase;
let maps: RenderedMailDaemons;

/** What `postmap -q key` returns from one rendered map ('' when the key is not found). */
async function lookup(rendered: RenderedMailDaemons, map: string, key: string): Promise<string> {
  const dir = join(rendered.out, 'postfix');
  const result = await run(POSTMAP, ['-c', dir, '-q', key, `mysql:${dir}/${map}`]);
  // postmap exits 1 when the key is not found, 0 with the value; anything else is a fault.
  if (result.code === 1 && result.output.trim() === '') return '';
  if (result.code !== 0) throw new Error(`postmap -q ${key} ${map}: ${result.output}`);
  return result.output.trim();
}

beforeAll(async () => {
  if (!existsSync(POSTMAP) || !existsSync('/usr/lib/postfix/postfix-mysql.so'))
    throw new Error(
      'Postfix with its MySQL maps is missing: apt-get install postfix postfix-mysql (or run bash .ci/ensure-system.sh as root).',
    );
  db = await createTestDatabase('mysql');
  maps = await renderMailDaemons(db.settings.url!);
});

afterAll(async () => {
  await maps?.cleanUp();
  await db?.drop();
});

async function annesId(): Promise<number> {
  const [rows] = await db.gloux!.query(
    `SELECT id_mail FROM mails WHERE adresse = 'anne@example.org'`,
  );
  return (rows as { id_mail: number }[])[0]!.id_mail;
}

describe('Postfix maps on Gloux’s sample rows', () => {
  it('domains.cf: the domains whose mail is hosted here, a suspended hosting’s included, a closed one’s not', async () => {
    expect(await lookup(maps, 'domains.cf', 'example.org')).toBe('example.org');
    expect(await lookup(maps, 'domains.cf', 'lesamis.example')).toBe('lesamis.example');
    expect(await lookup(maps, 'domains.cf', 'unknown.example')).toBe('');
    await db.gloux!.query(`UPDATE domaines SET gere_mx = 'N' WHERE domaine = 'lesamis.example'`);
    expect(await lookup(maps, 'domains.cf', 'lesamis.example')).toBe('');
    await db.gloux!.query(`UPDATE domaines SET gere_mx = 'O' WHERE domaine = 'lesamis.example'`);
    await db.gloux!.query(`UPDATE hebergements SET etat = 'ferme' WHERE id_hebergement = 2`);
    expect(await lookup(maps, 'domains.cf', 'lesamis.example')).toBe('');
    await db.gloux!.query(`UPDATE hebergements SET etat = 'suspendu' WHERE id_hebergement = 2`);
  });

  it('aliases.cf: a redirection, a copy kept, the catch-all, and the identity row of a real box', async () => {
    expect(await lookup(maps, 'aliases.cf', 'contact@example.org')).toBe(
      'anne@example.org,anne.lefevre@fai.example',
    );
    expect(await lookup(maps, 'aliases.cf', '@example.org')).toBe('anne@example.org');
    // The box answers for itself, so Postfix never tries the catch-all for it.
    expect(await lookup(maps, 'aliases.cf', 'anne@example.org')).toBe('anne@example.org');
    expect(await lookup(maps, 'aliases.cf', 'nobody@example.org')).toBe('');
    await db.gloux!.query(
      `INSERT INTO mails_redirections (id_hebergement, source, destinations, garder_copie)
       VALUES (1, 'copie@example.org', 'externe@fai.example', 1),
              (2, '@lesamis.example', 'bureau@fai.example', 1)`,
    );
    expect(await lookup(maps, 'aliases.cf', 'copie@example.org')).toBe(
      'externe@fai.example,copie@example.org',
    );
    // garder_copie is never applied to a catch-all source.
    expect(await lookup(maps, 'aliases.cf', '@lesamis.example')).toBe('bureau@fai.example');
  });

  it('a box redirected elsewhere has no identity row; with a copy kept it is listed once', async () => {
    await db.gloux!.query(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo)
       VALUES (1, 1, 'partie@example.org', '$1$x$y', '/var/mail/example.org/partie/', 10),
              (1, 1, 'double@example.org', '$1$x$y', '/var/mail/example.org/double/', 10)`,
    );
    await db.gloux!.query(
      `INSERT INTO mails_redirections (id_hebergement, source, destinations, garder_copie)
       VALUES (1, 'partie@example.org', 'ailleurs@fai.example', 0),
              (1, 'double@example.org', 'ailleurs@fai.example', 1)`,
    );
    expect(await lookup(maps, 'aliases.cf', 'partie@example.org')).toBe('ailleurs@fai.example');
    expect(await lookup(maps, 'aliases.cf', 'double@example.org')).toBe(
      'ailleurs@fai.example,double@example.org',
    );
  });

  it('mailboxes.cf and the identity row hide a box whose deletion is pending (its mail goes to the catch-all)', async () => {
    expect(await lookup(maps, 'mailboxes.cf', 'anne@example.org')).toBe(
      '/var/mail/example.org/anne/',
    );
    const id = await annesId();
    await db.gloux!.query(
      `INSERT INTO g2_mailbox_deletions (id_mail, mailbox_id, address, hosting_id, requested_at, purge_after, requested_by)
       VALUES (?, 'm-anne', 'anne@example.org', 1, NOW(), '2026-12-14', 'test')`,
      [id],
    );
    expect(await lookup(maps, 'mailboxes.cf', 'anne@example.org')).toBe('');
    expect(await lookup(maps, 'aliases.cf', 'anne@example.org')).toBe('');
    await db.gloux!.query(`DELETE FROM g2_mailbox_deletions WHERE id_mail = ?`, [id]);
    expect(await lookup(maps, 'mailboxes.cf', 'anne@example.org')).toBe(
      '/var/mail/example.org/anne/',
    );
    await db.gloux!.query(`UPDATE mails SET actif = 'N' WHERE id_mail = ?`, [id]);
    expect(await lookup(maps, 'mailboxes.cf', 'anne@example.org')).toBe('');
    await db.gloux!.query(`UPDATE mails SET actif = 'Y' WHERE id_mail = ?`, [id]);
  });

  it('the suspension policy: a suspended hosting’s box receives by default, not with mail in SUSPENSION_CUTS', async () => {
    await db.gloux!.query(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo)
       VALUES (2, 2, 'bureau@lesamis.example', '$1$x$y', '/var/mail/lesamis.example/bureau/', 10)`,
    );
    expect(await lookup(maps, 'mailboxes.cf', 'bureau@lesamis.example')).toBe(
      '/var/mail/lesamis.example/bureau/',
    );
    const cut = await renderMailDaemons(db.settings.url!, { SUSPENSION_CUTS: 'web,ftp,mail' });
    try {
      expect(await lookup(cut, 'mailboxes.cf', 'bureau@lesamis.example')).toBe('');
      expect(await lookup(cut, 'aliases.cf', '@lesamis.example')).toBe('');
      expect(await lookup(cut, 'mailboxes.cf', 'anne@example.org')).toBe(
        '/var/mail/example.org/anne/',
      );
    } finally {
      await cut.cleanUp();
      // The users are per database: give them back their passwords of the first rendering.
      await maps.grant();
    }
  });
});

describe('through gloux2’s own command (redirection:create)', () => {
  let app: AppHarness;
  const silently = async (run: () => Promise<number>) => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      return await run();
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  };
  const create = (source: string, to: string, keepCopy = false) =>
    silently(() =>
      redirectionCreateCli(app.context, {
        hosting: 'annelef',
        source,
        to,
        'keep-copy': keepCopy,
      }),
    );

  beforeAll(async () => {
    app = await AppHarness.start(db);
    // A domain of Anne's whose mail is hosted here and two boxes in it, as Gloux writes them.
    await db.gloux!.query(
      `INSERT INTO domaines (id_domaine, domaine, id_hebergement, id_soa, gere_mx, date_ajout)
       VALUES (50, 'famille.example', 1, 0, 'O', '2026-12-01 00:00:00')`,
    );
    await db.gloux!.query(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo)
       VALUES (1, 50, 'papa@famille.example', '$1$x$y', '/var/mail/famille.example/papa/', 10),
              (1, 50, 'maman@famille.example', '$1$x$y', '/var/mail/famille.example/maman/', 10)`,
    );
  });
  afterAll(() => app?.close());

  it('a redirection, a redirection keeping a copy and a catch-all give Postfix the expected destinations', async () => {
    expect(await create('contact@famille.example', 'maman@famille.example,Oncle@FAI.example')).toBe(
      0,
    );
    expect(await create('papa@famille.example', 'papa.bureau@fai.example', true)).toBe(0);
    expect(await create('@famille.example', 'maman@famille.example')).toBe(0);
    expect(await lookup(maps, 'aliases.cf', 'contact@famille.example')).toBe(
      'maman@famille.example,oncle@fai.example',
    );
    expect(await lookup(maps, 'aliases.cf', 'papa@famille.example')).toBe(
      'papa.bureau@fai.example,papa@famille.example',
    );
    expect(await lookup(maps, 'aliases.cf', '@famille.example')).toBe('maman@famille.example');
    // maman answers for herself: the catch-all never takes a real box's mail.
    expect(await lookup(maps, 'aliases.cf', 'maman@famille.example')).toBe('maman@famille.example');
    expect(await lookup(maps, 'aliases.cf', 'inconnu@famille.example')).toBe('');
    expect(await lookup(maps, 'mailboxes.cf', 'papa@famille.example')).toBe(
      '/var/mail/famille.example/papa/',
    );
    expect(await lookup(maps, 'domains.cf', 'famille.example')).toBe('famille.example');
  });
});
