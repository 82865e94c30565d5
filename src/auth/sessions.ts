import type { Queryable } from '../kernel/database/db.js';
import { randomToken, sha256Hex } from './password.js';

/** Server-side sessions (g2_auth_sessions): survive a restart, revocable one by one or per user. */
export interface SessionRecord {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

interface SessionRow {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number | string;
  last_seen_at: number | string;
  expires_at: number | string;
  [k: string]: unknown;
}

/** Last-seen is written at most this often (a read per request, not a write). */
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  q: Queryable,
  input: { userId: string; now: number; ttlMs: number; ip: string; userAgent: string },
): Promise<{ token: string; session: SessionRecord }> {
  const token = randomToken();
  const session: SessionRecord = {
    tokenHash: sha256Hex(token),
    userId: input.userId,
    csrfToken: randomToken(),
    createdAt: input.now,
    expiresAt: input.now + input.ttlMs,
  };
  await q.execute(
    `INSERT INTO g2_auth_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at, ip, user_agent)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    [
      session.tokenHash,
      session.userId,
      session.csrfToken,
      input.now,
      input.now,
      session.expiresAt,
      input.ip.slice(0, 64),
      input.userAgent.slice(0, 255),
    ],
  );
  return { token, session };
}

/** The live session of a cookie token (not revoked, not expired), or null. */
export async function findSession(
  q: Queryable,
  token: string,
  now: number,
): Promise<SessionRecord | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await q.query<SessionRow>(
    `SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at FROM g2_auth_sessions
      WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`,
    [sha256Hex(token), now],
  );
  if (!row) return null;
  if (now - Number(row.last_seen_at) > TOUCH_EVERY_MS) {
    await q.execute(`UPDATE g2_auth_sessions SET last_seen_at = ? WHERE token_hash = ?`, [
      now,
      row.token_hash,
    ]);
  }
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

export async function revokeSession(q: Queryable, tokenHash: string, now: number): Promise<void> {
  await q.execute(
    `UPDATE g2_auth_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`,
    [now, tokenHash],
  );
}

/** Ends every session of a user but `keep` (after a password change, or by an admin). */
export async function revokeSessionsOf(
  q: Queryable,
  userId: string,
  now: number,
  keep: string | null = null,
): Promise<number> {
  const { affected } = await q.execute(
    `UPDATE g2_auth_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash <> ?`,
    [now, userId, keep ?? ''],
  );
  return affected;
}

/** Forgets sessions ended more than a day ago (they can no longer be used anyway). */
export async function purgeSessions(q: Queryable, now: number): Promise<void> {
  const before = now - 86_400_000;
  await q.execute(
    `DELETE FROM g2_auth_sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)`,
    [before, before],
  );
}
