import { parseDecimal, type Dec } from '../../../domain/shared/money.js';

/** The environment as the config module reads it (process.env, or a test's record). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A setting the operator got wrong: start-up stops with a message naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${variable} ${message}`, options);
    this.name = 'ConfigError';
  }
}

/** The trimmed value, or undefined when unset or blank (blank means "use the default"). */
export function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function text(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** The one boolean syntax: 1/0, true/false, yes/no, on/off (any case); anything else is refused. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (TRUE.includes(lower)) return true;
  if (FALSE.includes(lower)) return false;
  throw new ConfigError(name, `must be 1/0, true/false, yes/no or on/off (got ${value})`);
}

/** An integer within bounds; decimals, exponents and hex are refused (`Number` would take them). */
export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = /^[+-]?\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max} (got ${value})`);
  }
  return n;
}

/**
 * A decimal amount (a comma is read as the decimal point), with at most `decimals` decimals,
 * never negative, and positive or below `max` when asked. Exact: never a JS number.
 */
export function amount(
  env: Env,
  name: string,
  fallback: string,
  options: { decimals: number; positive?: boolean; below?: string },
): Dec {
  const value = raw(env, name) ?? fallback;
  let parsed: Dec;
  try {
    parsed = parseDecimal(value.replace(',', '.'), options.decimals);
  } catch {
    throw new ConfigError(
      name,
      `must be an amount like ${fallback}, ${options.decimals} decimals at most (got ${value})`,
    );
  }
  if (parsed.isNegative() || (options.positive && parsed.isZero()))
    throw new ConfigError(
      name,
      `must be ${options.positive ? 'positive' : 'zero or positive'} (got ${value})`,
    );
  if (options.below !== undefined && parsed.gte(options.below))
    throw new ConfigError(name, `must be below ${options.below} (got ${value})`);
  return parsed;
}

/** One of a fixed set of words (exact, after trimming). */
export function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = raw(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new ConfigError(name, `must be ${allowed.join(' or ')} (got ${value})`);
  return value as T;
}
