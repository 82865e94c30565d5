import { Inject, Injectable } from '@nestjs/common';
import { findCustomers } from '../../legacy-sync/legacy-gateway.js';
import {
  customerIdsOf,
  findUser,
  findUserByLogin,
  recordFailedSignIn,
  recordSignIn,
  setLegacyPasswordMd5,
  type LegacyUser,
} from '../../legacy-sync/legacy-users.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { AUTH_CONFIG, type AuthConfig } from '../kernel/config.js';
import { authUserOf, type AuthUser } from './auth-user.js';
import { hashPassword, md5Hex, sameSecret, verifyPassword } from './password.js';
import {
  createSession,
  findSession,
  purgeSessions,
  revokeSession,
  revokeSessionsOf,
  type SessionRecord,
} from './sessions.js';
import { clearFailures, lockedFor, recordFailure } from './throttle.js';

export interface SignedIn {
  readonly user: AuthUser;
  readonly session: SessionRecord;
}

/** A hash to check against when the login is unknown, so a wrong login costs as much as a wrong password. */
const DUMMY_HASH = hashPassword('gloux2-no-such-user');

export const MIN_PASSWORD_LENGTH = 8;

/** Refusal while a login's (or address's) failures wait `wait` ms to be forgotten. */
function throttled(wait: number, field: string): DomainError {
  const minutes = Math.ceil(wait / 60_000);
  return new DomainError(
    'throttled',
    `Trop de tentatives de connexion échouées. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`,
    field,
    { retryAfterSeconds: Math.ceil(wait / 1000) },
  );
}

/** The sign-in throttle's key of a login (from any address). */
const loginThrottleKey = (login: string) => `login:${login.trim().toLowerCase().slice(0, 100)}`;

/** The key of a login tried from one address: the ceiling that locks only that address out. */
const loginAtAddressKey = (login: string, ip: string) => `${loginThrottleKey(login)}|ip:${ip}`;

/** Writes gloux2's scrypt hash of a user's password (and the Gloux MD5 it was made for). */
export async function writePasswordHash(
  q: Queryable,
  userId: string,
  hash: string,
  md5: string,
  now: number,
): Promise<void> {
  const { affected } = await q.execute(
    `UPDATE g2_auth_passwords SET hash = ?, legacy_md5 = ?, updated_at = ? WHERE user_id = ?`,
    [hash, md5, now, userId],
  );
  if (affected === 0) {
    await q.execute(
      `INSERT INTO g2_auth_passwords (user_id, hash, legacy_md5, updated_at) VALUES (?, ?, ?, ?)`,
      [userId, hash, md5, now],
    );
  }
}

/** Sign-in against Gloux's users, sessions, password changes. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AUTH_CONFIG) readonly config: AuthConfig,
  ) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  /**
   * Checks a login and password (gloux2's scrypt hash, or Gloux's MD5 the first time or after
   * Gloux changed it: then the scrypt hash is made), and opens a session.
   * Throws DomainError `throttled`, `invalid_credentials` or `inactive_user`.
   */
  async signIn(
    login: string,
    password: string,
    client: { ip: string; userAgent: string },
  ): Promise<SignedIn & { token: string }> {
    const now = this.now();
    const loginKey = loginThrottleKey(login);
    const pairKey = loginAtAddressKey(login, client.ip);
    const ipKey = `ip:${client.ip}`;
    const { maxFailuresPerLogin, maxFailuresPerLoginAnyAddress, maxFailuresPerIp } = this.config;
    const { throttleWindowMs } = this.config;
    const wait = await this.db.run((q) =>
      lockedFor(
        q,
        [
          { key: pairKey, max: maxFailuresPerLogin },
          { key: loginKey, max: maxFailuresPerLoginAnyAddress },
          { key: ipKey, max: maxFailuresPerIp },
        ],
        now,
        throttleWindowMs,
      ),
    );
    if (wait > 0) {
      throw throttled(wait, 'login');
    }
    const legacy = await this.db.run((q) => findUserByLogin(q, login.trim()));
    const ok = legacy
      ? await this.checkPassword(legacy, password)
      : await verifyPassword(password, await DUMMY_HASH).then(() => false);
    if (!legacy || !ok) {
      await this.db.run(async (q) => {
        await recordFailure(q, [pairKey, loginKey, ipKey], now, throttleWindowMs);
        if (legacy) await recordFailedSignIn(q, legacy.userId);
      });
      throw new DomainError(
        'invalid_credentials',
        'Identifiant ou mot de passe incorrect.',
        'password',
      );
    }
    if (!legacy.active) {
      throw new DomainError(
        'inactive_user',
        'Ce compte est désactivé. Contactez la coopérative pour le réactiver.',
        'login',
      );
    }
    await this.db.run(async (q) => {
      await clearFailures(q, pairKey);
      await clearFailures(q, loginKey);
      await recordSignIn(q, legacy.userId, Math.floor(now / 1000));
    });
    return this.openSession(legacy.userId, client);
  }

  /** A new session for a user (after checking their password, or right after sign-up). */
  async openSession(
    userId: string,
    client: { ip: string; userAgent: string },
  ): Promise<SignedIn & { token: string }> {
    const now = this.now();
    return this.db.run(async (q) => {
      const legacy = await findUser(q, userId);
      if (!legacy) throw new DomainError('not_found', 'Utilisateur introuvable.', 'userId');
      await purgeSessions(q, now);
      const { token, session } = await createSession(q, {
        userId,
        now,
        ttlMs: this.config.sessionTtlMs,
        ip: client.ip,
        userAgent: client.userAgent,
      });
      return { token, session, user: await this.userOf(q, legacy) };
    });
  }

  private async checkPassword(user: LegacyUser, password: string): Promise<boolean> {
    const [stored] = await this.db.query<{ hash: string; legacy_md5: string }>(
      `SELECT hash, legacy_md5 FROM g2_auth_passwords WHERE user_id = ?`,
      [user.userId],
    );
    // Gloux's column is the reference: a hash made for another MD5 is stale (changed in Gloux).
    if (stored && stored.legacy_md5 === user.md5) return verifyPassword(password, stored.hash);
    if (!/^[0-9a-f]{32}$/.test(user.md5) || !sameSecret(md5Hex(password), user.md5)) {
      // As much work as a scrypt check: a login never signed in here must not answer faster
      // than an unknown one (logins found by timing).
      await verifyPassword(password, await DUMMY_HASH);
      return false;
    }
    await this.storeHash(user.userId, password, user.md5);
    return true;
  }

  /** Keeps gloux2's scrypt hash of a password whose MD5 Gloux holds. */
  async storeHash(userId: string, password: string, md5: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.db.run((q) => writePasswordHash(q, userId, hash, md5, this.now()));
  }

  /**
   * Sets a user's password in gloux2 and in Gloux (its MD5 column, so Gloux's login keeps
   * working), and ends the user's other sessions.
   */
  /** The customer accounts of a signed-in user's person. */
  accountsOf(customerIds: Iterable<string>) {
    return this.db.run((q) => findCustomers(q, [...customerIds]));
  }

  async changePassword(userId: string, password: string, keepSession: string | null = null) {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new DomainError(
        'invalid_input',
        `Le mot de passe doit compter au moins ${MIN_PASSWORD_LENGTH} caractères.`,
        'password',
      );
    }
    if (password.length > 200) {
      throw new DomainError(
        'invalid_input',
        'Mot de passe trop long (200 caractères au plus).',
        'password',
      );
    }
    const user = await this.db.run((q) => findUser(q, userId));
    if (!user) throw new DomainError('not_found', 'Utilisateur introuvable.', 'userId');
    const md5 = md5Hex(password);
    await this.db.run((q) => setLegacyPasswordMd5(q, userId, md5));
    await this.storeHash(userId, password, md5);
    await this.db.run((q) => revokeSessionsOf(q, userId, this.now(), keepSession));
  }

  /**
   * A signed-in user changes their own password: the current one is checked first. Its failures
   * have their own throttle (so this form cannot be used to guess it), apart from sign-in's: a
   * session's wrong entries must not lock its owner's login.
   */
  async changeOwnPassword(
    userId: string,
    current: string,
    password: string,
    keepSession: string,
  ): Promise<void> {
    const now = this.now();
    const user = await this.db.run((q) => findUser(q, userId));
    if (!user) throw new DomainError('not_found', 'Utilisateur introuvable.', 'userId');
    const changeKey = `password-change:${userId}`;
    const { maxFailuresPerLogin, throttleWindowMs } = this.config;
    const wait = await this.db.run((q) =>
      lockedFor(q, [{ key: changeKey, max: maxFailuresPerLogin }], now, throttleWindowMs),
    );
    if (wait > 0) {
      throw throttled(wait, 'current');
    }
    if (!(await this.checkPassword(user, current))) {
      await this.db.run((q) => recordFailure(q, [changeKey], now, throttleWindowMs));
      throw new DomainError('invalid_credentials', 'Mot de passe actuel incorrect.', 'current');
    }
    await this.changePassword(userId, password, keepSession);
  }

  /** The session and user of a cookie token, or null (unknown, expired, revoked, user disabled). */
  async fromToken(token: string): Promise<SignedIn | null> {
    return this.db.run(async (q) => {
      const session = await findSession(q, token, this.now());
      if (!session) return null;
      const legacy = await findUser(q, session.userId);
      if (!legacy || !legacy.active) return null;
      return { session, user: await this.userOf(q, legacy) };
    });
  }

  async signOut(session: SessionRecord): Promise<void> {
    await this.db.run((q) => revokeSession(q, session.tokenHash, this.now()));
  }

  async revokeAll(userId: string): Promise<number> {
    return this.db.run((q) => revokeSessionsOf(q, userId, this.now()));
  }

  private async userOf(q: Queryable, legacy: LegacyUser): Promise<AuthUser> {
    return authUserOf(legacy, await customerIdsOf(q, legacy.tiersId, legacy.customerId));
  }
}
