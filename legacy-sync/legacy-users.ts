import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * Gloux's logins (`utilisateurs`) for gloux2's sign-in: the only code that reads or writes that
 * table. Gloux's columns keep working for Gloux: the MD5 password, `nb_echecs` (failed
 * attempts, reset on success), `derniere_connexion` (unix time of the last sign-in).
 */

export type LegacyRole = 'admin' | 'compta' | 'support' | 'revendeur' | 'client';

export interface LegacyUser {
  userId: string;
  login: string;
  /** Gloux's mot_de_passe: MD5 hex of the password. */
  md5: string;
  active: boolean;
  roles: LegacyRole[];
  email: string;
  /** The person (tiers) whose accounts this login sees: id_tiers, else its customer's tiers; null if none. */
  tiersId: string | null;
  /** utilisateurs.id_client (0 → null). */
  customerId: string | null;
}

interface UserRow {
  id_utilisateur: number | string;
  login: unknown;
  mot_de_passe: unknown;
  actif: string;
  roles: unknown;
  email: unknown;
  id_tiers: number | string;
  id_client: number | string;
  client_tiers: number | string | null;
  [k: string]: unknown;
}

const ROLES: readonly LegacyRole[] = ['admin', 'compta', 'support', 'revendeur', 'client'];

function userSelect(q: Queryable): string {
  return `SELECT u.id_utilisateur, ${legacyTextSelect('u.login', q.dialect)} AS login,
      u.mot_de_passe, u.actif, u.roles, u.email, u.id_tiers, u.id_client, c.id_tiers AS client_tiers
    FROM utilisateurs u LEFT JOIN clients c ON c.id_client = u.id_client AND u.id_client <> 0`;
}

const idOrNull = (v: unknown): string | null => {
  const n = Number(v ?? 0);
  return Number.isInteger(n) && n > 0 ? String(n) : null;
};

function toUser(r: UserRow): LegacyUser {
  const roles = String(decodeLegacyText(r.roles as Buffer | string | null))
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is LegacyRole => (ROLES as readonly string[]).includes(s));
  return {
    userId: String(r.id_utilisateur),
    login: decodeLegacyText(r.login as Buffer | string | null),
    md5: String(decodeLegacyText(r.mot_de_passe as Buffer | string | null)).toLowerCase(),
    active: r.actif === 'Y',
    roles,
    email: decodeLegacyText(r.email as Buffer | string | null),
    tiersId: idOrNull(r.id_tiers) ?? idOrNull(r.client_tiers),
    customerId: idOrNull(r.id_client),
  };
}

/** The login exactly as typed (Gloux's UNIQUE(login) is case-insensitive on MySQL, as here). */
export async function findUserByLogin(q: Queryable, login: string): Promise<LegacyUser | null> {
  if (login === '' || login.length > 64) return null;
  const where = q.dialect === 'mysql' ? 'u.login = ?' : 'u.login = ? COLLATE NOCASE';
  const [row] = await q.query<UserRow>(`${userSelect(q)} WHERE ${where} LIMIT 1`, [login]);
  return row ? toUser(row) : null;
}

export async function findUser(q: Queryable, userId: string): Promise<LegacyUser | null> {
  if (!/^\d{1,10}$/.test(userId)) return null;
  const [row] = await q.query<UserRow>(`${userSelect(q)} WHERE u.id_utilisateur = ?`, [
    Number(userId),
  ]);
  return row ? toUser(row) : null;
}

/** Every customer account (clients.id_client) of a person, plus the login's own id_client. */
export async function customerIdsOf(
  q: Queryable,
  tiersId: string | null,
  customerId: string | null,
): Promise<string[]> {
  const ids = new Set<string>();
  if (tiersId) {
    const rows = await q.query<{ id_client: number | string }>(
      `SELECT id_client FROM clients WHERE id_tiers = ? ORDER BY id_client`,
      [Number(tiersId)],
    );
    for (const r of rows) ids.add(String(r.id_client));
  }
  if (customerId) ids.add(customerId);
  return [...ids];
}

/** The customer holding a hosting account, or null. */
export async function customerOfHosting(q: Queryable, hostingId: string): Promise<string | null> {
  if (!/^\d{1,10}$/.test(hostingId)) return null;
  const [row] = await q.query<{ id_client: number | string }>(
    `SELECT id_client FROM hebergements WHERE id_hebergement = ?`,
    [Number(hostingId)],
  );
  return row ? idOrNull(row.id_client) : null;
}

/** A successful sign-in, as Gloux records it: failures reset, last sign-in time. */
export async function recordSignIn(q: Queryable, userId: string, unixTime: number): Promise<void> {
  await q.execute(
    `UPDATE utilisateurs SET nb_echecs = 0, derniere_connexion = ? WHERE id_utilisateur = ?`,
    [unixTime, Number(userId)],
  );
}

/** A wrong password, as Gloux counts it (tinyint unsigned: stops at 255). */
export async function recordFailedSignIn(q: Queryable, userId: string): Promise<void> {
  await q.execute(
    `UPDATE utilisateurs SET nb_echecs = CASE WHEN nb_echecs < 255 THEN nb_echecs + 1 ELSE 255 END WHERE id_utilisateur = ?`,
    [Number(userId)],
  );
}

/** Keeps Gloux's own login working after a password change made in gloux2. */
export async function setLegacyPasswordMd5(
  q: Queryable,
  userId: string,
  md5: string,
): Promise<void> {
  if (!/^[0-9a-f]{32}$/.test(md5)) throw new Error('not an MD5 hex digest');
  await q.execute(`UPDATE utilisateurs SET mot_de_passe = ? WHERE id_utilisateur = ?`, [
    md5,
    Number(userId),
  ]);
}
