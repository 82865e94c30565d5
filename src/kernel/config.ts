import { Money } from '../../domain/shared/money.js';
import { parseFiscalYearStart } from '../../domain/shared/fiscal-year.js';
import { settingsFromEnv, type DatabaseSettings } from './database/settings.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';

export interface AppConfig {
  readonly port: number;
  readonly database: DatabaseSettings;
  /** 'MM-DD'; changing it requires `projections:rebuild payment-allocation`. */
  readonly fiscalYearStart: string;
  /** Seed demo data when the embedded SQLite database is empty. */
  readonly demoData: boolean;
  readonly legacySyncIntervalMs: number;
  /** Import Gloux's own writes (backfill at start-up, then a poll on the sync timer). Off when unset. */
  readonly legacyIngest?: boolean;
  /** Gloux rows per ingestion transaction (default 200). */
  readonly legacyIngestBatch?: number;
  /** Rows per page of the long panel lists (allocation, share holders, billing preview). */
  readonly pageSize?: number;
  /** Sanity ceiling of one payment, euros (Gloux's columns stop at 99,999,999.99 anyway). */
  readonly paymentMaxAmount?: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** An integer setting from the environment, within bounds (a clear error otherwise). */
export function int(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max} (got ${value})`);
  }
  return n;
}

/** A positive euro amount setting ("1000000.00"), a clear error otherwise. */
function amountSetting(name: string, value: string | undefined, fallback: string): string {
  const text = value?.trim() || fallback;
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(text) || !Money.of(text).isPositive()) {
    throw new Error(`${name} must be a positive amount in euros below 100000000 (got ${value})`);
  }
  return text;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const database = settingsFromEnv(env);
  return {
    port: int('PORT', env.PORT, 3000, 0, 65535),
    database,
    fiscalYearStart: parseFiscalYearStart(env.FISCAL_YEAR_START?.trim() || '01-01'),
    demoData: env.DEMO_DATA
      ? env.DEMO_DATA !== '0' && env.DEMO_DATA !== 'false'
      : database.dialect === 'sqlite',
    legacySyncIntervalMs: int(
      'LEGACY_SYNC_INTERVAL_MS',
      env.LEGACY_SYNC_INTERVAL_MS,
      2000,
      100,
      3_600_000,
    ),
    legacyIngestBatch: int('LEGACY_INGEST_BATCH', env.LEGACY_INGEST_BATCH, 200, 1, 5000),
    pageSize: int('PAGE_SIZE', env.PAGE_SIZE, 100, 1, 1000),
    paymentMaxAmount: amountSetting('PAYMENT_MAX_AMOUNT', env.PAYMENT_MAX_AMOUNT, '1000000.00'),
    legacyIngest: env.LEGACY_INGEST
      ? env.LEGACY_INGEST !== '0' && env.LEGACY_INGEST !== 'false'
      : true,
  };
}

export const SELLER_IDENTITY = Symbol('SELLER_IDENTITY');

/**
 * Who issues invoices and credit notes (mentions required on French invoices), from SELLER_*.
 * The registration numbers default to zeros so an unconfigured install is plain to see.
 */
export function loadSeller(env: NodeJS.ProcessEnv = process.env): SellerIdentity {
  const text = (value: string | undefined, fallback: string) => value?.trim() || fallback;
  return {
    name: text(env.SELLER_NAME, 'Ouvaton'),
    legalForm: text(env.SELLER_LEGAL_FORM, 'SA coopérative à capital variable'),
    capital: text(env.SELLER_CAPITAL, ''),
    // One line per address line: "|" or a literal "\n" separates them in the variable.
    addressLines: text(env.SELLER_ADDRESS, 'Paris, France')
      .split(/\||\\n|\n/)
      .map((l) => l.trim())
      .filter((l) => l !== ''),
    siren: text(env.SELLER_SIREN, '000 000 000'),
    rcs: text(env.SELLER_RCS, 'RCS Paris'),
    vatNumber: text(env.SELLER_VAT_NUMBER, 'FR00000000000'),
    email: text(env.SELLER_EMAIL, 'contact@ouvaton.coop'),
    website: text(env.SELLER_WEBSITE, 'https://ouvaton.coop'),
  };
}
