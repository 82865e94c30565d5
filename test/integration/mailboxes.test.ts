import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { domainToASCII } from 'node:url';
import { CommandBus } from '@nestjs/cqrs';
import { hostingStream } from '../../domain/hosting/events.js';
import { verifyCrypt } from '../../src/hosting/crypt.js';
import {
  loadMailboxes,
  MailboxCommand,
  type MailboxAction,
  type MailboxResult,
} from '../../src/hosting/mail/mailboxes.handler.js';
import { AppHarness } from '../support/app-harness.js';
import { mailRows } from '../support/mail-rows.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(180_000);

/**
 * Mailboxes through gloux2's command (issue 19) on SQLite and MariaDB: Gloux's `mails` row read
 * back exactly (`$5$` hash of 63 characters, maildir, quota, POP/IMAP, auto-reply, actif), the
 * deferred deletion's row and its cancellation, the address taken here or in Gloux (with the
 * purge date while a deletion waits), the bad inputs of the issue refused in French with
 * nothing written, the price of a box beyond the plan announced, and no hash in the event log.
 */
describe.each(dialects)('mailboxes on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const idn = domainToASCII('boîtes.example');

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-12-07T10:00:00Z' });
    await exec(
      `INSERT INTO domaines (id_domaine, domaine, id_hebergement, id_soa, gere_dns, gere_mx, date_ajout) VALUES
        (901, 'boites.example', 1, 0, 'N', 'O', '2020-01-01 00:00:00'),
        (902, 'ailleurs.example', 1, 0, 'N', 'N', '2020-01-01 00:00:00'),
        (903, ?, 1, 0, 'N', 'O', '2020-01-01 00:00:00'),
        (904, 'deux.example', 2, 0, 'N', 'O', '2020-01-01 00:00:00')`,
      [idn],
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));
  const run = async (action: MailboxAction, hostingId = 1, key?: string) => {
    const result = await app.context
      .get(CommandBus)
      .execute<MailboxCommand, MailboxResult>(new MailboxCommand(hostingId, action, 'test', key));
    await app.settle();
    return result;
  };
  const row = (address: string) => mailRows(app.db, address);
  const deletion = (address: string) =>
    app.db.query<Record<string, unknown>>(
      'SELECT id_mail, mailbox_id, hosting_id, purge_after, requested_by FROM g2_mailbox_deletions WHERE address = ?',
      [address],
    );
  const eventCount = async () =>
    Number(
      (await app.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM g2_events'))[0]!.n,
    );

  it('creates a box typed with capitals: Gloux’s row exactly, the hash $5$ and nowhere else', async () => {
    const created = await run(
      {
        action: 'create',
        address: 'Boite.Test@Boites.example',
        password: 'un-secret-solide',
        quotaMb: '200',
      },
      1,
      'k-create',
    );
    expect(created).toMatchObject({
      address: 'boite.test@boites.example',
      changed: true,
      notice: 'L’adresse a été mise en minuscules : boite.test@boites.example.',
      overage: null,
    });
    const [written] = await row('boite.test@boites.example');
    expect(written).toEqual({
      id_mail: expect.any(Number),
      id_hebergement: 1,
      id_domaine: 901,
      mot_de_passe: expect.stringMatching(/^\$5\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/),
      maildir: '/var/mail/boites.example/boite.test/',
      quota_mo: 200,
      utilise_ko: 0,
      pop: '1',
      imap: '1',
      repondeur: null,
      actif: 'Y',
    });
    expect(written!.mot_de_passe).toHaveLength(63);
    expect(verifyCrypt('un-secret-solide', written!.mot_de_passe)).toBe(true);
    const secrets = await app.db.query(
      `SELECT hash FROM g2_hosting_secrets WHERE secret_kind = 'mail'`,
    );
    expect(secrets).toEqual([]);
  });

  it('changes password, quota, access and auto-reply; the same value again records nothing', async () => {
    const address = 'boite.test@boites.example';
    await run({ action: 'password', address, password: 'nouveau-secret-solide' });
    await run({ action: 'quota', address, quotaMb: 500 });
    await run({ action: 'access', address, pop: false, imap: true });
    await run({ action: 'autoreply', address, message: 'Absente jusqu’au 2 janvier — merci !' });
    const [changed] = await row(address);
    expect(changed).toMatchObject({
      quota_mo: 500,
      pop: '0',
      imap: '1',
      repondeur: 'Absente jusqu’au 2 janvier — merci !',
      actif: 'Y',
    });
    expect(verifyCrypt('nouveau-secret-solide', changed!.mot_de_passe)).toBe(true);
    const before = await eventCount();
    expect((await run({ action: 'quota', address, quotaMb: '500' })).changed).toBe(false);
    expect(await eventCount()).toBe(before);
    await run({ action: 'autoreply', address, message: '' });
    expect((await row(address))[0]!.repondeur).toBeNull();
  });

  it('deletes in deferred mode: actif N and the deletion row; the address refused with its purge date; cancelled, it works again', async () => {
    const address = 'boite.test@boites.example';
    const deleted = await run({ action: 'delete', address });
    expect(deleted.purgeAfter).toBe('2026-12-14');
    const [box] = await row(address);
    expect(box!.actif).toBe('N');
    expect(
      (await deletion(address)).map((d) => ({
        id_mail: Number(d.id_mail),
        hosting_id: Number(d.hosting_id),
        purge_after: String(d.purge_after).slice(0, 10),
        requested_by: d.requested_by,
      })),
    ).toEqual([
      { id_mail: box!.id_mail, hosting_id: 1, purge_after: '2026-12-14', requested_by: 'test' },
    ]);
    const again = await refusal(
      run({ action: 'create', address, password: 'un-secret-solide' }),
      'name_taken',
      'adresse',
    );
    expect(again.message).toContain('purge prévue le 14/12/2026');
    await refusal(run({ action: 'quota', address, quotaMb: 10 }), 'conflict', 'adresse');
    await run({ action: 'restore', address });
    expect((await row(address))[0]!.actif).toBe('Y');
    expect(await deletion(address)).toEqual([]);
    await refusal(run({ action: 'restore', address }), 'conflict', 'adresse');
  });

  it('refuses a cancellation once the purge started', async () => {
    const address = 'boite.test@boites.example';
    await run({ action: 'delete', address });
    const { state, version } = await app.db.transaction((tx) => loadMailboxes(tx, 1));
    const box = state.boxes.get(address)!;
    await app.pipeline.run({
      commandType: 'test.purge',
      actor: 'test',
      now: new Date('2026-12-14T10:00:00Z'),
      request: {},
      decide: async () => ({
        appends: [
          {
            streamId: hostingStream(1),
            expectedVersion: version,
            events: [
              {
                type: 'MailboxPurgeStarted',
                data: { hostingId: 1, mailboxId: box.mailboxId, address, actor: 'test' },
              },
            ],
          },
        ],
        result: null,
      }),
    });
    await app.settle();
    const refused = await refusal(run({ action: 'restore', address }), 'conflict', 'adresse');
    expect(refused.message).toContain('a commencé');
    const mirrored = await app.db.transaction((tx) => loadMailboxes(tx, 1));
    expect(mirrored.state.boxes.get(address)!.status).toBe('purging');
  });

  it('stores a Unicode domain in punycode', async () => {
    const created = await run({
      action: 'create',
      address: 'contact@boîtes.example',
      password: 'un-secret-solide',
    });
    expect(created.address).toBe(`contact@${idn}`);
    expect((await row(`contact@${idn}`))[0]).toMatchObject({
      id_domaine: 903,
      quota_mo: 1024,
      maildir: `/var/mail/${idn}/contact/`,
    });
  });

  it('refuses the bad inputs of the issue in French, with nothing written', async () => {
    await exec(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo) VALUES (2, 904, 'pris@boites.example', 'x', '/var/mail/boites.example/pris/', 10)`,
    );
    const before = await eventCount();
    const cases: [MailboxAction, string, string, string][] = [
      [
        { action: 'create', address: 'anne marie@boites.example', password: 'un-secret-solide' },
        'invalid_input',
        'adresse',
        'espace',
      ],
      [
        {
          action: 'create',
          address: `${'a'.repeat(250)}@boites.example`,
          password: 'un-secret-solide',
        },
        'invalid_input',
        'adresse',
        '64 caractères',
      ],
      [
        {
          action: 'create',
          address: `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`,
          password: 'un-secret-solide',
        },
        'invalid_input',
        'adresse',
        '',
      ],
      [
        {
          action: 'create',
          address: 'zero@boites.example',
          password: 'un-secret-solide',
          quotaMb: '0',
        },
        'invalid_input',
        'quota_mo',
        'au moins 1 Mo',
      ],
      [
        {
          action: 'create',
          address: 'neg@boites.example',
          password: 'un-secret-solide',
          quotaMb: -10,
        },
        'invalid_input',
        'quota_mo',
        'négatif',
      ],
      [
        { action: 'create', address: 'a|b@boites.example', password: 'un-secret-solide' },
        'invalid_input',
        'adresse',
        'barre verticale',
      ],
      [
        { action: 'create', address: 'x@ailleurs.example', password: 'un-secret-solide' },
        'invalid_input',
        'adresse',
        'pas hébergé à Ouvaton',
      ],
      [
        { action: 'create', address: 'x@deux.example', password: 'un-secret-solide' },
        'invalid_input',
        'adresse',
        'pas un domaine de cet hébergement',
      ],
      [
        { action: 'create', address: 'Pris@boites.example', password: 'un-secret-solide' },
        'name_taken',
        'adresse',
        'existe déjà',
      ],
      [
        { action: 'create', address: 'court@boites.example', password: 'court' },
        'invalid_input',
        'mot_de_passe',
        '8 caractères',
      ],
      [
        { action: 'password', address: 'inconnue@boites.example', password: 'un-secret-solide' },
        'not_found',
        'adresse',
        'Aucune boîte',
      ],
    ];
    for (const [action, code, field, words] of cases) {
      const refused = await refusal(run(action), code, field);
      expect([action.address, refused.message]).toEqual([
        action.address,
        expect.stringContaining(words),
      ]);
    }
    expect(await eventCount()).toBe(before);
    expect(
      await app.db.query(
        `SELECT adresse FROM mails WHERE adresse LIKE 'zero@%' OR adresse LIKE 'neg@%'`,
      ),
    ).toEqual([]);
  });

  it('announces the price of a box beyond the plan’s, and still creates it', async () => {
    const [{ n }] = (await app.db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM mails WHERE id_hebergement = 1',
    )) as [{ n: number | string }];
    await exec('UPDATE hebergements SET nb_mails = ? WHERE id_hebergement = 1', [Number(n)]);
    const created = await run({
      action: 'create',
      address: 'plus@boites.example',
      password: 'un-secret-solide',
    });
    expect(created.overage).toMatchObject({
      included: Number(n),
      boxes: Number(n) + 1,
      monthly: { quantity: '1' },
    });
    expect(Number(created.overage!.monthly.net)).toBeGreaterThan(0);
    expect(await row('plus@boites.example')).toHaveLength(1);
  });

  it('keeps no hash and no password in the event log', async () => {
    const events = await app.db.query<{ type: string; data: string }>(
      `SELECT type, data FROM g2_events WHERE type LIKE 'Mailbox%'`,
    );
    expect(events.length).toBeGreaterThan(5);
    for (const e of events) {
      expect(e.data).not.toMatch(/\$5\$|\$1\$|secret-solide|mot_de_passe|password|hash/i);
    }
    const commands = await app.db.query<{ result: string }>(
      `SELECT result FROM g2_commands WHERE command_type LIKE 'Mailbox.%'`,
    );
    expect(commands).toHaveLength(1);
    for (const c of commands) expect(c.result).not.toMatch(/\$5\$|secret-solide/);
  });
});
