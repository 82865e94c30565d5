import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import {
  MailboxCommand,
  type MailboxAction,
  type MailboxResult,
} from '../../src/hosting/mail/mailboxes.handler.js';
import {
  LIFECYCLE_CONFIG,
  loadLifecycleConfig,
  loadMailUsageConfig,
  MAIL_USAGE_CONFIG,
} from '../../src/kernel/config.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { startDuePurges } from '../../src/hosting/mail/mail-purge.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startDovecot, type RunningDovecot } from '../support/dovecot.js';

jest.setTimeout(240_000);

/**
 * Dovecot from the rendered configuration, serving boxes made by gloux2's own MailboxCommand
 * (the mirror writes Gloux's `mails` row, maildir under MAIL_ROOT, which Dovecot serves as its
 * mail root): a new box logs in over POP3 and IMAP and reads a message put in it with
 * `doveadm save`; a deletion request makes the login fail at once, cancelling brings it back
 * with the message; a suspended hosting's box keeps its mail by default and is refused with
 * mail in SUSPENSION_CUTS; a closed hosting's box is refused; once the purge is due, the
 * reference purge script removes its files and the address, taken again, is a new empty box.
 */
let db: TestDatabase;
let app: AppHarness;
let dovecot: RunningDovecot;
let mailRoot: string;

const PASSWORD = 'un-secret-solide';
const message = (subject: string) =>
  `From: expediteur@fai.example\nTo: boite@example.org\nSubject: ${subject}\n\nBonjour, ${subject}.\n`;

async function command(action: MailboxAction, hostingId = 1): Promise<MailboxResult> {
  const result = await app.context
    .get(CommandBus)
    .execute<MailboxCommand, MailboxResult>(new MailboxCommand(hostingId, action, 'test'));
  // The mirror has written Gloux's rows: what the daemon reads.
  await app.settle();
  return result;
}

const popCount = (address: string, password = PASSWORD) =>
  dovecot.pop3(address, password, (s) => s.count());
const imapCount = (address: string, password = PASSWORD) =>
  dovecot.imap(address, password, async (s) => {
    const selected = (await s.command('SELECT INBOX')).reply;
    return Number(/\* (\d+) EXISTS/.exec(selected)?.[1]);
  });

beforeAll(async () => {
  mailRoot = mkdtempSync(join(tmpdir(), 'gloux2-mailroot-'));
  db = await createTestDatabase('mysql');
  dovecot = await startDovecot(db.settings.url!, {}, { mailRoot });
  const lifecycle = loadLifecycleConfig({ NODE_ENV: 'test' });
  app = await AppHarness.start(db, {
    now: '2026-12-07T10:00:00Z',
    overrides: [
      [MAIL_USAGE_CONFIG, loadMailUsageConfig({ MAIL_ROOT: mailRoot })],
      [
        LIFECYCLE_CONFIG,
        {
          ...lifecycle,
          hostingHooks: {
            ...lifecycle.hostingHooks,
            'mail.purge': join(projectRoot, 'scripts', 'hosting', 'mail-purge'),
          },
        },
      ],
    ],
  });
});

afterAll(async () => {
  await app?.close();
  await dovecot?.stop();
  await db?.drop();
  rmSync(mailRoot, { recursive: true, force: true });
});

describe('Dovecot serving the boxes gloux2’s commands create', () => {
  const address = 'nouvelle@example.org';

  it('a box created by the command logs in over POP3 and IMAP and reads a message saved in it', async () => {
    await command({ action: 'create', address, password: PASSWORD, quotaMb: '20' });
    await dovecot.save(address, message('bienvenue'));
    const read = await dovecot.pop3(address, PASSWORD, async (s) => ({
      count: await s.count(),
      body: await s.multiline('RETR 1'),
    }));
    expect(read?.count).toBe(1);
    expect(read?.body).toContain('Bonjour, bienvenue.');
    const fetched = await dovecot.imap(address, PASSWORD, async (s) => {
      await s.command('SELECT INBOX');
      return (await s.command('FETCH 1 BODY[]')).reply;
    });
    expect(fetched).toContain('Subject: bienvenue');
    // The files are where gloux2 said: <MAIL_ROOT>/<domain>/<local>/.
    expect(existsSync(join(mailRoot, 'example.org/nouvelle/cur'))).toBe(true);
    expect(await popCount(address, 'pas-le-bon')).toBeNull();
    const quota = await dovecot.doveadm(['quota', 'get', '-u', address]);
    expect(quota.output).toMatch(/STORAGE\s+\d+\s+20480\b/);
  });

  it('a deletion request makes the login fail at once; cancelling brings the box back with its message', async () => {
    await command({ action: 'delete', address });
    expect(await popCount(address)).toBeNull();
    expect(await imapCount(address)).toBeNull();
    // Nothing is delivered to it meanwhile (LMTP and doveadm use the same userdb).
    expect((await dovecot.doveadm(['save', '-u', address], message('perdu'))).code).not.toBe(0);
    await command({ action: 'restore', address });
    expect(await popCount(address)).toBe(1);
    expect(await imapCount(address)).toBe(1);
  });

  it('a suspended hosting’s box keeps logging in by default (SUSPENSION_CUTS=web,ftp)', async () => {
    // What the account lifecycle's mirror writes on suspension.
    await db.gloux!.query(`UPDATE hebergements SET etat = 'suspendu' WHERE id_hebergement = 1`);
    try {
      expect(await popCount(address)).toBe(1);
      expect(await imapCount(address)).toBe(1);
      const cut = await startDovecot(
        db.settings.url!,
        { SUSPENSION_CUTS: 'web,ftp,mail' },
        { mailRoot },
      );
      try {
        expect(await cut.pop3(address, PASSWORD, (s) => s.count())).toBeNull();
        expect(await cut.imap(address, PASSWORD, async () => true)).toBeNull();
      } finally {
        await cut.stop();
        // The daemons' users are per database: the first rendering's passwords back.
        await dovecot.grant();
      }
    } finally {
      await db.gloux!.query(`UPDATE hebergements SET etat = 'actif' WHERE id_hebergement = 1`);
    }
    expect(await popCount(address)).toBe(1);
  });

  it('a closed hosting’s box is refused', async () => {
    await db.gloux!.query(`UPDATE hebergements SET etat = 'ferme' WHERE id_hebergement = 1`);
    try {
      expect(await popCount(address)).toBeNull();
      expect(await imapCount(address)).toBeNull();
    } finally {
      await db.gloux!.query(`UPDATE hebergements SET etat = 'actif' WHERE id_hebergement = 1`);
    }
  });

  it('after the purge the files are gone, and the address taken again is a new, empty box', async () => {
    await command({ action: 'delete', address });
    expect(await popCount(address)).toBeNull();
    // MAIL_DELETION_DAYS (7) later, the daily run starts the purge; its job runs the script.
    app.clock.set(new Date('2026-12-14T10:00:00Z'));
    const started = await startDuePurges(app.db, app.pipeline, app.clock, undefined, 'test');
    expect(started.started.map((b) => b.address)).toEqual([address]);
    await app.settle();
    expect(existsSync(join(mailRoot, 'example.org/nouvelle'))).toBe(false);
    const [row] = await app.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM mails WHERE adresse = ?`,
      [address],
    );
    expect(Number(row!.n)).toBe(0);
    await command({ action: 'create', address, password: PASSWORD, quotaMb: '20' });
    expect(await popCount(address)).toBe(0);
    expect(await imapCount(address)).toBe(0);
  });
});
