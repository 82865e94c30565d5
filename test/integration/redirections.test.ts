import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import type { RedirectionEvent } from '../../domain/hosting/redirection-events.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { mirrorRedirectionEvent } from '../../legacy-sync/legacy-redirections.js';
import {
  loadRedirections,
  RedirectionCommand,
  type RedirectionAction,
  type RedirectionResult,
} from '../../src/hosting/mail/redirections.handler.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

/**
 * Mail redirections through gloux2's command (issue 19): Gloux's `mails_redirections` rows
 * written as Postfix reads them (comma-separated list, garder_copie 0/1, actif 'Y'), Gloux's own
 * rows listed, counted in the loop check, changed and removed; every bad input of the issue
 * refused with nothing written.
 */
describe.each(dialects)('redirections on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-12-07T10:00:00Z' });
    // Both data sets alike: hosting 1 holds example.org (mail here), an IDN and a domain whose
    // mail is elsewhere; hosting 2 holds lesamis.example; anne@ is a box; Gloux's two rows.
    await exec(`DELETE FROM domaines`);
    await exec(`DELETE FROM mails`);
    await exec(`DELETE FROM mails_redirections`);
    await exec(
      `INSERT INTO domaines (id_domaine, domaine, id_hebergement, id_soa, gere_mx, date_ajout) VALUES
        (901, 'example.org', 1, 0, 'O', '2004-03-02 10:00:00'),
        (902, 'xn--caf-dma.example', 1, 0, 'O', '2004-03-02 10:00:00'),
        (903, 'ailleurs.example', 1, 0, 'N', '2004-03-02 10:00:00'),
        (904, 'lesamis.example', 2, 0, 'O', '2007-09-12 00:00:00')`,
    );
    await exec(
      `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo) VALUES
        (1, 901, 'anne@example.org', '$1$abcdefgh$x', '/var/mail/example.org/anne/', 100),
        (1, 901, 'bob@example.org', '$1$abcdefgh$x', '/var/mail/example.org/bob/', 100)`,
    );
    await exec(
      `INSERT INTO mails_redirections (id_hebergement, source, destinations) VALUES
        (1, 'contact@example.org', 'anne@example.org,anne.lefevre@fai.example'),
        (1, '@example.org', 'anne@example.org')`,
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const run = async (input: RedirectionAction, key?: string) => {
    const done = await app.context
      .get(CommandBus)
      .execute<RedirectionCommand, RedirectionResult>(
        new RedirectionCommand(1, input, 'test', key),
      );
    await app.settle();
    return done;
  };
  const create = (source: string, destinations: string, keepCopy = false) =>
    run({ action: 'create', source, destinations, keepCopy });
  const rows = async (source: string) =>
    (
      await app.db.query<Record<string, unknown>>(
        'SELECT id_hebergement, source, destinations, garder_copie, actif FROM mails_redirections WHERE source = ?',
        [source],
      )
    ).map((r) => ({
      id_hebergement: Number(r.id_hebergement),
      source: String(r.source),
      destinations: String(r.destinations),
      garder_copie: Number(r.garder_copie),
      actif: String(r.actif),
    }));
  const events = () => app.count('g2_events');
  const listed = async () => {
    const { state } = await app.db.transaction((tx) => loadRedirections(tx, 1));
    return [...state.redirections.keys()].sort();
  };

  it('lists Gloux’s own rows', async () => {
    expect(await listed()).toEqual(['@example.org', 'contact@example.org']);
  });

  it('writes Gloux’s row exactly, with a copy kept, and warns about an external destination', async () => {
    const done = await create(
      'Anne@Example.org',
      'Anne.Lefevre@FAI.example, bob@example.org,anne.lefevre@fai.example',
      true,
    );
    expect(done).toMatchObject({ hostingId: 1, source: 'anne@example.org', changed: true });
    expect(done.warnings).toHaveLength(1);
    expect(done.warnings[0]).toContain('SPF');
    expect(await rows('anne@example.org')).toEqual([
      {
        id_hebergement: 1,
        source: 'anne@example.org',
        destinations: 'anne.lefevre@fai.example,bob@example.org',
        garder_copie: 1,
        actif: 'Y',
      },
    ]);
    // A unicode domain is stored in punycode; the catch-all keeps no copy.
    await create('@café.example', 'bob@example.org');
    expect(await rows('@xn--caf-dma.example')).toEqual([
      {
        id_hebergement: 1,
        source: '@xn--caf-dma.example',
        destinations: 'bob@example.org',
        garder_copie: 0,
        actif: 'Y',
      },
    ]);
  });

  it('refuses every bad input of the issue, each named, with nothing written', async () => {
    const before = await events();
    const refusedWith = async (input: RedirectionAction, text: string, field = 'destinations') => {
      const error: DomainError = await refusal(run(input), 'invalid_input');
      const listed = (error.details?.errors as { field: string; message: string }[]) ?? [
        { field: error.field, message: error.message },
      ];
      expect(listed.map((e) => e.field)).toContain(field);
      expect(listed.map((e) => e.message).join(' ')).toContain(text);
    };
    const to = (destinations: string, source = 'x@example.org') =>
      ({ action: 'create', source, destinations, keepCopy: false }) as const;
    await refusedWith(to('|/usr/bin/procmail'), 'commande');
    await refusedWith(to('/home/a/annelef/mbox'), 'fichier');
    await refusedWith(to(':include:/etc/aliases'), ':include:');
    await refusedWith(to('jean dupont@fai.example'), 'espace');
    await refusedWith(
      to(`${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.eeeee.fr`),
      '255',
    );
    await refusedWith(to('élodie@fai.example'), 'sans accent');
    await refusedWith(
      to('bob@example.org', '@lesamis.example'),
      'n’est pas un domaine de cet hébergement',
      'source',
    );
    await refusedWith(
      to('bob@example.org', 'x@ailleurs.example'),
      'n’est pas hébergé à Ouvaton',
      'source',
    );
    await refusedWith(
      { action: 'create', source: '@ailleurs.example', destinations: '|x', keepCopy: true },
      'commande',
    );
    // A loop through Gloux's own row: a@ → contact@ (Gloux's) → a@.
    await create('a@example.org', 'contact@example.org');
    const afterA = await events();
    await refusedWith(
      {
        action: 'change',
        source: 'contact@example.org',
        destinations: 'a@example.org',
        keepCopy: false,
      },
      'contact@example.org → a@example.org → contact@example.org',
    );
    // Gloux's catch-all counts: sending it to an address with neither box nor redirection loops.
    await refusedWith(
      {
        action: 'change',
        source: '@example.org',
        destinations: 'personne@example.org',
        keepCopy: false,
      },
      'boucle',
    );
    await refusal(create('contact@example.org', 'bob@example.org'), 'name_taken', 'source');
    expect(await events()).toBe(afterA);
    expect(afterA).toBe(before + 1);
    expect(await rows('x@example.org')).toEqual([]);
  });

  it('changes and removes Gloux’s own rows, and a replayed event writes nothing twice', async () => {
    const changed = await run({
      action: 'change',
      source: 'contact@example.org',
      destinations: 'bob@example.org',
      keepCopy: false,
    });
    expect(changed.changed).toBe(true);
    expect((await rows('contact@example.org'))[0]!.destinations).toBe('bob@example.org');
    const created: RedirectionEvent = {
      type: 'RedirectionCreated',
      data: {
        hostingId: 1,
        source: 'a@example.org',
        destinations: ['contact@example.org'],
        keepCopy: false,
        actor: 'test',
      },
    };
    expect(await app.db.transaction((tx) => mirrorRedirectionEvent(tx, created))).toEqual({
      kind: 'written',
    });
    expect(await rows('a@example.org')).toHaveLength(1);
    // Gloux gives another hosting's row the source meanwhile: a conflict, Gloux's row kept.
    await exec(
      `INSERT INTO mails_redirections (id_hebergement, source, destinations) VALUES (2, 'z@example.org', 'q@lesamis.example')`,
    );
    expect(
      await app.db.transaction((tx) =>
        mirrorRedirectionEvent(tx, {
          ...created,
          data: { ...created.data, source: 'z@example.org' },
        }),
      ),
    ).toEqual({ kind: 'conflict', source: 'z@example.org', heldBy: 2 });
    await run({ action: 'remove', source: '@example.org' });
    await run({ action: 'remove', source: 'contact@example.org' });
    expect(await rows('@example.org')).toEqual([]);
    expect(await rows('contact@example.org')).toEqual([]);
    expect(await listed()).toEqual(['@xn--caf-dma.example', 'a@example.org', 'anne@example.org']);
    // The event log holds addresses only.
    const logged = await app.db.query<{ data: string }>(
      `SELECT data FROM g2_events WHERE type LIKE 'Redirection%'`,
    );
    expect(logged.length).toBeGreaterThanOrEqual(5);
  });
});
