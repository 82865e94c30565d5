import {
  decodeKey,
  MoneticoKeyError,
  type MacScheme,
  type MoneticoMode,
} from '../../domain/monetico/monetico.js';

/** Card payment settings (environment), documented in README.md "Card payment (Monetico)". */
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
}

/** The demo key of the bank's kit (docs/monetico.md): only ever used with the local fake bank. */
export const DEMO_KEY = '12345678901234567890123456789012345678P0';
export const DEMO_TPE = '0000001';
export const DEMO_SOCIETE = 'ouvatondemo';

/**
 * MONETICO_URL (bank payment URL; unset: card payment off), MONETICO_KEY (40 hex), MONETICO_TPE
 * (7 characters), MONETICO_SOCIETE, MONETICO_SCHEME (current|legacy, default current),
 * MONETICO_MODE (test|production; default test when the URL has /test/), MONETICO_PUBLIC_URL
 * (default: the address the cooperator's browser used).
 */
export function loadMoneticoConfig(env: NodeJS.ProcessEnv = process.env): MoneticoConfig {
  const bankUrl = env.MONETICO_URL?.trim() ?? '';
  const publicUrl = (env.MONETICO_PUBLIC_URL?.trim() ?? '').replace(/\/+$/, '');
  const scheme = env.MONETICO_SCHEME?.trim() || 'current';
  if (scheme !== 'current' && scheme !== 'legacy')
    throw new Error(`MONETICO_SCHEME must be current or legacy (got ${scheme})`);
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
    };
  }
  let url: URL;
  try {
    url = new URL(bankUrl);
  } catch {
    throw new Error(`MONETICO_URL must be an http(s) URL (got ${bankUrl})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`MONETICO_URL must be an http(s) URL (got ${bankUrl})`);
  const mode =
    env.MONETICO_MODE?.trim() || (url.pathname.includes('/test/') ? 'test' : 'production');
  if (mode !== 'test' && mode !== 'production')
    throw new Error(`MONETICO_MODE must be test or production (got ${mode})`);
  const tpe = env.MONETICO_TPE?.trim() ?? '';
  if (!/^[A-Za-z0-9]{7}$/.test(tpe))
    throw new Error('MONETICO_TPE must be the 7 characters of the virtual terminal');
  const societe = env.MONETICO_SOCIETE?.trim() ?? '';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(societe))
    throw new Error('MONETICO_SOCIETE must be the company code given by the bank');
  const rawKey = env.MONETICO_KEY?.trim() ?? '';
  if (rawKey.length !== 40) throw new MoneticoKeyError('expected 40 characters');
  return {
    enabled: true,
    bankUrl,
    tpe,
    societe,
    key: new SecretKey(decodeKey(rawKey)),
    scheme,
    mode,
    publicUrl,
  };
}
