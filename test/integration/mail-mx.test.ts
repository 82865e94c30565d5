import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { hostingStream } from '../../domain/hosting/events.js';
import type { MailboxCreated } from '../../domain/hosting/mailbox-events.js';
import { nextSerial } from '../../domain/hosting/zone-serial.js';
import { readLegacyZone } from '../../legacy-sync/legacy-zones.js';
import { MailboxCommand } from '../../src/hosting/mail/mailboxes.handler.js';
import {
  RedirectionCommand,
  type RedirectionResult,
} from '../../src/hosting/mail/redirections.handler.js';
import {
  mailDomainsOf,
  SetDomainMailCommand,
  type DomainMailResult,
} from '../../src/hosting/mail/mail-mx.js';
import type { AppHarness } from '../support/app-harness.js';
import { dialects } from '../support/databases.js';
import { useGlouxSample } from '../support/legacy-ingest-setup.js';
import { checkServedZone } from '../support/named-checkzone.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

/**
 * MX handled transparently (issue 19) on Gloux's sample: example.org (hosting 1, zone 1 served
 * here, MX 10 mx.ouvaton.coop., a box and two redirections) and lesamis.example (hosting 2,
 * its zone not served). Every zone change goes through the zone's stream, so the mirror writes
 * `rr` and bumps the serial once; every zone written passes named-checkzone.
 */
describe.each(dialects)('MX handled transparently on %s', (dialect) => {
  const sample = useGlouxSample(dialect);
  let app: AppHarness;
  beforeAll(() => void (app = sample().app));

  const setMail = (domain: string, hosted: boolean, hostingId = 1) =>
    app.context
      .get(CommandBus)
      .execute<SetDomainMailCommand, DomainMailResult>(
        new SetDomainMailCommand(hostingId, domain, hosted, 'anne'),
      );
  const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  const mxRows = async () =>
    (
      await app.db.query<{ name: string; data: unknown; aux: number; ttl: number }>(
        `SELECT name, data, aux, ttl FROM rr WHERE zone = 1 AND type = 'MX' ORDER BY id`,
      )
    ).map((r) => ({ name: r.name, data: text(r.data), aux: Number(r.aux), ttl: Number(r.ttl) }));
  const ouvatonMx = { name: '', data: 'mx.ouvaton.coop.', aux: 10, ttl: 86400 };
  const gereMx = async (domain = 'example.org') =>
    (
      await app.db.query<{ gere_mx: string }>(`SELECT gere_mx FROM domaines WHERE domaine = ?`, [
        domain,
      ])
    )[0]?.gere_mx;
  const serial = async () =>
    (await app.db.run((q) => readLegacyZone(q, 'example.org')))!.soa!.serial;
  const zoneEvents = () => app.count('g2_events', "stream_id = 'zone-1'");
  const view = async (domain: string, hostingId = 1) =>
    (await app.db.transaction((tx) => mailDomainsOf(tx, hostingId))).find(
      (v) => v.domain === domain,
    )!;

  const checkZone = () => checkServedZone(app.db, 'example.org');

  /** A box created on the hosting's stream, as the mailbox command records it. */
  async function boxCreated(address: string, hostingId = 1, domainId = 1) {
    const event: MailboxCreated = {
      type: 'MailboxCreated',
      data: {
        hostingId,
        mailboxId: `box-${address}`,
        address,
        domainId,
        quotaMb: 100,
        pop: true,
        imap: true,
        actor: 'anne',
      },
    };
    await app.pipeline.run({
      commandType: 'Test',
      actor: 'anne',
      now: app.clock.now(),
      request: event,
      decide: async () => ({
        appends: [{ streamId: hostingStream(hostingId), expectedVersion: 'any', events: [event] }],
        result: null,
      }),
    });
    await app.settle();
  }

  it('says the mail of the sample domain reaches Ouvaton, listing its addresses, no removal offered', async () => {
    const v = await view('example.org');
    expect(v).toMatchObject({
      hosted: true,
      routing: { kind: 'ouvaton' },
      addresses: ['@example.org', 'anne@example.org', 'contact@example.org'],
      offerRemoval: false,
      offerHosting: false,
    });
    expect(v.sentence).toContain('arrive à Ouvaton');
  });

  it('tells a zone not served here what MX to set at its DNS provider', async () => {
    const v = await view('lesamis.example', 2);
    expect(v.routing).toEqual({ kind: 'not_served', expected: 'MX 10 mx.ouvaton.coop.' });
    expect(v.sentence).toContain('« MX 10 mx.ouvaton.coop. »');
  });

  it('refuses to stop hosting the mail while addresses are left, naming them, writing nothing', async () => {
    const [events, soa] = [await zoneEvents(), await serial()];
    const error = await refusal(setMail('example.org', false), 'in_use', 'domaine');
    expect(error.message).toContain('3 adresses à Ouvaton (@example.org, anne@example.org');
    await app.settle();
    expect([await zoneEvents(), await serial(), await gereMx()]).toEqual([events, soa, 'O']);
    expect(await mxRows()).toEqual([ouvatonMx]);
  });

  it('once the last address is gone, offers and does the removal: MX gone, gere_mx N, serial bumped once', async () => {
    // The box purged and the redirections removed (as their commands' mirror leaves Gloux).
    await exec(`DELETE FROM mails WHERE id_hebergement = 1`);
    await exec(`DELETE FROM mails_redirections WHERE id_hebergement = 1`);
    expect(await view('example.org')).toMatchObject({ addresses: [], offerRemoval: true });
    const before = await serial();
    expect(await setMail('example.org', false)).toMatchObject({ hosted: false, recorded: 2 });
    await app.settle();
    expect(await mxRows()).toEqual([]);
    expect(await gereMx()).toBe('N');
    expect(await serial()).toBe(nextSerial(before, app.clock.today()));
    expect(await checkZone()).not.toContain('MX');
    expect(await view('example.org')).toMatchObject({
      hosted: false,
      routing: { kind: 'no_mx' },
      offerRemoval: false,
      offerHosting: true,
    });
    // Asked again: nothing recorded, nothing bumped.
    const events = await zoneEvents();
    expect(await setMail('example.org', false)).toMatchObject({ recorded: 0 });
    await app.settle();
    expect([await zoneEvents(), await serial()]).toEqual([
      events,
      nextSerial(before, app.clock.today()),
    ]);
  });

  it('refuses to host the mail over an MX the cooperator pointed elsewhere, naming it', async () => {
    await exec(
      `INSERT INTO rr (zone, name, type, data, aux, ttl, active) VALUES (1, '', 'MX', 'mx.fai.example.', 5, 3600, 'Y')`,
    );
    expect((await view('example.org')).routing).toEqual({
      kind: 'elsewhere',
      targets: ['mx.fai.example'],
    });
    const error = await refusal(setMail('example.org', true), 'conflict', 'domaine');
    expect(error.message).toContain('envoyé à mx.fai.example');
    expect(await gereMx()).toBe('N');
    await exec(`DELETE FROM rr WHERE zone = 1 AND type = 'MX'`);
  });

  it('hosts the mail again: gere_mx O and Ouvaton’s MX written, serial bumped once', async () => {
    const before = await serial();
    expect(await setMail('example.org', true)).toMatchObject({ hosted: true, recorded: 2 });
    await app.settle();
    expect(await gereMx()).toBe('O');
    expect(await mxRows()).toEqual([ouvatonMx]);
    expect(await serial()).toBe(nextSerial(before, app.clock.today()));
    expect(await checkZone()).toContain('example.org. 86400 IN MX 10 mx.ouvaton.coop.');
  });

  it('writes Ouvaton’s MX when the first box is created on a hosted domain without it, once, even on a replay', async () => {
    // Gloux's own zones may lack the MX while gere_mx says the mail is hosted here.
    await exec(`DELETE FROM rr WHERE zone = 1 AND type = 'MX'`);
    const [events, before] = [await zoneEvents(), await serial()];
    await boxCreated('nouvelle@example.org');
    expect(await mxRows()).toEqual([ouvatonMx]);
    expect(await zoneEvents()).toBe(events + 1);
    expect(await serial()).toBe(nextSerial(before, app.clock.today()));
    await checkZone();
    // A second box: the MX is there, nothing more.
    await boxCreated('autre@example.org');
    expect(await zoneEvents()).toBe(events + 1);
    // The follower replayed from the start: nothing twice.
    await exec(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'mail-mx'`);
    await app.settle();
    expect(await zoneEvents()).toBe(events + 1);
    expect(await mxRows()).toEqual([ouvatonMx]);
  });

  it('writes nothing for a domain whose zone is not served here, nor one whose mail is not hosted', async () => {
    const events = await app.count('g2_events', "stream_id LIKE 'zone-%'");
    await boxCreated('info@lesamis.example', 2, 2);
    await exec(`UPDATE domaines SET gere_mx = 'N' WHERE domaine = 'example.org'`);
    await exec(`DELETE FROM rr WHERE zone = 1 AND type = 'MX'`);
    await boxCreated('encore@example.org');
    expect(await app.count('g2_events', "stream_id LIKE 'zone-%'")).toBe(events);
    expect(await mxRows()).toEqual([]);
  });

  it('writes Ouvaton’s MX when a redirection is created through its command on a hosted domain without it', async () => {
    await exec(`UPDATE domaines SET gere_mx = 'O' WHERE domaine = 'example.org'`);
    const events = await zoneEvents();
    const done = await app.context.get(CommandBus).execute<RedirectionCommand, RedirectionResult>(
      new RedirectionCommand(
        1,
        {
          action: 'create',
          source: 'ventes@example.org',
          destinations: 'anne.lefevre@fai.example',
          keepCopy: false,
        },
        'anne',
      ),
    );
    expect(done.source).toBe('ventes@example.org');
    await app.settle();
    expect(await mxRows()).toEqual([ouvatonMx]);
    expect(await zoneEvents()).toBe(events + 1);
    expect((await view('example.org')).addresses).toContain('ventes@example.org');
    await checkZone();
  });

  it('writes Ouvaton’s MX when a box is created through the mailbox command on a hosted domain without it', async () => {
    await exec(`DELETE FROM rr WHERE zone = 1 AND type = 'MX'`);
    const events = await zoneEvents();
    await app.context
      .get(CommandBus)
      .execute(
        new MailboxCommand(
          1,
          { action: 'create', address: 'boutique@example.org', password: 'un-secret-solide' },
          'anne',
        ),
      );
    await app.settle();
    expect(await mxRows()).toEqual([ouvatonMx]);
    expect(await zoneEvents()).toBe(events + 1);
    expect((await view('example.org')).addresses).toContain('boutique@example.org');
    await checkZone();
  });
});
