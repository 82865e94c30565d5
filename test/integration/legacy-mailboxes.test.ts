import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { MailboxEvent } from '../../domain/hosting/mailbox-events.js';
import { keepMailboxHash, mirrorMailboxEvent } from '../../legacy-sync/legacy-mailboxes.js';
import { legacyTextSelect } from '../../legacy-sync/legacy-text.js';
import { sha256Crypt } from '../../src/hosting/crypt.js';
import type { Db } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { mailRows } from '../support/mail-rows.js';
import { dialects } from '../support/databases.js';
import { openSampleDatabase } from '../support/sqlite-sample-data.js';

jest.setTimeout(120_000);

/**
 * The mailbox mirror writes Gloux's `mails` rows as Dovecot and Postfix read them, once per box
 * whatever is replayed, with the hash taken from g2_hosting_secrets (then deleted); a deletion
 * request switches the row off and writes the deletion row, a cancellation undoes both, and a
 * purge removes the row, its usage, its deletion row and the redirections to it, with one
 * journal row; never over a row Gloux gave another hosting.
 */
const now = new Date('2026-12-07T10:00:00Z');
const recorded = (position: number): RecordedEvent => ({
  position,
  streamId: 'hosting-1',
  streamVersion: position,
  type: 'x',
  data: {},
  metadata: {} as RecordedEvent['metadata'],
  recordedAt: '2026-12-07 10:00:00',
});
const box = (mailboxId: string, address: string) => ({ hostingId: 1, mailboxId, address });

describe.each(dialects)('mailbox mirror on %s', (dialect) => {
  let sample: Awaited<ReturnType<typeof openSampleDatabase>>;
  let db: Db;
  const row = (address: string) => mailRows(db, address);
  const deletions = () =>
    db.query<Record<string, unknown>>(
      'SELECT id_mail, mailbox_id, address, hosting_id, purge_after, requested_by FROM g2_mailbox_deletions ORDER BY id_mail',
    );
  const secrets = async () =>
    Number(
      (
        await db.query<{ n: number | string }>(
          `SELECT COUNT(*) AS n FROM g2_hosting_secrets WHERE secret_kind = 'mail'`,
        )
      )[0]!.n,
    );
  let position = 0;
  const mirror = (e: MailboxEvent, at = ++position) =>
    db.transaction((tx) => mirrorMailboxEvent(tx, e, recorded(at), '/var/mail'));
  const keep = (mailboxId: string, hash: string) =>
    db.transaction((tx) => keepMailboxHash(tx, mailboxId, hash, now));
  const created = (mailboxId: string, address: string): MailboxEvent => ({
    type: 'MailboxCreated',
    data: {
      ...box(mailboxId, address),
      domainId: 1,
      quotaMb: 250,
      pop: true,
      imap: false,
      actor: 't',
    },
  });

  beforeAll(async () => {
    sample = await openSampleDatabase(dialect);
    db = sample.db;
  });
  afterAll(() => sample?.close());

  it('inserts the row Dovecot reads, once, and forgets the hash once written', async () => {
    const hash = sha256Crypt('un-secret-solide');
    await keep('b1', hash);
    const first = await mirror(created('b1', 'paul@example.org'));
    expect(first.kind).toBe('written');
    expect(await secrets()).toBe(0);
    expect(await mirror(created('b1', 'paul@example.org'))).toEqual(first);
    const [written] = await row('paul@example.org');
    expect(written).toEqual({
      id_mail: expect.any(Number),
      id_hebergement: 1,
      id_domaine: 1,
      mot_de_passe: hash,
      maildir: '/var/mail/example.org/paul/',
      quota_mo: 250,
      utilise_ko: 0,
      pop: '1',
      imap: '0',
      repondeur: null,
      actif: 'Y',
    });
    expect(hash).toHaveLength(63);
    expect(await row('paul@example.org')).toHaveLength(1);
  });

  it('writes quota, access, an accented auto-reply and a new hash on its own row only', async () => {
    const newer = sha256Crypt('encore-un-secret');
    await keep('b1', newer);
    const changed: MailboxEvent = {
      type: 'MailboxPasswordChanged',
      data: { ...box('b1', 'paul@example.org'), actor: 't' },
    };
    await mirror(changed);
    await mirror(changed);
    await mirror({
      type: 'MailboxQuotaChanged',
      data: { ...box('b1', 'paul@example.org'), quotaMb: 900, actor: 't' },
    });
    await mirror({
      type: 'MailboxAccessChanged',
      data: { ...box('b1', 'paul@example.org'), pop: false, imap: true, actor: 't' },
    });
    await mirror({
      type: 'MailboxAutoReplyChanged',
      data: {
        ...box('b1', 'paul@example.org'),
        message: 'Absent — retour le 2 janvier, merci !',
        actor: 't',
      },
    });
    expect((await row('paul@example.org'))[0]).toMatchObject({
      mot_de_passe: newer,
      quota_mo: 900,
      pop: '0',
      imap: '1',
      repondeur: 'Absent — retour le 2 janvier, merci !',
    });
    expect(await secrets()).toBe(0);
  });

  it('stops a box with its deletion row, and brings it back on cancellation, replays included', async () => {
    const requested: MailboxEvent = {
      type: 'MailboxDeletionRequested',
      data: {
        ...box('b1', 'paul@example.org'),
        purgeAfter: '2026-12-14',
        reason: 'requested',
        actor: 'user:1',
      },
    };
    await mirror(requested);
    await mirror(requested);
    const [paul] = await row('paul@example.org');
    expect(paul!.actif).toBe('N');
    expect(
      (await deletions()).map((d) => ({
        ...d,
        id_mail: Number(d.id_mail),
        hosting_id: Number(d.hosting_id),
        purge_after: String(d.purge_after).slice(0, 10),
      })),
    ).toEqual([
      {
        id_mail: paul!.id_mail,
        mailbox_id: 'b1',
        address: 'paul@example.org',
        hosting_id: 1,
        purge_after: '2026-12-14',
        requested_by: 'user:1',
      },
    ]);
    const cancelled: MailboxEvent = {
      type: 'MailboxDeletionCancelled',
      data: { ...box('b1', 'paul@example.org'), actor: 'user:1' },
    };
    await mirror(cancelled);
    await mirror(cancelled);
    expect((await row('paul@example.org'))[0]!.actif).toBe('Y');
    expect(await deletions()).toEqual([]);
  });

  it('purges Gloux’s own box: its row, usage, deletion row, redirections to it alone, one journal row', async () => {
    const [anne] = await row('anne@example.org');
    const anneBox = box(`gloux-mail-${anne!.id_mail}`, 'anne@example.org');
    await mirror({
      type: 'MailboxDeletionRequested',
      data: { ...anneBox, purgeAfter: '2026-12-14', reason: 'requested', actor: 'user:1' },
    });
    expect((await row('anne@example.org'))[0]!.actif).toBe('N');
    await db.transaction((tx) =>
      tx.execute(
        `INSERT INTO g2_mail_usage (day, address, hosting_id, domain, used_kb, quota_mb) VALUES ('2026-12-06', 'anne@example.org', 1, 'example.org', 5000, 100)`,
      ),
    );
    await mirror({ type: 'MailboxPurgeStarted', data: { ...anneBox, actor: 'purge' } });
    expect(await row('anne@example.org')).toHaveLength(1);
    const purged: MailboxEvent = { type: 'MailboxPurged', data: { ...anneBox, actor: 'user:1' } };
    await mirror(purged, 900);
    await mirror(purged, 900);
    expect(await row('anne@example.org')).toEqual([]);
    expect(await deletions()).toEqual([]);
    expect(
      await db.query(`SELECT day FROM g2_mail_usage WHERE address = 'anne@example.org'`),
    ).toEqual([]);
    const redirections = await db.query<{ source: string; destinations: unknown }>(
      `SELECT source, ${legacyTextSelect('destinations', dialect)} AS destinations FROM mails_redirections ORDER BY source`,
    );
    expect(
      redirections.map((r) => [r.source, Buffer.from(r.destinations as Buffer).toString()]),
    ).toEqual([['contact@example.org', 'anne.lefevre@fai.example']]);
    const journal = await db.query<Record<string, unknown>>(
      `SELECT ts, id_utilisateur, objet, id_objet, action FROM journal WHERE objet = 'mail'`,
    );
    expect(
      journal.map((j) => ({ ...j, ts: Number(j.ts), id_utilisateur: Number(j.id_utilisateur) })),
    ).toEqual([
      {
        ts: Date.parse('2026-12-07T10:00:00Z') / 1000,
        id_utilisateur: 1,
        objet: 'mail',
        id_objet: 'anne@example.org',
        action: 'suppression',
      },
    ]);
  });

  it('writes a box with no hash waiting locked (no password matches), and goes on', async () => {
    expect((await mirror(created('b9', 'sans-secret@example.org'))).kind).toBe('written');
    expect((await row('sans-secret@example.org'))[0]).toMatchObject({
      mot_de_passe: '!',
      actif: 'Y',
    });
  });

  it('records a conflict, Gloux’s row untouched, when Gloux gave the address to another row', async () => {
    await keep('b3', sha256Crypt('un-secret-solide'));
    await db.transaction((tx) =>
      tx.execute(
        `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo) VALUES (2, 2, 'pris@example.org', 'x', '/var/mail/example.org/pris/', 10)`,
      ),
    );
    const before = await row('pris@example.org');
    expect(await mirror(created('b3', 'pris@example.org'))).toEqual({
      kind: 'conflict',
      address: 'pris@example.org',
      heldBy: 2,
    });
    expect(await row('pris@example.org')).toEqual(before);
    // A later event of that box never touches Gloux's row either.
    await mirror({
      type: 'MailboxDeletionRequested',
      data: {
        ...box('b3', 'pris@example.org'),
        purgeAfter: '2026-12-14',
        reason: 'requested',
        actor: 't',
      },
    });
    expect(await row('pris@example.org')).toEqual(before);
    expect(await deletions()).toEqual([]);
  });
});
