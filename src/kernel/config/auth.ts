import { ConfigError, flag, int, raw, text, type Env } from './parse.js';

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
  /** Anonymous sign-ups allowed per address, and in all, within their window. */
  readonly signUpsPerIp: number;
  readonly signUpsTotal: number;
  readonly signUpWindowMs: number;
  /** Express's `trust proxy` (e.g. `loopback` or `1`); empty: trust no proxy. */
  readonly trustProxy: string;
  /** SIGN_UP_SHARES: the shares the statutes require of a new cooperator (default 1). */
  readonly signUpShares: number;
  /**
   * TERMS_VERSION / PRIVACY_VERSION: the versions of the terms of sale and of the personal-data
   * notice a sign-up accepts (recorded with the acceptance); TERMS_URL / PRIVACY_URL: where
   * they are read (empty: no link).
   */
  readonly termsVersion: string;
  readonly privacyVersion: string;
  readonly termsUrl: string;
  readonly privacyUrl: string;
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env: Env): AuthConfig {
  // `auto`, or a boolean in the one syntax: on = always Secure, off = never.
  const secure = raw(env, 'SESSION_COOKIE_SECURE')?.toLowerCase() ?? 'auto';
  const cookieSecure =
    secure === 'auto' ? 'auto' : flag(env, 'SESSION_COOKIE_SECURE', false) ? 'always' : 'never';
  return {
    cookieSecure,
    sessionTtlMs: int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 90) * 3_600_000,
    maxFailuresPerLogin: int(env, 'AUTH_MAX_FAILURES_PER_LOGIN', 5, 1, 1000),
    maxFailuresPerLoginAnyAddress: int(
      env,
      'AUTH_MAX_FAILURES_PER_LOGIN_ANY_ADDRESS',
      100,
      1,
      100_000,
    ),
    maxFailuresPerIp: int(env, 'AUTH_MAX_FAILURES_PER_IP', 30, 1, 100_000),
    throttleWindowMs: int(env, 'AUTH_THROTTLE_MINUTES', 15, 1, 24 * 60) * 60_000,
    signUpsPerIp: int(env, 'SIGN_UP_MAX_PER_IP', 5, 1, 100_000),
    signUpsTotal: int(env, 'SIGN_UP_MAX_TOTAL', 50, 1, 1_000_000),
    signUpWindowMs: int(env, 'SIGN_UP_WINDOW_MINUTES', 60, 1, 7 * 24 * 60) * 60_000,
    trustProxy: text(env, 'TRUST_PROXY', ''),
    signUpShares: int(env, 'SIGN_UP_SHARES', 1, 1, 1000),
    termsVersion: version(env, 'TERMS_VERSION'),
    privacyVersion: version(env, 'PRIVACY_VERSION'),
    termsUrl: url(env, 'TERMS_URL'),
    privacyUrl: url(env, 'PRIVACY_URL'),
  };
}

/** A version label as people read it (e.g. 2026-01 or 3.1): short, no spaces. */
function version(env: Env, name: string): string {
  const value = text(env, name, '1');
  if (!/^[\w.-]{1,32}$/.test(value))
    throw new ConfigError(name, `must be a short version label like 2026-01 (got ${value})`);
  return value;
}

/** An http(s) address, or empty. */
function url(env: Env, name: string): string {
  const value = text(env, name, '');
  if (value !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(value))
    throw new ConfigError(name, `must be an http(s) URL (got ${value})`);
  return value;
}
