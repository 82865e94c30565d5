import { parseFiscalYearStart } from '../../domain/shared/fiscal-year.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import type { AssemblyRules } from '../../domain/assemblies/rules.js';
import type { ShareRules } from '../../domain/shares/share-capital.js';
import type { DatabaseSettings } from './database/settings.js';
import { loadAssemblyRules } from './config/assemblies.js';
import { loadAuthConfig, type AuthConfig } from './config/auth.js';
import { loadBankConfig, type BankConfig } from './config/bank.js';
import { loadDatabaseSettings } from './config/database.js';
import { loadHostingConfig, type HostingConfig } from './config/hosting.js';
import { loadLifecycleConfig, type LifecycleConfig } from './config/lifecycle.js';
import { loadMailUsageConfig, type MailUsageConfig } from './config/mail-usage.js';
import {
  loadFakeBankConfig,
  loadMoneticoConfig,
  type FakeBankConfig,
  type MoneticoConfig,
} from './config/monetico.js';
import { loadOverageConfig, type OverageConfig } from './config/overage.js';
import { loadPanelConfig, type PanelConfig } from './config/panel.js';
import { amount, ConfigError, flag, int, raw, type Env } from './config/parse.js';
import { loadSeller } from './config/seller.js';
import { loadSharesConfig } from './config/shares.js';

// The one config module: every setting is read from the environment here, once, at start-up.
export * from './config/assemblies.js';
export * from './config/auth.js';
export * from './config/bank.js';
export * from './config/database.js';
export * from './config/hosting.js';
export * from './config/lifecycle.js';
export * from './config/mail-usage.js';
export * from './config/monetico.js';
export * from './config/overage.js';
export * from './config/panel.js';
export { ConfigError, type Env } from './config/parse.js';
export * from './config/seller.js';
export * from './config/shares.js';

export interface AppConfig {
  readonly port: number;
  /** The address to listen on (HOST); empty: every interface, as Node does by default. */
  readonly host?: string;
  readonly database: DatabaseSettings;
  /** 'MM-DD'; changing it requires `projections:rebuild payment-allocation`. */
  readonly fiscalYearStart: string;
  /** Seed demo data when the embedded SQLite database is empty. */
  readonly demoData: boolean;
  readonly legacySyncIntervalMs: number;
  /**
   * Import Gloux's own writes (backfill once the server listens, then a poll on the sync
   * timer). On unless LEGACY_INGEST is off; an AppConfig built without it (tests) leaves it off.
   */
  readonly legacyIngest?: boolean;
  /** Gloux rows per ingestion transaction (default 200). */
  readonly legacyIngestBatch?: number;
  /** Seconds a Gloux invoice may wait for its lines before a person is asked to settle it. */
  readonly legacyInvoiceLinesDelayS?: number;
  /** Rows per page of the long panel lists (allocation, share holders, billing preview). */
  readonly pageSize?: number;
  /** Sanity ceiling of one payment, euros (Gloux's columns stop at 99,999,999.99 anyway). */
  readonly paymentMaxAmount?: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The whole configuration; each feature module is given its slice by its token. */
export interface Config {
  readonly app: AppConfig;
  readonly seller: SellerIdentity;
  readonly shares: ShareRules;
  readonly auth: AuthConfig;
  readonly overage: OverageConfig;
  readonly assemblies: AssemblyRules;
  readonly bank: BankConfig;
  readonly monetico: MoneticoConfig;
  readonly fakeBank: FakeBankConfig;
  readonly lifecycle: LifecycleConfig;
  readonly panel: PanelConfig;
  readonly hosting: HostingConfig;
  readonly mailUsage: MailUsageConfig;
}

export const CONFIG = Symbol('CONFIG');

/** HOST: an IP address or a host name to listen on (e.g. 127.0.0.1 behind a reverse proxy). */
function hostOf(env: Env): string {
  const host = raw(env, 'HOST') ?? '';
  if (
    host !== '' &&
    !/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(host)
  )
    throw new ConfigError('HOST', `must be an IP address or a host name (got ${host})`);
  return host;
}

/** The general settings (port, database, fiscal year, demo data, Gloux sync). */
export function loadConfig(env: Env): AppConfig {
  const database = loadDatabaseSettings(env);
  const fiscalYearStart = raw(env, 'FISCAL_YEAR_START') ?? '01-01';
  try {
    parseFiscalYearStart(fiscalYearStart);
  } catch (error) {
    throw new ConfigError(
      'FISCAL_YEAR_START',
      `must be MM-DD, e.g. 01-01 (got ${fiscalYearStart})`,
      {
        cause: error,
      },
    );
  }
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: hostOf(env),
    database,
    fiscalYearStart,
    demoData: flag(env, 'DEMO_DATA', database.dialect === 'sqlite'),
    legacySyncIntervalMs: int(env, 'LEGACY_SYNC_INTERVAL_MS', 2000, 100, 3_600_000),
    legacyIngestBatch: int(env, 'LEGACY_INGEST_BATCH', 200, 1, 5000),
    legacyInvoiceLinesDelayS: int(env, 'LEGACY_INVOICE_LINES_DELAY_S', 600, 1, 86_400),
    pageSize: int(env, 'PAGE_SIZE', 100, 1, 1000),
    paymentMaxAmount: amount(env, 'PAYMENT_MAX_AMOUNT', '1000000.00', {
      decimals: 2,
      positive: true,
      below: '100000000',
    }).toFixed(2),
    legacyIngest: flag(env, 'LEGACY_INGEST', true),
  };
}

/** Every setting, validated: the first wrong one stops start-up with a message naming it. */
export function loadAllConfig(env: Env): Config {
  return {
    app: loadConfig(env),
    seller: loadSeller(env),
    shares: loadSharesConfig(env),
    auth: loadAuthConfig(env),
    overage: loadOverageConfig(env),
    assemblies: loadAssemblyRules(env),
    bank: loadBankConfig(env),
    monetico: loadMoneticoConfig(env),
    fakeBank: loadFakeBankConfig(env),
    lifecycle: loadLifecycleConfig(env),
    panel: loadPanelConfig(env),
    hosting: loadHostingConfig(env),
    mailUsage: loadMailUsageConfig(env),
  };
}

/** The process's environment: the only place production code reads process.env. */
export function processEnvironment(): Env {
  return process.env;
}

/** The configuration of this process (start-up, CLI). */
export function configFromEnvironment(): Config {
  return loadAllConfig(processEnvironment());
}
