import { accountKeyOf } from '../../../domain/bank/statements/account.js';
import { amount, ConfigError, int, raw, text, type Env } from './parse.js';

/** Bank settings, from BANK_*. */
export interface BankConfig {
  /** The account printed on deposit slips and given to imported lines without one (IBAN). */
  readonly account: string;
  /**
   * The cooperative's accounts (keys, see accountKeyOf): a statement's other accounts are
   * listed, not imported. From BANK_ACCOUNTS (comma-separated), else BANK_ACCOUNT; null when
   * neither is set (every account of a statement is taken).
   */
  readonly accounts: readonly string[] | null;
  /** A card day or slip matches a bank line booked up to this many days later. */
  readonly matchWindowDays: number;
  /** A near match ("écart") differs by at most this share of the expected amount (card fees). */
  readonly nearMatchPercent: string;
}

export const BANK_CONFIG = Symbol('BANK_CONFIG');

export function loadBankConfig(env: Env): BankConfig {
  const name = raw(env, 'BANK_ACCOUNTS') !== undefined ? 'BANK_ACCOUNTS' : 'BANK_ACCOUNT';
  const accounts = text(env, name, '')
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter((a) => a !== '')
    .map((a) => {
      try {
        return accountKeyOf(a);
      } catch (error) {
        throw new ConfigError(name, (error as Error).message, { cause: error });
      }
    });
  return {
    account: text(env, 'BANK_ACCOUNT', 'FR76 0000 0000 0000 0000 0000 000'),
    accounts: accounts.length > 0 ? accounts : null,
    matchWindowDays: int(env, 'BANK_MATCH_WINDOW_DAYS', 3, 0, 99),
    nearMatchPercent: amount(env, 'BANK_NEAR_MATCH_PERCENT', '3', {
      decimals: 2,
      below: '100',
    }).toString(),
  };
}
