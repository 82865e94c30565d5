import { int } from '../kernel/config.js';

/** Sign-in, session and throttling settings (environment). */
export interface AuthConfig {
  /** `auto`: Secure cookie when the request came over https (behind a proxy: set TRUST_PROXY). */
  readonly cookieSecure: 'auto' | 'always' | 'never';
  /** A session ends this long after sign-in (it can be revoked earlier). */
  readonly sessionTtlMs: number;
  /**
   * Failed sign-ins allowed per login from one address, then per login from every address (a
   * higher ceiling, so an attacker elsewhere does not lock the owner out), then per address.
   */
  readonly maxFailuresPerLogin: number;
  readonly maxFailuresPerLoginAnyAddress: number;
  readonly maxFailuresPerIp: number;
  readonly throttleWindowMs: number;
  /** Express's `trust proxy` (e.g. `loopback` or `1`); empty: trust no proxy. */
  readonly trustProxy: string;
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const secure = (env.SESSION_COOKIE_SECURE ?? 'auto').trim().toLowerCase();
  const cookieSecure =
    secure === '1' || secure === 'true' || secure === 'always'
      ? 'always'
      : secure === '0' || secure === 'false' || secure === 'never'
        ? 'never'
        : secure === 'auto' || secure === ''
          ? 'auto'
          : (() => {
              throw new Error(`SESSION_COOKIE_SECURE must be auto, 1 or 0 (got ${secure})`);
            })();
  return {
    cookieSecure,
    sessionTtlMs: int('SESSION_TTL_HOURS', env.SESSION_TTL_HOURS, 12, 1, 24 * 90) * 3_600_000,
    maxFailuresPerLogin: int(
      'AUTH_MAX_FAILURES_PER_LOGIN',
      env.AUTH_MAX_FAILURES_PER_LOGIN,
      5,
      1,
      1000,
    ),
    maxFailuresPerLoginAnyAddress: int(
      'AUTH_MAX_FAILURES_PER_LOGIN_ANY_ADDRESS',
      env.AUTH_MAX_FAILURES_PER_LOGIN_ANY_ADDRESS,
      100,
      1,
      100_000,
    ),
    maxFailuresPerIp: int('AUTH_MAX_FAILURES_PER_IP', env.AUTH_MAX_FAILURES_PER_IP, 30, 1, 100_000),
    throttleWindowMs:
      int('AUTH_THROTTLE_MINUTES', env.AUTH_THROTTLE_MINUTES, 15, 1, 24 * 60) * 60_000,
    trustProxy: (env.TRUST_PROXY ?? '').trim(),
  };
}
