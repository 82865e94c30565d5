import { accountKeyOf } from '../../domain/bank/statements/account.js';
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

export function loadBankConfig(env: NodeJS.ProcessEnv = process.env): BankConfig {
  const window = env.BANK_MATCH_WINDOW_DAYS?.trim() || '3';
  if (!/^\d{1,2}$/.test(window))
    throw new Error(`BANK_MATCH_WINDOW_DAYS must be a number of days, 0 to 99 (got ${window})`);
  const percent = env.BANK_NEAR_MATCH_PERCENT?.trim() || '3';
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(percent))
    throw new Error(
      `BANK_NEAR_MATCH_PERCENT must be a percentage such as 3 or 2.5 (got ${percent})`,
    );
  const listed = (env.BANK_ACCOUNTS?.trim() || env.BANK_ACCOUNT?.trim() || '')
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const accounts = listed.map((a) => {
    try {
      return accountKeyOf(a);
    } catch (error) {
      throw new Error(`BANK_ACCOUNTS: ${(error as Error).message}`, { cause: error });
    }
  });
  return {
    account: env.BANK_ACCOUNT?.trim() || 'FR76 0000 0000 0000 0000 0000 000',
    accounts: accounts.length > 0 ? accounts : null,
    matchWindowDays: Number(window),
    nearMatchPercent: percent,
  };
}
