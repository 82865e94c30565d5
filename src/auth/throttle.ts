import type { Queryable } from '../kernel/database/db.js';

/**
 * Failures (or attempts) counted per key within a window ('login:anne', 'ip:192.0.2.1', or
 * 'sign-up:all' for accounts opened anonymously). When a key reaches its limit, sign-in (or
 * sign-up) is refused — even with the right password — until the window that started with its
 * first count has passed.
 */
export interface ThrottleLimit {
  key: string;
  max: number;
}

/** Milliseconds until sign-in is allowed again for these keys (0: allowed now). */
export async function lockedFor(
  q: Queryable,
  limits: readonly ThrottleLimit[],
  now: number,
  windowMs: number,
): Promise<number> {
  let wait = 0;
  for (const { key, max } of limits) {
    const [row] = await q.query<{ failures: number | string; window_start: number | string }>(
      `SELECT failures, window_start FROM g2_auth_throttle WHERE throttle_key = ?`,
      [key],
    );
    if (!row) continue;
    const end = Number(row.window_start) + windowMs;
    if (end > now && Number(row.failures) >= max) wait = Math.max(wait, end - now);
  }
  return wait;
}

/** Counts one failure on each key (a new window when the previous one has ended). */
export async function recordFailure(
  q: Queryable,
  keys: readonly string[],
  now: number,
  windowMs: number,
): Promise<void> {
  const expired = now - windowMs;
  for (const key of keys) {
    // One atomic statement per key, so concurrent failures are all counted.
    const upsert =
      q.dialect === 'mysql'
        ? `INSERT INTO g2_auth_throttle (throttle_key, failures, window_start, last_failure_at) VALUES (?, 1, ?, ?)
           ON DUPLICATE KEY UPDATE
             failures = CASE WHEN window_start <= ? THEN 1 ELSE failures + 1 END,
             window_start = CASE WHEN window_start <= ? THEN VALUES(window_start) ELSE window_start END,
             last_failure_at = VALUES(last_failure_at)`
        : `INSERT INTO g2_auth_throttle (throttle_key, failures, window_start, last_failure_at) VALUES (?, 1, ?, ?)
           ON CONFLICT (throttle_key) DO UPDATE SET
             failures = CASE WHEN window_start <= ? THEN 1 ELSE failures + 1 END,
             window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END,
             last_failure_at = excluded.last_failure_at`;
    await q.execute(upsert, [key, now, now, expired, expired]);
  }
}

export async function clearFailures(q: Queryable, key: string): Promise<void> {
  await q.execute(`DELETE FROM g2_auth_throttle WHERE throttle_key = ?`, [key]);
}
