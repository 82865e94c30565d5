import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Crypt } from '../../src/hosting/crypt.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startDovecot, type RunningDovecot } from '../support/dovecot.js';

jest.setTimeout(180_000);

/**
 * Dovecot started from the files `hosting:daemon-config` renders, on rows written as Gloux
 * writes them (HOSTING.md b.1): Gloux's own `$1$` sample box and a `$5$` box log in over POP3
 * and IMAP and read a message put in with `doveadm save`; a deletion row or `actif = 'N'` stops
 * the login at once and removing it brings the box back with its mail; pop/imap per protocol;
 * a folder outside the mail root is never opened; the suspension policy (mail kept by default)
 * and a closed hosting (refused).
 */
let db: TestDatabase;
let dovecot: RunningDovecot;

const message = (subject: string) =>
  `From: expediteur@fai.example\nTo: boite@example.org\nSubject: ${subject}\n\nBonjour, ${subject}.\n`;

/** A box as Gloux's panel writes it (the sample's columns, a crypt hash). */
async function mailRow(
  address: string,
  password: string,
  options: { hosting?: number; maildir?: string; pop?: '0' | '1'; imap?: '0' | '1' } = {},
) {
  const [local, domain] = address.split('@');
  await db.gloux!.query(
    `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo, pop, imap)
     VALUES (?, ?, ?, ?, ?, 50, ?, ?)`,
    [
      options.hosting ?? 1,
      options.hosting === 2 ? 2 : 1,
      address,
      sha256Crypt(password),
      options.maildir ?? `/var/mail/${domain}/${local}/`,
      options.pop ?? '1',
      options.imap ?? '1',
    ],
  );
}

const popCount = (address: string, password: string) =>
  dovecot.pop3(address, password, (s) => s.count());
const imapIn = (address: string, password: string) =>
  dovecot.imap(address, password, async () => true);

beforeAll(async () => {
  db = await createTestDatabase('mysql');
  dovecot = await startDovecot(db.settings.url!);
});

afterAll(async () => {
  await dovecot?.stop();
  await db?.drop();
});

describe('Dovecot on Gloux’s mails table, from the rendered configuration', () => {
  it('Gloux’s $1$ sample box logs in over POP3 and IMAP and reads a message saved in it', async () => {
    await dovecot.save('anne@example.org', message('premier message'));
    const read = await dovecot.pop3('anne@example.org', 'm', async (s) => ({
      count: await s.count(),
      body: await s.multiline('RETR 1'),
    }));
    expect(read?.count).toBe(1);
    expect(read?.body).toContain('Subject: premier message');
    // Gloux's maildir column is the Maildir itself, under the mail root.
    const files = readdirSync(join(dovecot.maildirOf('/var/mail/example.org/anne'), 'cur'));
    expect(
      files.length +
        readdirSync(join(dovecot.maildirOf('/var/mail/example.org/anne'), 'new')).length,
    ).toBe(1);
    const fetched = await dovecot.imap('anne@example.org', 'm', async (s) => {
      expect((await s.command('SELECT INBOX')).reply).toContain('* 1 EXISTS');
      return (await s.command('FETCH 1 BODY[]')).reply;
    });
    expect(fetched).toContain('Bonjour, premier message.');
    expect(await popCount('anne@example.org', 'wrong')).toBeNull();
    expect(await imapIn('anne@example.org', 'wrong')).toBeNull();
    // The quota rule comes from quota_mo (100 Mo in the sample row), in kilobytes.
    const quota = await dovecot.doveadm(['quota', 'get', '-u', 'anne@example.org']);
    expect(quota.output).toMatch(/STORAGE\s+\d+\s+102400\b/);
    // A login typed with capitals finds the lower-case row.
    expect(await popCount('Anne@Example.org', 'm')).toBe(1);
  });

  it('a $5$ box logs in; a deletion row stops it at once and removing the row brings it back with its mail', async () => {
    await mailRow('contact2@example.org', 'secret-5');
    await dovecot.save('contact2@example.org', message('gardé'));
    expect(await popCount('contact2@example.org', 'secret-5')).toBe(1);
    const [rows] = await db.gloux!.query(
      `SELECT id_mail FROM mails WHERE adresse = 'contact2@example.org'`,
    );
    const id = (rows as { id_mail: number }[])[0]!.id_mail;
    await db.gloux!.query(
      `INSERT INTO g2_mailbox_deletions (id_mail, mailbox_id, address, hosting_id, requested_at, purge_after, requested_by)
       VALUES (?, 'm-1', 'contact2@example.org', 1, NOW(), '2026-12-14', 'test')`,
      [id],
    );
    expect(await popCount('contact2@example.org', 'secret-5')).toBeNull();
    expect(await imapIn('contact2@example.org', 'secret-5')).toBeNull();
    // Delivery stops too: the userdb (LMTP, doveadm) does not know the box any more.
    const refused = await dovecot.doveadm(['save', '-u', 'contact2@example.org'], message('x'));
    expect(refused.code).not.toBe(0);
    await db.gloux!.query(`DELETE FROM g2_mailbox_deletions WHERE id_mail = ?`, [id]);
    expect(await popCount('contact2@example.org', 'secret-5')).toBe(1);
    await db.gloux!.query(`UPDATE mails SET actif = 'N' WHERE id_mail = ?`, [id]);
    expect(await popCount('contact2@example.org', 'secret-5')).toBeNull();
  });

  it('POP3 and IMAP follow the row’s pop and imap switches', async () => {
    await mailRow('imaponly@example.org', 'imap-only', { pop: '0' });
    await mailRow('poponly@example.org', 'pop-only', { imap: '0' });
    expect(await popCount('imaponly@example.org', 'imap-only')).toBeNull();
    expect(await imapIn('imaponly@example.org', 'imap-only')).toBe(true);
    expect(await popCount('poponly@example.org', 'pop-only')).toBe(0);
    expect(await imapIn('poponly@example.org', 'pop-only')).toBeNull();
  });

  it('a folder outside the mail root, or with .., is never opened, whatever wrote the row', async () => {
    await mailRow('evil@example.org', 'evil-secret', { maildir: '/var/mail/../../etc/' });
    await mailRow('near@example.org', 'near-secret', { maildir: '/var/mailx/near/' });
    await mailRow('root@example.org', 'root-secret', { maildir: '/var/mail/' });
    expect(await popCount('evil@example.org', 'evil-secret')).toBeNull();
    expect(await popCount('near@example.org', 'near-secret')).toBeNull();
    expect(await popCount('root@example.org', 'root-secret')).toBeNull();
    expect(existsSync(dovecot.maildirOf('/var/mailx'))).toBe(false);
  });

  it('a suspended hosting keeps its mail (SUSPENSION_CUTS=web,ftp by default); a closed one loses it', async () => {
    await mailRow('bureau@lesamis.example', 'lesamis-secret', { hosting: 2 });
    expect(await popCount('bureau@lesamis.example', 'lesamis-secret')).toBe(0);
    expect(await imapIn('bureau@lesamis.example', 'lesamis-secret')).toBe(true);
    await db.gloux!.query(`UPDATE hebergements SET etat = 'ferme' WHERE id_hebergement = 2`);
    expect(await popCount('bureau@lesamis.example', 'lesamis-secret')).toBeNull();
    expect(await imapIn('bureau@lesamis.example', 'lesamis-secret')).toBeNull();
    await db.gloux!.query(`UPDATE hebergements SET etat = 'suspendu' WHERE id_hebergement = 2`);
  });
});

describe('with mail in SUSPENSION_CUTS', () => {
  let cut: RunningDovecot;
  beforeAll(async () => {
    cut = await startDovecot(db.settings.url!, { SUSPENSION_CUTS: 'web,ftp,mail' });
  });
  afterAll(() => cut?.stop());

  it('a suspended hosting’s box is refused, an active one still logs in', async () => {
    expect(await cut.pop3('bureau@lesamis.example', 'lesamis-secret', (s) => s.count())).toBeNull();
    expect(await cut.imap('bureau@lesamis.example', 'lesamis-secret', async () => true)).toBeNull();
    expect(await cut.pop3('poponly@example.org', 'pop-only', (s) => s.count())).toBe(0);
  });
});
