import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DomainError } from '../../domain/shared/errors.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { PayUpSharesCommand } from '../../src/shares/shares.commands.js';
import { CommandBus } from '@nestjs/cqrs';
import { SignUpCommand, type SignUpResult } from '../../src/auth/sign-up.command.js';
import { SignUpHandler } from '../../src/auth/sign-up.handler.js';
import { defaultShareRules, loadAuthConfig } from '../../src/kernel/config.js';
import { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { readTiers, writeTiers } from '../../legacy-sync/legacy-members.js';
import { parsePersonDetails } from '../../domain/accounts/person.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(60_000);

const form = (login: string, hostingName: string) => ({
  kind: 'physique',
  firstName: 'Zoé',
  lastName: 'Lefèvre-Müller',
  email: `${login}@example.org`,
  address: '3 rue de l’Église',
  postalCode: '69001',
  city: 'Lyon',
  login,
  password: 'mot de passe sûr',
  passwordConfirmation: 'mot de passe sûr',
  hostingName,
  planId: '1',
  shares: 1,
  acceptsTerms: 'on',
  acceptsPrivacy: 'on',
});

/** Runs sign-ups as the panel does: a command on the bus. */
const bus = (execute: (c: SignUpCommand) => Promise<SignUpResult>) => ({
  signUp: (input: Record<string, unknown>, key: string, ip = '') =>
    execute(new SignUpCommand(input, key, ip)),
});

describe.each(dialects)('public sign-up on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let signUps: ReturnType<typeof bus>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
    const commands = app.context.get(CommandBus);
    signUps = bus((c) => commands.execute<SignUpCommand, SignUpResult>(c));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** Gloux's view of a row: its raw connection on MariaDB (UTF-8 bytes in latin1 columns). */
  async function gloux<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (database.gloux) {
      await database.gloux.query('SET NAMES utf8mb4');
      try {
        return (await database.gloux.query(sql, params))[0] as T[];
      } finally {
        await database.gloux.query('SET NAMES latin1');
      }
    }
    return app.db.query(sql, params) as Promise<T[]>;
  }

  it('writes Gloux’s person, customer, login and hosting rows, and AccountOpened with a one-month trial', async () => {
    const r = await signUps.signUp(form('zoe', 'zoesite'), 'key-zoe');
    expect(r).toMatchObject({
      hostingName: 'zoesite',
      openedOn: '2026-11-25',
      trialEndsOn: '2026-12-25',
    });
    const [client] = await gloux<{ num_client: string; id_tiers: number; etat: string }>(
      `SELECT num_client, id_tiers, etat FROM clients WHERE id_client = ?`,
      [Number(r.customerId)],
    );
    expect(client?.num_client).toBe(`261125${r.customerId.padStart(7, '0')}`);
    expect(client?.etat).toBe('actif');
    // Gloux reads its latin1 columns as the UTF-8 bytes its pages wrote: no mojibake.
    const textCol = database.gloux
      ? (c: string) => `CONVERT(CAST(${c} AS BINARY) USING utf8mb4)`
      : (c: string) => c;
    const [tiers] = await gloux<{ nom: string; prenom: string; adresse: string }>(
      `SELECT ${textCol('nom')} AS nom, ${textCol('prenom')} AS prenom, ${textCol('adresse')} AS adresse FROM tiers WHERE id_tiers = ?`,
      [Number(client?.id_tiers)],
    );
    expect(tiers).toEqual({ nom: 'Lefèvre-Müller', prenom: 'Zoé', adresse: '3 rue de l’Église' });
    const [user] = await gloux<{
      mot_de_passe: string;
      roles: string;
      id_client: number;
      actif: string;
    }>(`SELECT mot_de_passe, roles, id_client, actif FROM utilisateurs WHERE login = 'zoe'`);
    expect(user).toMatchObject({
      mot_de_passe: createHash('md5').update('mot de passe sûr').digest('hex'),
      roles: 'client',
      actif: 'Y',
    });
    expect(String(user?.id_client)).toBe(r.customerId);
    const [hosting] = await gloux<{
      nom: string;
      id_client: number;
      etat: string;
      date_anniversaire: unknown;
      uid: number;
    }>(
      `SELECT nom, id_client, etat, CAST(date_anniversaire AS CHAR) AS date_anniversaire, uid FROM hebergements WHERE id_hebergement = ?`,
      [Number(r.accountId)],
    );
    expect(hosting).toMatchObject({ nom: 'zoesite', etat: 'actif' });
    expect(String(hosting?.date_anniversaire).slice(0, 10)).toBe('2026-12-25');
    expect(Number(hosting?.uid)).toBeGreaterThan(23512);
    const events = await app.db.query<{ type: string; data: string }>(
      `SELECT type, data FROM g2_events WHERE stream_id = ?`,
      [`account-${r.accountId}`],
    );
    expect(events.map((e) => [e.type, JSON.parse(e.data)])).toEqual([
      [
        'AccountOpened',
        {
          accountId: r.accountId,
          customerId: r.customerId,
          name: 'zoesite',
          openedOn: '2026-11-25',
          trialEndsOn: '2026-12-25',
        },
      ],
    ]);
    // The new member signs in at once with the password, and sees their account.
    const signed = await app.context.get(AuthService).signIn('zoe', 'mot de passe sûr', {
      ip: '192.0.2.1',
      userAgent: 'jest',
    });
    expect(signed.user).toMatchObject({ cooperator: true, customerIds: [r.customerId] });
  });

  it('joining makes a cooperator: the plan chosen, a real share subscription mirrored to parts_sociales and paid up like any, the terms accepted recorded', async () => {
    const [user] = await app.db.query<{ id_tiers: number; id_client: number }>(
      `SELECT id_tiers, id_client FROM utilisateurs WHERE login = 'zoe'`,
    );
    const tiersId = String(user?.id_tiers);
    const customerId = String(user?.id_client);
    const [hosting] = await app.db.query<{ id_plaque: number; id_hebergement: number }>(
      `SELECT id_plaque, id_hebergement FROM hebergements WHERE nom = 'zoesite'`,
    );
    expect(Number(hosting?.id_plaque)).toBe(1);
    const shareEvents = await app.db.query<{ type: string; data: string; metadata: string }>(
      `SELECT type, data, metadata FROM g2_events WHERE stream_id = 'share-capital' AND type = 'SharesSubscribed'`,
    );
    const mine = shareEvents
      .map((e) => JSON.parse(e.data) as { tiersId: string; numbers: number[]; nominal: string })
      .filter((d) => d.tiersId === tiersId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ nominal: '16.00', on: '2026-11-25' });
    const [number] = mine[0]!.numbers;
    const [joined] = await app.db.query<{ data: string }>(
      `SELECT data FROM g2_events WHERE stream_id = ?`,
      [`joining-${customerId}`],
    );
    const data = JSON.parse(String(joined?.data)) as Record<string, unknown>;
    expect(data).toMatchObject({
      customerId,
      tiersId,
      accountId: String(hosting?.id_hebergement),
      hostingName: 'zoesite',
      planId: '1',
      joinedOn: '2026-11-25',
      trialEndsOn: '2026-12-25',
      shareNumbers: [number],
      shareNominal: '16.00',
      termsVersion: '1',
      privacyVersion: '1',
      acceptedAt: app.clock.now().toISOString(),
    });
    // No secret in the log: neither the password nor its MD5.
    const md5 = createHash('md5').update('mot de passe sûr').digest('hex');
    const all = JSON.stringify(await app.db.query(`SELECT data, metadata FROM g2_events`));
    expect(all).not.toContain('mot de passe sûr');
    expect(all).not.toContain(md5);
    // Mirrored to Gloux's parts_sociales as every gloux2 subscription; Gloux then sees a member.
    await app.syncLegacy();
    const share = async () =>
      (
        await app.db.query<{ id_tiers: number; etat: string; valeur_nominale: unknown }>(
          `SELECT id_tiers, etat, valeur_nominale FROM parts_sociales WHERE numero = ?`,
          [number],
        )
      )[0];
    expect(await share()).toMatchObject({ etat: 'souscrite' });
    expect(String((await share())?.id_tiers)).toBe(tiersId);
    const [tiers] = await app.db.query<{ societaire: string; nb_parts: number }>(
      `SELECT societaire, nb_parts FROM tiers WHERE id_tiers = ?`,
      [Number(tiersId)],
    );
    expect(tiers).toMatchObject({ societaire: 'O' });
    expect(Number(tiers?.nb_parts)).toBe(1);
    // Payable like any subscription: the treasurer pays it up on receipt.
    await app.context
      .get(CommandBus)
      .execute(
        new PayUpSharesCommand(
          { tiersId, numbers: String(number), on: '2026-11-25', reference: 'chèque 1234567' },
          'tresorier',
        ),
      );
    await app.syncLegacy();
    expect(await share()).toMatchObject({ etat: 'liberee' });
  });

  it('lists every refusal of the form at once, taken names included, writing nothing and drawing no share number', async () => {
    const before = await app.db.query(`SELECT valeur FROM compteurs WHERE nom = 'part_sociale'`);
    const clients = await app.count('clients');
    const error = await signUps
      .signUp({ ...form('zoe', 'zoesite'), acceptsTerms: '', shares: '0', email: 'x' }, 'k-all')
      .then(
        () => null,
        (e: unknown) => e as DomainError,
      );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: 'Le formulaire comporte 5 erreurs : corrigez-les toutes.',
    });
    expect((error?.details?.errors as { field: string }[]).map((e) => e.field)).toEqual([
      'email',
      'shares',
      'acceptsTerms',
      'login',
      'hostingName',
    ]);
    expect(await app.count('clients')).toBe(clients);
    expect(await app.db.query(`SELECT valeur FROM compteurs WHERE nom = 'part_sociale'`)).toEqual(
      before,
    );
  });

  it('Gloux’s poll running beside a sign-up never takes its hosting row in as Gloux’s own', async () => {
    const ingester = app.context.get(LegacyIngester);
    await ingester.poll();
    let done = false;
    const signing = signUps.signUp(form('race', 'racesite'), 'key-race').finally(() => {
      done = true;
    });
    // Polls back to back while the sign-up runs (the app polls every 2 s; under load a sign-up
    // took longer than that between Gloux's rows and AccountOpened, and failed with a 500).
    let polls = 0;
    while (!done) {
      await ingester.poll();
      polls += 1;
      // SQLite answers without I/O: let the sign-up's scrypt callback in.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const r = await signing;
    await ingester.poll();
    const events = await app.db.query<{ type: string }>(
      `SELECT type FROM g2_events WHERE stream_id = ? ORDER BY stream_version`,
      [`account-${r.accountId}`],
    );
    expect(events.map((e) => e.type)).toEqual(['AccountOpened']);
    expect(polls).toBeGreaterThan(0);
  });

  it('the same key again writes nothing more and answers the same', async () => {
    const count = async () =>
      Number(
        (await app.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM clients`))[0]?.n,
      );
    const before = await count();
    const again = await signUps.signUp(form('zoe', 'zoesite'), 'key-zoe');
    expect(await count()).toBe(before);
    const first = await app.db.query<{ customer_id: string }>(
      `SELECT customer_id FROM g2_sign_ups WHERE idempotency_key = 'sign-up:key-zoe'`,
    );
    expect(again.customerId).toBe(first[0]?.customer_id);
    const opened = await app.db.query(`SELECT 1 FROM g2_events WHERE stream_id = ?`, [
      `account-${again.accountId}`,
    ]);
    expect(opened).toHaveLength(1);
  });

  it('refuses a taken login or hosting name in French, and bad input, writing nothing', async () => {
    const refused = async (input: Record<string, unknown>, key: string) => {
      try {
        await signUps.signUp(input, key);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return {
          code: (e as DomainError).code,
          field: (e as DomainError).field,
          message: (e as DomainError).message,
        };
      }
      throw new Error('accepted');
    };
    const tiersBefore = (await app.db.query(`SELECT id_tiers FROM tiers`)).length;
    expect(await refused(form('ZOE', 'autre'), 'k2')).toEqual({
      code: 'conflict',
      field: 'login',
      message: 'Cet identifiant est déjà pris : choisissez-en un autre.',
    });
    expect((await refused(form('zoe2', 'zoesite'), 'k3')).field).toBe('hostingName');
    expect((await refused({ ...form('zoe3', 'zoe3'), email: 'x' }, 'k4')).message).toBe(
      'Adresse électronique invalide.',
    );
    expect((await app.db.query(`SELECT id_tiers FROM tiers`)).length).toBe(tiersBefore);
  });

  it('refuses a name that fits the form but not Gloux’s column bytes, writing nothing (issue 16 item 5)', async () => {
    const clients = await app.count('clients');
    const error = await signUps
      .signUp({ ...form('zoe2', 'zoesite2'), lastName: 'é'.repeat(100) }, 'k-bytes')
      .then(
        () => null,
        (e: unknown) => e as DomainError,
      );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'lastName' });
    expect(error?.message).toMatch(/100 octets au plus, ici 200/);
    expect(await app.count('clients')).toBe(clients);
    // The person form of the admin pages checks the same.
    expect(() => parsePersonDetails({ nom: 'Zoé', ville: 'é'.repeat(51) })).toThrow(
      /100 octets au plus, ici 102/,
    );
  });

  it('an admin’s edit of the person lands in Gloux’s tiers as Gloux writes text', async () => {
    const [row] = await app.db.query<{ id_tiers: number }>(
      `SELECT id_tiers FROM utilisateurs WHERE login = 'zoe'`,
    );
    const tiersId = String(row?.id_tiers);
    const fields = {
      lastName: 'Müller-Ñúñez',
      firstName: 'Zoé',
      company: '',
      address: '5 quai de l’Œuvre',
      postalCode: '69002',
      city: 'Lyon',
      email: 'zoe@example.org',
      phone: '04 00 00 00 00',
    };
    await app.db.run((q) => writeTiers(q, tiersId, fields));
    expect(await app.db.run((q) => readTiers(q, tiersId))).toEqual(fields);
    const textCol = database.gloux
      ? (c: string) => `CONVERT(CAST(${c} AS BINARY) USING utf8mb4)`
      : (c: string) => c;
    const [tiers] = await gloux<{ nom: string; adresse: string }>(
      `SELECT ${textCol('nom')} AS nom, ${textCol('adresse')} AS adresse FROM tiers WHERE id_tiers = ?`,
      [Number(tiersId)],
    );
    expect(tiers).toEqual({ nom: 'Müller-Ñúñez', adresse: '5 quai de l’Œuvre' });
  });

  it('limits anonymous sign-ups per address and in all, in French; a retry by key is not counted', async () => {
    const handler = new SignUpHandler(
      app.db,
      app.context.get(CommandPipeline),
      app.clock,
      {
        ...loadAuthConfig({}),
        signUpsPerIp: 2,
        signUpsTotal: 3,
        signUpWindowMs: 3_600_000,
      },
      defaultShareRules,
    );
    const limited = bus((c) => handler.execute(c));
    // The counts start here (the tests above opened accounts too).
    await app.db.query(`DELETE FROM g2_auth_throttle WHERE throttle_key LIKE 'sign-up:%'`);
    const customers = async () =>
      Number((await app.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM clients`))[0]?.n);
    const first = await limited.signUp(form('lim1', 'limsite1'), 'lim-1', '198.51.100.4');
    await limited.signUp(form('lim2', 'limsite2'), 'lim-2', '198.51.100.4');
    const before = await customers();
    const refused = await limited.signUp(form('lim3', 'limsite3'), 'lim-3', '198.51.100.4').then(
      () => null,
      (error: unknown) => error as DomainError,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: 'throttled',
      message: 'Trop de comptes ouverts depuis cette adresse : réessayez dans 60 minutes.',
    });
    expect(await customers()).toBe(before);
    // The same sign-up retried (its key) answers as before, and does not count.
    expect(await limited.signUp(form('lim1', 'limsite1'), 'lim-1', '198.51.100.4')).toEqual(first);
    await limited.signUp(form('lim4', 'limsite4'), 'lim-4', '198.51.100.5');
    const overall = await limited.signUp(form('lim5', 'limsite5'), 'lim-5', '198.51.100.6').then(
      () => null,
      (error: unknown) => error as DomainError,
    );
    expect(overall).toMatchObject({
      code: 'throttled',
      message: 'Trop de comptes ouverts en ce moment : réessayez dans 60 minutes.',
    });
    expect(await customers()).toBe(before + 1);
    app.clock.set(new Date(app.clock.now().getTime() + 3_600_000 + 1000));
    await limited.signUp(form('lim5', 'limsite5'), 'lim-5', '198.51.100.4');
    expect(await customers()).toBe(before + 2);
  });
});
