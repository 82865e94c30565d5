import {
  decodeKey,
  MoneticoKeyError,
  type MacScheme,
  type MoneticoMode,
} from '../../../domain/monetico/monetico.js';
import { ConfigError, flag, int, oneOf, raw, text, type Env } from './parse.js';

/** Card payment settings (environment), documented in docs/configuration.md "Card payment (Monetico)". */
export const MONETICO_CONFIG = Symbol('MONETICO_CONFIG');

/** The merchant key's bytes, kept out of every log, page, JSON and error. */
export class SecretKey {
  readonly #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  bytes(): Uint8Array {
    return this.#bytes;
  }
  toString(): string {
    return '[clé masquée]';
  }
  toJSON(): string {
    return '[clé masquée]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretKey [clé masquée]';
  }
}

export interface MoneticoConfig {
  /** False when MONETICO_URL is not set: no "Payer par carte" (npm start sets it to the fake bank). */
  readonly enabled: boolean;
  readonly bankUrl: string;
  readonly tpe: string;
  readonly societe: string;
  readonly key: SecretKey;
  readonly scheme: MacScheme;
  readonly mode: MoneticoMode;
  /** The app's address as the browser reaches it (return URLs); empty: the request's own origin. */
  readonly publicUrl: string;
  /**
   * Notifications whose seal fails, kept (aggregated) per address within a window; past it
   * the address's forged ones are refused unkept until the window ends. Sealed ones always pass.
   */
  readonly forgedPerAddress: number;
  readonly forgedWindowMs: number;
}

/** The demo key of the bank's kit (docs/monetico.md): only ever used with the local fake bank. */
export const DEMO_KEY = '12345678901234567890123456789012345678P0';
export const DEMO_TPE = '0000001';
export const DEMO_SOCIETE = 'ouvatondemo';

/**
 * MONETICO_URL (bank payment URL; unset: card payment off), MONETICO_KEY (40 hex), MONETICO_TPE
 * (7 characters), MONETICO_SOCIETE, MONETICO_SCHEME (current|legacy, default current),
 * MONETICO_MODE (test|production; default test when the URL has /test/), MONETICO_PUBLIC_URL
 * (default: the address the cooperator's browser used), MONETICO_FORGED_MAX_PER_IP (default 20)
 * per MONETICO_FORGED_WINDOW_MINUTES (default 10).
 */
export function loadMoneticoConfig(env: Env): MoneticoConfig {
  const bankUrl = text(env, 'MONETICO_URL', '');
  const flood = {
    forgedPerAddress: int(env, 'MONETICO_FORGED_MAX_PER_IP', 20, 1, 100_000),
    forgedWindowMs: int(env, 'MONETICO_FORGED_WINDOW_MINUTES', 10, 1, 24 * 60) * 60_000,
  };
  const publicUrl = text(env, 'MONETICO_PUBLIC_URL', '').replace(/\/+$/, '');
  const scheme = oneOf(env, 'MONETICO_SCHEME', ['current', 'legacy'], 'current');
  if (bankUrl === '') {
    return {
      enabled: false,
      bankUrl: '',
      tpe: '',
      societe: '',
      key: new SecretKey(new Uint8Array()),
      scheme,
      mode: 'test',
      publicUrl,
      ...flood,
    };
  }
  let url: URL;
  try {
    url = new URL(bankUrl);
  } catch {
    throw new ConfigError('MONETICO_URL', `must be an http(s) URL (got ${bankUrl})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('MONETICO_URL', `must be an http(s) URL (got ${bankUrl})`);
  const mode = oneOf(
    env,
    'MONETICO_MODE',
    ['test', 'production'],
    url.pathname.includes('/test/') ? 'test' : 'production',
  );
  const rawKey = text(env, 'MONETICO_KEY', '');
  if (rawKey.length !== 40) throw new MoneticoKeyError('expected 40 characters');
  // Without it the return URLs sent to the bank come from the request's Host header, which
  // whoever sends the request chooses.
  if (publicUrl === '' && env.NODE_ENV === 'production')
    throw new ConfigError(
      'MONETICO_PUBLIC_URL',
      'must be set in production (NODE_ENV=production): the card return URLs must not come from the Host header',
    );
  if (publicUrl !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl))
    throw new ConfigError('MONETICO_PUBLIC_URL', `must be an http(s) URL (got ${publicUrl})`);
  return {
    enabled: true,
    bankUrl,
    tpe: tpeOf(env, ''),
    societe: societeOf(env, ''),
    key: new SecretKey(decodeKey(rawKey)),
    scheme,
    mode,
    publicUrl,
    ...flood,
  };
}

function tpeOf(env: Env, fallback: string): string {
  const tpe = text(env, 'MONETICO_TPE', fallback);
  if (!/^[A-Za-z0-9]{7}$/.test(tpe))
    throw new ConfigError('MONETICO_TPE', 'must be the 7 characters of the virtual terminal');
  return tpe;
}

function societeOf(env: Env, fallback: string): string {
  const societe = text(env, 'MONETICO_SOCIETE', fallback);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(societe))
    throw new ConfigError('MONETICO_SOCIETE', 'must be the company code given by the bank');
  return societe;
}

/** The local fake bank (src/fake-bank/): the demo's card payments and `fake-bank:start`. */
export interface FakeBankConfig {
  /** FAKE_BANK (default on): start it in the SQLite demo when MONETICO_URL is not set. */
  readonly inDemo: boolean;
  /** FAKE_BANK_PORT; null: any free port (the demo), 3001 for `fake-bank:start`. */
  readonly port: number | null;
  /** MONETICO_KEY / MONETICO_TPE / MONETICO_SOCIETE, else the bank kit's demo values. */
  readonly key: SecretKey;
  readonly tpe: string;
  readonly societe: string;
  /** The switches' defaults: FAKE_BANK_REFUSE, _NOTIFICATIONS, _DELAY_MS, _BAD_MAC. */
  readonly switches: {
    readonly refuse: boolean;
    readonly notifications: number;
    readonly delayMs: number;
    readonly badMac: boolean;
  };
}

export function loadFakeBankConfig(env: Env): FakeBankConfig {
  return {
    inDemo: flag(env, 'FAKE_BANK', true),
    port: raw(env, 'FAKE_BANK_PORT') === undefined ? null : int(env, 'FAKE_BANK_PORT', 0, 0, 65535),
    key: new SecretKey(decodeKey(text(env, 'MONETICO_KEY', DEMO_KEY))),
    tpe: tpeOf(env, DEMO_TPE),
    societe: societeOf(env, DEMO_SOCIETE),
    switches: {
      refuse: flag(env, 'FAKE_BANK_REFUSE', false),
      notifications: int(env, 'FAKE_BANK_NOTIFICATIONS', 1, 1, 100),
      delayMs: int(env, 'FAKE_BANK_DELAY_MS', 0, 0, 600_000),
      badMac: flag(env, 'FAKE_BANK_BAD_MAC', false),
    },
  };
}
