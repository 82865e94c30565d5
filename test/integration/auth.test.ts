import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DomainError } from '../../domain/shared/errors.js';
import type { AuthConfig } from '../../src/kernel/config.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { passwordWork } from '../../src/auth/password.js';
import { Db } from '../../src/kernel/database/db.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(60_000);

/** The DomainError a call is refused with (fails if it succeeds). */
const refusal = (call: Promise<unknown>): Promise<DomainError> =>
  call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    },
  );

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const client = { ip: '192.0.2.10', userAgent: 'jest' };
const config: AuthConfig = {
  cookieSecure: 'auto',
  sessionTtlMs: 3_600_000,
  maxFailuresPerLogin: 3,
  maxFailuresPerLoginAnyAddress: 8,
  maxFailuresPerIp: 5,
  throttleWindowMs: 15 * 60_000,
  signUpsPerIp: 5,
  signUpsTotal: 50,
  signUpWindowMs: 3_600_000,
  trustProxy: '',
  signUpShares: 1,
  termsVersion: '1',
  privacyVersion: '1',
  termsUrl: '',
  privacyUrl: '',
};

/** The users of each database: SQLite's demo rows, MariaDB's Gloux sample data. */
const fixtures = {
  sqlite: {
    cooperator: { login: 'anne', password: 'demo-anne', customers: ['1', '5'] },
    other: { login: 'jean', password: 'demo-jean' },
    staff: { login: 'tresorier', password: 'demo-tresorier', admin: false, treasurer: true },
  },
  mysql: {
    cooperator: { login: 'anne', password: 'secret', customers: ['1'] },
    other: { login: 'webcoop', password: 'x' },
    staff: { login: 'compta1', password: 'y', admin: true, treasurer: true },
  },
} as const;

describe.each(dialects)('sign-in against Gloux’s users on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let auth: AuthService;
  const users = fixtures[dialect];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
    auth = new AuthService(app.db, app.clock, config);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** A statement as Gloux runs it: its raw latin1 connection on MariaDB. */
  async function gloux<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (database.gloux) return (await database.gloux.query(sql, params))[0] as T[];
    return app.db.query(sql, params) as Promise<T[]>;
  }
  const legacyRow = async (login: string) =>
    (
      await gloux<{
        mot_de_passe: string;
        nb_echecs: number;
        derniere_connexion: number;
        id_utilisateur: number;
      }>(
        `SELECT id_utilisateur, mot_de_passe, nb_echecs, derniere_connexion FROM utilisateurs WHERE login = ?`,
        [login],
      )
    )[0]!;
  /** Gloux's own login check: the MD5 of what is typed. */
  const glouxAccepts = async (login: string, password: string) =>
    (
      await gloux<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM utilisateurs WHERE login = ? AND mot_de_passe = ? AND actif = 'Y'`,
        [login, md5(password)],
      )
    ).map((r) => Number(r.n))[0] === 1;
  const storedHash = async (userId: number) =>
    (
      await app.db.query<{ hash: string; legacy_md5: string }>(
        `SELECT hash, legacy_md5 FROM g2_auth_passwords WHERE user_id = ?`,
        [String(userId)],
      )
    )[0];

  it('accepts Gloux’s MD5 password once, then keeps a scrypt hash; Gloux’s column unchanged', async () => {
    const { login, password, customers } = users.cooperator;
    const before = await legacyRow(login);
    expect(await storedHash(before.id_utilisateur)).toBeUndefined();
    const signed = await auth.signIn(login, password, client);
    expect(signed.user).toMatchObject({ login, cooperator: true, admin: false, treasurer: false });
    expect(signed.user.customerIds).toEqual(customers);
    const stored = await storedHash(before.id_utilisateur);
    expect(stored?.hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored?.legacy_md5).toBe(md5(password));
    const after = await legacyRow(login);
    expect(after.mot_de_passe).toBe(before.mot_de_passe);
    expect(Number(after.derniere_connexion)).toBe(Math.floor(app.clock.now().getTime() / 1000));
    expect(Number(after.nb_echecs)).toBe(0);
    expect(await glouxAccepts(login, password)).toBe(true);
    // The second time the scrypt hash answers (and a wrong password is still wrong).
    await auth.signIn(login, password, client);
    expect((await storedHash(before.id_utilisateur))?.hash).toBe(stored?.hash);
    const wrong = await refusal(auth.signIn(login, 'not-it', { ...client, ip: '192.0.2.99' }));
    expect(wrong).toMatchObject({
      code: 'invalid_credentials',
      message: 'Identifiant ou mot de passe incorrect.',
    });
    await auth.signIn(login, password, client); // resets the login's failures
  });

  it('follows a password changed in Gloux: the old one is refused, the new one accepted and rehashed', async () => {
    const { login, password } = users.cooperator;
    const row = await legacyRow(login);
    await gloux(`UPDATE utilisateurs SET mot_de_passe = ? WHERE login = ?`, [
      md5('changé-dans-gloux'),
      login,
    ]);
    expect(await refusal(auth.signIn(login, password, client))).toMatchObject({
      code: 'invalid_credentials',
    });
    await auth.signIn(login, 'changé-dans-gloux', client);
    expect((await storedHash(row.id_utilisateur))?.legacy_md5).toBe(md5('changé-dans-gloux'));
  });

  it('a password changed in gloux2 updates Gloux’s MD5 (Gloux’s login works) and ends other sessions', async () => {
    const { login } = users.cooperator;
    const row = await legacyRow(login);
    const first = await auth.signIn(login, 'changé-dans-gloux', client);
    const second = await auth.signIn(login, 'changé-dans-gloux', client);
    expect(await refusal(auth.changePassword(String(row.id_utilisateur), 'court'))).toMatchObject({
      code: 'invalid_input',
      field: 'password',
    });
    await auth.changePassword(
      String(row.id_utilisateur),
      'Nouveau mot de passe é',
      second.session.tokenHash,
    );
    expect(await glouxAccepts(login, 'Nouveau mot de passe é')).toBe(true);
    expect(await glouxAccepts(login, 'changé-dans-gloux')).toBe(false);
    expect(await auth.fromToken(first.token)).toBeNull();
    expect((await auth.fromToken(second.token))?.user.login).toBe(login);
    const again = await auth.signIn(login, 'Nouveau mot de passe é', client);
    expect(again.user.login).toBe(login);
  });

  it('a wrong password costs one scrypt check for an unknown login and for one never signed in here', async () => {
    const { login } = users.staff;
    expect(await storedHash((await legacyRow(login)).id_utilisateur)).toBeUndefined();
    const work = async (who: string) => {
      const before = passwordWork.derivations;
      await refusal(auth.signIn(who, 'wrong', { ...client, ip: '192.0.2.50' }));
      return passwordWork.derivations - before;
    };
    expect(await work('nobody-at-all')).toBe(1);
    expect(await work(login)).toBe(1);
  });

  it('throttles per login and address: 3 failures lock that address out, not the owner elsewhere; Gloux counts nb_echecs', async () => {
    const { login, password } = users.other;
    const attacker = { ...client, ip: '198.51.100.1' };
    for (let i = 0; i < 3; i++) {
      expect(await refusal(auth.signIn(login, 'wrong', attacker))).toMatchObject({
        code: 'invalid_credentials',
      });
    }
    expect(Number((await legacyRow(login)).nb_echecs)).toBe(3);
    const locked = await refusal(auth.signIn(login, password, attacker));
    expect(locked).toMatchObject({
      code: 'throttled',
      message: 'Trop de tentatives de connexion échouées. Réessayez dans 15 minutes.',
    });
    // Another login from the same address is not locked by this login's failures.
    await auth.signIn(users.staff.login, users.staff.password, attacker);
    // The owner, from their own address, is not locked out by the attacker.
    const owner = await auth.signIn(login, password, { ...client, ip: '198.51.100.2' });
    expect(owner.user.login).toBe(login);
    expect(Number((await legacyRow(login)).nb_echecs)).toBe(0);
    app.clock.set(new Date(app.clock.now().getTime() + 15 * 60_000 + 1000));
    const signed = await auth.signIn(login, password, attacker);
    expect(signed.user.login).toBe(login);
  });

  it('a login tried from many addresses reaches its own, higher ceiling', async () => {
    const { login, password } = users.other;
    for (let i = 0; i < 8; i++) {
      await refusal(auth.signIn(login, 'wrong', { ...client, ip: `198.51.100.${10 + i}` }));
    }
    const locked = await refusal(auth.signIn(login, password, { ...client, ip: '198.51.100.99' }));
    expect(locked.code).toBe('throttled');
    app.clock.set(new Date(app.clock.now().getTime() + 15 * 60_000 + 1000));
    expect((await auth.signIn(login, password, client)).user.login).toBe(login);
  });

  it('throttles per IP address across logins, stored so that another instance sees it', async () => {
    const ip = { ...client, ip: '203.0.113.7' };
    for (let i = 0; i < 5; i++) {
      await refusal(auth.signIn(`nobody-${i}`, 'wrong', ip));
    }
    // A second instance on the same database (another process, or after a restart).
    const db2 = await Db.open(database.settings);
    try {
      const other = new AuthService(db2, app.clock, config);
      const refused = await refusal(other.signIn(users.staff.login, users.staff.password, ip));
      expect(refused.code).toBe('throttled');
      expect(refused).toBeInstanceOf(DomainError);
    } finally {
      await db2.close();
    }
  });

  it('sessions are stored: another instance finds them; sign-out and expiry end them; roles map', async () => {
    const { login, password, admin, treasurer } = users.staff;
    const signed = await auth.signIn(login, password, client);
    expect(signed.user).toMatchObject({ admin, treasurer, cooperator: false, customerIds: [] });
    const db2 = await Db.open(database.settings);
    try {
      const other = new AuthService(db2, app.clock, config);
      expect((await other.fromToken(signed.token))?.user.login).toBe(login);
      await other.signOut(signed.session);
      expect(await auth.fromToken(signed.token)).toBeNull();
    } finally {
      await db2.close();
    }
    const [row] = await app.db.query<{ token_hash: string }>(
      `SELECT token_hash FROM g2_auth_sessions WHERE token_hash = ?`,
      [signed.session.tokenHash],
    );
    expect(row?.token_hash).not.toBe(signed.token); // only the token's hash is stored
    const later = await auth.signIn(login, password, client);
    app.clock.set(new Date(app.clock.now().getTime() + config.sessionTtlMs + 1));
    expect(await auth.fromToken(later.token)).toBeNull();
  });

  it('a user disabled in Gloux (actif = N) loses their sessions and cannot sign in', async () => {
    const { login, password } = users.other;
    const signed = await auth.signIn(login, password, client);
    await gloux(`UPDATE utilisateurs SET actif = 'N' WHERE login = ?`, [login]);
    expect(await auth.fromToken(signed.token)).toBeNull();
    expect(await refusal(auth.signIn(login, password, client))).toMatchObject({
      code: 'inactive_user',
    });
    await gloux(`UPDATE utilisateurs SET actif = 'Y' WHERE login = ?`, [login]);
  });

  it('a signed-in user’s wrong current passwords throttle the change form, never the sign-in', async () => {
    const { login, password } = users.staff;
    const signed = await auth.signIn(login, password, client);
    const userId = signed.user.userId;
    for (let i = 0; i < 3; i++) {
      expect(
        await refusal(
          auth.changeOwnPassword(userId, 'wrong', 'whatever-new', signed.session.tokenHash),
        ),
      ).toMatchObject({ code: 'invalid_credentials', field: 'current' });
    }
    const refused = await refusal(
      auth.changeOwnPassword(userId, password, 'whatever-new', signed.session.tokenHash),
    );
    expect(refused).toMatchObject({ code: 'throttled', field: 'current' });
    // The owner can still sign in, from anywhere.
    expect((await auth.signIn(login, password, client)).user.login).toBe(login);
    expect((await auth.signIn(login, password, { ...client, ip: '192.0.2.77' })).user.login).toBe(
      login,
    );
  });
});
