import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadAllConfig, loadConfig, type Config } from './config.js';
import { flag, int } from './config/parse.js';
import { projectRoot } from './paths.js';

const KEY = '12345678901234567890123456789012345678P0';
/** Card payment on: the MONETICO_* settings are only checked with a bank URL. */
const BANK = {
  MONETICO_URL: 'https://p.monetico-services.com/test/paiement.cgi',
  MONETICO_KEY: KEY,
  MONETICO_TPE: '0000001',
  MONETICO_SOCIETE: 'ouvatondemo',
};

/**
 * Every variable the README documents: a valid value and what it becomes, and a value refused
 * (null: free text, nothing to refuse). `base` is the rest of the environment it needs.
 */
const VARIABLES: readonly {
  name: string;
  valid: string;
  read: (c: Config) => unknown;
  expected: unknown;
  invalid: string | null;
  base?: Record<string, string>;
}[] = [
  {
    name: 'DATABASE_URL',
    valid: 'mariadb://u:p@h/db',
    read: (c) => c.app.database.url,
    expected: 'mysql://u:p@h/db',
    invalid: 'postgres://h/db',
  },
  {
    name: 'SQLITE_PATH',
    valid: '/tmp/x.sqlite',
    read: (c) => c.app.database.sqlitePath,
    expected: '/tmp/x.sqlite',
    invalid: null,
  },
  { name: 'PORT', valid: '8080', read: (c) => c.app.port, expected: 8080, invalid: '80a' },
  {
    name: 'BRAND_NAME',
    valid: 'Coop Hébergement',
    read: (c) => c.panel.brandName,
    expected: 'Coop Hébergement',
    invalid: '<b>Coop</b>',
  },
  {
    name: 'HOST',
    valid: '127.0.0.1',
    read: (c) => c.app.host,
    expected: '127.0.0.1',
    invalid: 'a b',
  },
  {
    name: 'FISCAL_YEAR_START',
    valid: '10-01',
    read: (c) => c.app.fiscalYearStart,
    expected: '10-01',
    invalid: '02-29',
  },
  { name: 'DEMO_DATA', valid: 'no', read: (c) => c.app.demoData, expected: false, invalid: 'nope' },
  {
    name: 'LEGACY_SYNC_INTERVAL_MS',
    valid: '500',
    read: (c) => c.app.legacySyncIntervalMs,
    expected: 500,
    invalid: '50',
  },
  {
    name: 'LEGACY_INGEST',
    valid: 'off',
    read: (c) => c.app.legacyIngest,
    expected: false,
    invalid: 'disabled',
  },
  {
    name: 'LEGACY_INGEST_BATCH',
    valid: '50',
    read: (c) => c.app.legacyIngestBatch,
    expected: 50,
    invalid: '0',
  },
  {
    name: 'LEGACY_INVOICE_LINES_DELAY_S',
    valid: '30',
    read: (c) => c.app.legacyInvoiceLinesDelayS,
    expected: 30,
    invalid: '0',
  },
  { name: 'PAGE_SIZE', valid: '25', read: (c) => c.app.pageSize, expected: 25, invalid: '2.5' },
  {
    name: 'SUSPENSION_CUTS',
    valid: 'FTP, web,mail',
    read: (c) => c.hosting.suspensionCuts,
    expected: ['web', 'ftp', 'mail'],
    invalid: 'web,pop',
  },
  {
    name: 'HOSTING_PLATFORM_DOMAIN',
    valid: 'Hebergeur.Example',
    read: (c) => c.hosting.platformDomain,
    expected: 'hebergeur.example',
    invalid: 'localhost',
  },
  {
    name: 'HOSTING_WEB_IPV4',
    valid: '192.0.2.80',
    read: (c) => c.hosting.webIpv4,
    expected: '192.0.2.80',
    invalid: '192.0.2.300',
  },
  {
    name: 'MAIL_DELETION_DAYS',
    valid: '14',
    read: (c) => c.hosting.mailDeletionDays,
    expected: 14,
    invalid: '0',
  },
  {
    name: 'PAYMENT_MAX_AMOUNT',
    valid: '5000',
    read: (c) => c.app.paymentMaxAmount,
    expected: '5000.00',
    invalid: '100000000',
  },
  {
    name: 'AUTH_MAX_FAILURES_PER_LOGIN_ANY_ADDRESS',
    valid: '50',
    read: (c) => c.auth.maxFailuresPerLoginAnyAddress,
    expected: 50,
    invalid: '0',
  },
  {
    name: 'SESSION_COOKIE_SECURE',
    valid: 'on',
    read: (c) => c.auth.cookieSecure,
    expected: 'always',
    invalid: 'sometimes',
  },
  {
    name: 'SESSION_TTL_HOURS',
    valid: '2',
    read: (c) => c.auth.sessionTtlMs,
    expected: 7_200_000,
    invalid: '0',
  },
  {
    name: 'AUTH_MAX_FAILURES_PER_LOGIN',
    valid: '3',
    read: (c) => c.auth.maxFailuresPerLogin,
    expected: 3,
    invalid: '-1',
  },
  {
    name: 'AUTH_MAX_FAILURES_PER_IP',
    valid: '10',
    read: (c) => c.auth.maxFailuresPerIp,
    expected: 10,
    invalid: 'many',
  },
  {
    name: 'AUTH_THROTTLE_MINUTES',
    valid: '5',
    read: (c) => c.auth.throttleWindowMs,
    expected: 300_000,
    invalid: '1e3',
  },
  {
    name: 'SIGN_UP_MAX_PER_IP',
    valid: '2',
    read: (c) => c.auth.signUpsPerIp,
    expected: 2,
    invalid: '0',
  },
  {
    name: 'SIGN_UP_MAX_TOTAL',
    valid: '20',
    read: (c) => c.auth.signUpsTotal,
    expected: 20,
    invalid: 'lots',
  },
  {
    name: 'SIGN_UP_WINDOW_MINUTES',
    valid: '30',
    read: (c) => c.auth.signUpWindowMs,
    expected: 1_800_000,
    invalid: '-5',
  },
  {
    name: 'SIGN_UP_SHARES',
    valid: '2',
    read: (c) => c.auth.signUpShares,
    expected: 2,
    invalid: '0',
  },
  {
    name: 'TERMS_VERSION',
    valid: '2026-12',
    read: (c) => c.auth.termsVersion,
    expected: '2026-12',
    invalid: 'version deux',
  },
  {
    name: 'PRIVACY_VERSION',
    valid: '3.1',
    read: (c) => c.auth.privacyVersion,
    expected: '3.1',
    invalid: 'a/b',
  },
  {
    name: 'TERMS_URL',
    valid: 'https://ouvaton.coop/cgv',
    read: (c) => c.auth.termsUrl,
    expected: 'https://ouvaton.coop/cgv',
    invalid: 'ftp://x',
  },
  {
    name: 'PRIVACY_URL',
    valid: 'https://ouvaton.coop/donnees',
    read: (c) => c.auth.privacyUrl,
    expected: 'https://ouvaton.coop/donnees',
    invalid: 'ouvaton.coop',
  },
  {
    name: 'TRUST_PROXY',
    valid: 'loopback',
    read: (c) => c.auth.trustProxy,
    expected: 'loopback',
    invalid: null,
  },
  {
    name: 'SELLER_NAME',
    valid: 'Coop',
    read: (c) => c.seller.name,
    expected: 'Coop',
    invalid: null,
  },
  {
    name: 'SELLER_LEGAL_FORM',
    valid: 'SCIC',
    read: (c) => c.seller.legalForm,
    expected: 'SCIC',
    invalid: null,
  },
  {
    name: 'SELLER_CAPITAL',
    valid: '18 500 €',
    read: (c) => c.seller.capital,
    expected: '18 500 €',
    invalid: null,
  },
  {
    name: 'SELLER_ADDRESS',
    valid: '1 rue A|75001 Paris',
    read: (c) => c.seller.addressLines,
    expected: ['1 rue A', '75001 Paris'],
    invalid: null,
  },
  {
    name: 'SELLER_SIREN',
    valid: '123 456 789',
    read: (c) => c.seller.siren,
    expected: '123 456 789',
    invalid: null,
  },
  {
    name: 'SELLER_RCS',
    valid: 'RCS Lyon',
    read: (c) => c.seller.rcs,
    expected: 'RCS Lyon',
    invalid: null,
  },
  {
    name: 'SELLER_VAT_NUMBER',
    valid: 'FR12345678901',
    read: (c) => c.seller.vatNumber,
    expected: 'FR12345678901',
    invalid: null,
  },
  {
    name: 'SELLER_EMAIL',
    valid: 'a@b.fr',
    read: (c) => c.seller.email,
    expected: 'a@b.fr',
    invalid: null,
  },
  {
    name: 'SELLER_WEBSITE',
    valid: 'https://b.fr',
    read: (c) => c.seller.website,
    expected: 'https://b.fr',
    invalid: null,
  },
  {
    name: 'OVERAGE_TRAFFIC_ALLOWANCE_GO',
    valid: '50',
    read: (c) => c.overage.trafficAllowanceGo,
    expected: 50,
    invalid: '-5',
  },
  {
    name: 'OVERAGE_GRACE_DAYS',
    valid: '3',
    read: (c) => c.overage.graceDays,
    expected: 3,
    invalid: '366',
  },
  {
    name: 'OVERAGE_DISK_PRICE',
    valid: '0,4183',
    read: (c) => c.overage.pricing.diskPricePerMonth,
    expected: '0.4183',
    invalid: '0.41835',
  },
  {
    name: 'OVERAGE_DISK_BLOCK_MO',
    valid: '200',
    read: (c) => c.overage.pricing.diskBlockMo,
    expected: 200,
    invalid: '0',
  },
  {
    name: 'OVERAGE_TRAFFIC_PRICE',
    valid: '0.2',
    read: (c) => c.overage.pricing.trafficPricePerGo,
    expected: '0.2',
    invalid: '-0.1',
  },
  {
    name: 'OVERAGE_MAIL_PRICE',
    valid: '1',
    read: (c) => c.overage.pricing.mailPricePerMonth,
    expected: '1',
    invalid: 'un euro',
  },
  {
    name: 'OVERAGE_THRESHOLD',
    valid: '10',
    read: (c) => c.overage.threshold,
    expected: '10.00',
    invalid: '10.001',
  },
  {
    name: 'LIFECYCLE_SUSPENSION_DAYS',
    valid: '90',
    read: (c) => c.lifecycle.rules.suspensionDays,
    expected: 90,
    invalid: '3651',
  },
  {
    name: 'LIFECYCLE_REMINDER_DAYS',
    valid: '5, 15',
    read: (c) => c.lifecycle.rules.reminderDays,
    expected: [5, 15],
    invalid: '30,7',
  },
  {
    name: 'LIFECYCLE_CATCH_UP_DAYS',
    valid: '2',
    read: (c) => c.lifecycle.rules.catchUpDays,
    expected: 2,
    invalid: '0',
  },
  {
    name: 'LIFECYCLE_CLOSURE_NOTICE_DAYS',
    valid: '15',
    read: (c) => c.lifecycle.rules.closureNoticeDays,
    expected: 15,
    invalid: 'x',
  },
  {
    name: 'LIFECYCLE_CLOSURE_DAYS',
    valid: '45',
    read: (c) => c.lifecycle.rules.closureDays,
    expected: 45,
    invalid: '0',
  },
  {
    name: 'LIFECYCLE_TRIAL_EXPIRY',
    valid: 'close',
    read: (c) => c.lifecycle.rules.trialExpiry,
    expected: 'close',
    invalid: 'delete',
  },
  {
    name: 'LIFECYCLE_SCHEDULER',
    valid: 'OFF',
    read: (c) => c.lifecycle.schedulerEnabled,
    expected: false,
    invalid: 'maybe',
  },
  {
    name: 'NODE_ENV',
    valid: 'test',
    read: (c) => c.lifecycle.schedulerEnabled,
    expected: false,
    invalid: null,
  },
  {
    name: 'LIFECYCLE_CRON',
    valid: '0 7 * * *',
    read: (c) => c.lifecycle.cron,
    expected: '0 7 * * *',
    invalid: null,
  },
  {
    name: 'SMTP_URL',
    valid: 'smtp://h:25',
    read: (c) => c.lifecycle.smtpUrl,
    expected: 'smtp://h:25',
    invalid: null,
  },
  {
    name: 'MAIL_FROM',
    valid: 'a@b.fr',
    read: (c) => c.lifecycle.mailFrom,
    expected: 'a@b.fr',
    invalid: null,
  },
  {
    name: 'ADMIN_EMAIL',
    valid: 'admins@ouvaton.coop',
    read: (c) => c.lifecycle.adminEmail,
    expected: 'admins@ouvaton.coop',
    invalid: 'admins, root@localhost',
  },
  {
    name: 'MAIL_MAX_ATTEMPTS',
    valid: '3',
    read: (c) => c.lifecycle.mailMaxAttempts,
    expected: 3,
    invalid: '101',
  },
  {
    name: 'PROVISIONING_HOOK_OPEN',
    valid: '/bin/open',
    read: (c) => c.lifecycle.hooks.open,
    expected: '/bin/open',
    invalid: null,
  },
  {
    name: 'PROVISIONING_HOOK_SUSPEND',
    valid: '/bin/s',
    read: (c) => c.lifecycle.hooks.suspend,
    expected: '/bin/s',
    invalid: null,
  },
  {
    name: 'PROVISIONING_HOOK_REACTIVATE',
    valid: '/bin/r',
    read: (c) => c.lifecycle.hooks.reactivate,
    expected: '/bin/r',
    invalid: null,
  },
  {
    name: 'PROVISIONING_HOOK_CLOSE',
    valid: '/bin/c',
    read: (c) => c.lifecycle.hooks.close,
    expected: '/bin/c',
    invalid: null,
  },
  {
    name: 'HOSTING_HOOK_VHOST_MKDIR',
    valid: '/opt/hooks/vhost-mkdir',
    read: (c) => c.lifecycle.hostingHooks['vhost.mkdir'],
    expected: '/opt/hooks/vhost-mkdir',
    invalid: null,
  },
  {
    name: 'HOSTING_HOOK_FILES_DELETE',
    valid: '/opt/hooks/files-delete',
    read: (c) => c.lifecycle.hostingHooks['files.delete'],
    expected: '/opt/hooks/files-delete',
    invalid: null,
  },
  {
    name: 'HOSTING_HOOK_FTP_MKDIR',
    valid: '/opt/hooks/vhost-mkdir',
    read: (c) => c.lifecycle.hostingHooks['ftp.mkdir'],
    expected: '/opt/hooks/vhost-mkdir',
    invalid: null,
  },
  {
    name: 'HOSTING_HOOK_MAIL_PURGE',
    valid: '/opt/hooks/mail-purge',
    read: (c) => c.lifecycle.hostingHooks['mail.purge'],
    expected: '/opt/hooks/mail-purge',
    invalid: null,
  },
  {
    name: 'HOSTING_HOOK_MAIL_USAGE',
    valid: '/opt/hooks/mail-usage',
    read: (c) => c.mailUsage.hook,
    expected: '/opt/hooks/mail-usage',
    invalid: null,
  },
  {
    name: 'MAIL_ROOT',
    valid: '/srv/mail/',
    read: (c) => c.mailUsage.mailRoot,
    expected: '/srv/mail',
    invalid: 'var/mail',
  },
  {
    name: 'MAIL_USAGE_DOVEADM',
    valid: '/usr/bin/doveadm',
    read: (c) => c.mailUsage.doveadm,
    expected: '/usr/bin/doveadm',
    invalid: '/usr/../bin/doveadm',
  },
  {
    name: 'MAIL_USAGE_WRITE_GLOUX',
    valid: 'on',
    read: (c) => c.mailUsage.writeGloux,
    expected: true,
    invalid: 'maybe',
  },
  {
    name: 'MAIL_USAGE_TIMEOUT_MS',
    valid: '60000',
    read: (c) => c.mailUsage.timeoutMs,
    expected: 60000,
    invalid: '10',
  },
  {
    name: 'PROVISIONING_HOOK_TIMEOUT_MS',
    valid: '1000',
    read: (c) => c.lifecycle.hookTimeoutMs,
    expected: 1000,
    invalid: '99',
  },
  {
    name: 'PROVISIONING_MAX_ATTEMPTS',
    valid: '2',
    read: (c) => c.lifecycle.provisioningMaxAttempts,
    expected: 2,
    invalid: '0',
  },
  {
    name: 'AFTER_COMMIT_RETRY_MS',
    valid: '0',
    read: (c) => c.lifecycle.retryBaseMs,
    expected: 0,
    invalid: '86400001',
  },
  {
    name: 'AFTER_COMMIT_INTERVAL_MS',
    valid: '100',
    read: (c) => c.lifecycle.afterCommitIntervalMs,
    expected: 100,
    invalid: '10',
  },
  {
    name: 'PANEL_URL',
    valid: 'https://panel/',
    read: (c) => c.lifecycle.panelUrl,
    expected: 'https://panel',
    invalid: 'panel.example',
  },
  {
    name: 'SHARES_NOMINAL',
    valid: '20,50',
    read: (c) => c.shares.nominal.toString(),
    expected: '20.50',
    invalid: '0',
  },
  {
    name: 'SHARES_STATUTORY_FLOOR',
    valid: '18500',
    read: (c) => c.shares.statutoryFloor.toString(),
    expected: '18500.00',
    invalid: '-1',
  },
  {
    name: 'SHARES_FLOOR_POLICY',
    valid: 'queue',
    read: (c) => c.shares.policy,
    expected: 'queue',
    invalid: 'wait',
  },
  {
    name: 'MONETICO_URL',
    valid: 'https://bank/paiement.cgi',
    read: (c) => c.monetico.mode,
    expected: 'production',
    invalid: 'ftp://bank/',
    base: BANK,
  },
  {
    name: 'MONETICO_KEY',
    valid: '0123456789abcdef0123456789abcdef01234567',
    read: (c) => c.monetico.enabled,
    expected: true,
    invalid: 'short',
    base: BANK,
  },
  {
    name: 'MONETICO_TPE',
    valid: '1234567',
    read: (c) => c.monetico.tpe,
    expected: '1234567',
    invalid: '123',
    base: BANK,
  },
  {
    name: 'MONETICO_SOCIETE',
    valid: 'coop',
    read: (c) => c.monetico.societe,
    expected: 'coop',
    invalid: 'a b',
    base: BANK,
  },
  {
    name: 'MONETICO_SCHEME',
    valid: 'legacy',
    read: (c) => c.monetico.scheme,
    expected: 'legacy',
    invalid: 'old',
  },
  {
    name: 'MONETICO_MODE',
    valid: 'production',
    read: (c) => c.monetico.mode,
    expected: 'production',
    invalid: 'live',
    base: BANK,
  },
  {
    name: 'MONETICO_PUBLIC_URL',
    valid: 'https://panel/',
    read: (c) => c.monetico.publicUrl,
    expected: 'https://panel',
    invalid: null,
  },
  {
    name: 'MONETICO_FORGED_MAX_PER_IP',
    valid: '5',
    read: (c) => c.monetico.forgedPerAddress,
    expected: 5,
    invalid: '0',
  },
  {
    name: 'MONETICO_FORGED_WINDOW_MINUTES',
    valid: '30',
    read: (c) => c.monetico.forgedWindowMs,
    expected: 1_800_000,
    invalid: '0',
  },
  {
    name: 'FAKE_BANK',
    valid: '0',
    read: (c) => c.fakeBank.inDemo,
    expected: false,
    invalid: 'none',
  },
  {
    name: 'FAKE_BANK_PORT',
    valid: '3001',
    read: (c) => c.fakeBank.port,
    expected: 3001,
    invalid: '70000',
  },
  {
    name: 'FAKE_BANK_REFUSE',
    valid: 'yes',
    read: (c) => c.fakeBank.switches.refuse,
    expected: true,
    invalid: 'refuse',
  },
  {
    name: 'FAKE_BANK_NOTIFICATIONS',
    valid: '5',
    read: (c) => c.fakeBank.switches.notifications,
    expected: 5,
    invalid: '0',
  },
  {
    name: 'FAKE_BANK_DELAY_MS',
    valid: '1500',
    read: (c) => c.fakeBank.switches.delayMs,
    expected: 1500,
    invalid: '1.5s',
  },
  {
    name: 'FAKE_BANK_BAD_MAC',
    valid: 'TRUE',
    read: (c) => c.fakeBank.switches.badMac,
    expected: true,
    invalid: '2',
  },
  {
    name: 'AG_PROXY_CAP',
    valid: '0',
    read: (c) => c.assemblies.proxyCap,
    expected: 0,
    invalid: '1001',
  },
  {
    name: 'AG_QUORUM_ORDINARY_FIRST',
    valid: '1/4',
    read: (c) => c.assemblies.quorum.ordinary[0],
    expected: { num: 1, den: 4 },
    invalid: '20%',
  },
  {
    name: 'AG_QUORUM_ORDINARY_SECOND',
    valid: '0',
    read: (c) => c.assemblies.quorum.ordinary[1],
    expected: null,
    invalid: 'none',
  },
  {
    name: 'AG_QUORUM_EXTRAORDINARY_FIRST',
    valid: '1/3',
    read: (c) => c.assemblies.quorum.extraordinary[0],
    expected: { num: 1, den: 3 },
    invalid: '1/0',
  },
  {
    name: 'AG_QUORUM_EXTRAORDINARY_SECOND',
    valid: '1/10',
    read: (c) => c.assemblies.quorum.extraordinary[1],
    expected: { num: 1, den: 10 },
    invalid: 'half',
  },
  {
    name: 'AG_NOTICE_DAYS_ORDINARY',
    valid: '21',
    read: (c) => c.assemblies.noticeDays.ordinary,
    expected: 21,
    invalid: '-1',
  },
  {
    name: 'AG_NOTICE_DAYS_EXTRAORDINARY',
    valid: '30',
    read: (c) => c.assemblies.noticeDays.extraordinary,
    expected: 30,
    invalid: 'quinze',
  },
  {
    name: 'AG_NOTICE_DAYS_SECOND_CALL',
    valid: '0',
    read: (c) => c.assemblies.noticeDays.secondCall,
    expected: 0,
    invalid: '366',
  },
  {
    name: 'AG_POSTAL_DAYS_BEFORE',
    valid: '1',
    read: (c) => c.assemblies.postalDaysBefore,
    expected: 1,
    invalid: '61',
  },
  {
    name: 'AG_MAJORITY_EXTRAORDINARY',
    valid: '3/4',
    read: (c) => c.assemblies.extraordinaryMajority,
    expected: { num: 3, den: 4 },
    invalid: '1/3',
  },
  {
    name: 'BANK_ACCOUNT',
    valid: 'FR76 3000 6000 0112 3456 7890 189',
    read: (c) => [c.bank.account, c.bank.accounts],
    expected: ['FR76 3000 6000 0112 3456 7890 189', ['FR7630006000011234567890189']],
    invalid: 'FR76 3000 6000 0112 3456 7890 188',
  },
  {
    name: 'BANK_ACCOUNTS',
    valid: 'FR76 3000 6000 0112 3456 7890 189, FR76 3000 4001 2300 0123 4567 843',
    read: (c) => c.bank.accounts?.length,
    expected: 2,
    invalid: 'FR76 3000 6000 0112 3456 7890 189; FR00 0',
  },
  {
    name: 'BANK_MATCH_WINDOW_DAYS',
    valid: '5',
    read: (c) => c.bank.matchWindowDays,
    expected: 5,
    invalid: '100',
  },
  {
    name: 'BANK_NEAR_MATCH_PERCENT',
    valid: '2,5',
    read: (c) => c.bank.nearMatchPercent,
    expected: '2.5',
    invalid: '100',
  },
];

/**
 * The variable names the README and docs/configuration.md document (backticked, as `NAME` or
 * `NAME=value`): the README keeps the essentials, the configuration page every variable.
 */
function documented(): Set<string> {
  const readme = ['README.md', 'docs/configuration.md']
    .map((file) => readFileSync(join(projectRoot, file), 'utf8'))
    .join('\n');
  const names = new Set<string>();
  for (const [, name] of readme.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)(?:=[^`]*)?`/g))
    names.add(name!);
  // `PROVISIONING_HOOK_OPEN`, `_SUSPEND`, `_REACTIVATE`, `_CLOSE`: one row for four variables.
  for (const [, suffix] of readme.matchAll(/`_([A-Z]+)`/g))
    names.add(`PROVISIONING_HOOK_${suffix}`);
  return names;
}

/** Words in backticks that are not settings (SQL, file formats, tokens, the hook's own env). */
const NOT_SETTINGS = new Set([
  'STATEMENT',
  'MIXED',
  'ROW',
  'SELECT',
  'DATE_ADD',
  'FITID',
  'ACCTID',
  // Read by the reference script scripts/hosting/mail-purge, not by the app.
  'DOVEADM_CONFIG',
  'APP_GUARD',
  'AAAAMMJJ',
  'LICENSE',
  'TEST_MYSQL_URL',
  'CSV',
  'PDF',
  'FEC',
  'VT',
  'BQ',
  'OD',
]);

describe('one config module', () => {
  it('tests every variable the README documents, and the README documents every variable read', () => {
    const tested = new Set(VARIABLES.map((v) => v.name));
    const inReadme = [...documented()].filter(
      (n) =>
        (!NOT_SETTINGS.has(n) && !n.startsWith('GLOUX2_') && n.includes('_')) ||
        n === 'PORT' ||
        n === 'HOST',
    );
    expect(inReadme.filter((n) => !tested.has(n))).toEqual([]);
    // Every name the loaders ask for is documented and tested.
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_t, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    loadAllConfig(env);
    loadAllConfig(
      new Proxy(
        { ...BANK },
        { get: (t, name: string) => (read.add(name), t[name as keyof typeof t]) },
      ),
    );
    const docs = documented();
    expect([...read].filter((n) => !docs.has(n))).toEqual([]);
    expect([...read].filter((n) => !tested.has(n))).toEqual([]);
  });

  it.each(VARIABLES)('$name: takes $valid', ({ name, valid, read, expected, base }) => {
    expect(read(loadAllConfig({ ...base, [name]: valid }))).toEqual(expected);
  });

  it.each(VARIABLES.filter((v) => v.invalid !== null))(
    '$name: refuses $invalid, naming the variable',
    ({ name, invalid, base }) => {
      expect(() => loadAllConfig({ ...base, [name]: invalid! })).toThrow(name);
    },
  );

  it('defaults: an empty environment is a working SQLite demo', () => {
    const config = loadAllConfig({});
    expect(config.app).toEqual({
      port: 3000,
      host: '',
      database: { dialect: 'sqlite', sqlitePath: 'data/gloux2.sqlite' },
      fiscalYearStart: '01-01',
      demoData: true,
      legacySyncIntervalMs: 2000,
      legacyIngest: true,
      legacyIngestBatch: 200,
      legacyInvoiceLinesDelayS: 600,
      pageSize: 100,
      paymentMaxAmount: '1000000.00',
    });
    expect(config.panel.brandName).toBe('Ouvaton');
    expect(config.monetico.enabled).toBe(false);
    expect(config.lifecycle.schedulerEnabled).toBe(true);
    expect(loadAllConfig({ NODE_ENV: 'test' }).lifecycle.schedulerEnabled).toBe(false);
    // On MySQL there is no demo data unless asked for.
    expect(loadConfig({ DATABASE_URL: 'mysql://h/db' }).demoData).toBe(false);
  });

  it('production needs PANEL_URL, the address every e-mail link is built on (never localhost)', () => {
    expect(() => loadAllConfig({ NODE_ENV: 'production' })).toThrow(
      'PANEL_URL must be set in production: the links in e-mails are built on it',
    );
    expect(
      loadAllConfig({ NODE_ENV: 'production', PANEL_URL: 'https://gestion.example.coop/' })
        .lifecycle.panelUrl,
    ).toBe('https://gestion.example.coop');
    expect(loadAllConfig({}).lifecycle.panelUrl).toBe('http://localhost:3000');
  });

  it('card payment in production needs MONETICO_PUBLIC_URL: the Host header never makes the return URLs', () => {
    expect(() => loadAllConfig({ ...BANK, NODE_ENV: 'production' })).toThrow(
      'MONETICO_PUBLIC_URL must be set in production',
    );
    const set = loadAllConfig({
      ...BANK,
      NODE_ENV: 'production',
      MONETICO_PUBLIC_URL: 'https://panel.example',
      PANEL_URL: 'https://panel.example',
    });
    expect(set.monetico.publicUrl).toBe('https://panel.example');
    expect(loadAllConfig({ ...BANK }).monetico.publicUrl).toBe('');
  });

  it('LEGACY_INGEST=off turns the Gloux ingestion off (it stayed on before)', () => {
    for (const off of ['0', 'false', 'no', 'off', 'OFF', ' Off '])
      expect(loadConfig({ LEGACY_INGEST: off }).legacyIngest).toBe(false);
    for (const on of ['1', 'true', 'yes', 'on', ''])
      expect(loadConfig({ LEGACY_INGEST: on }).legacyIngest).toBe(true);
  });

  it('one boolean syntax, any case; anything else is refused with the variable named', () => {
    for (const [value, expected] of [
      ['1', true],
      ['0', false],
      ['TRUE', true],
      ['False', false],
      ['yes', true],
      ['No', false],
      ['on', true],
      ['oFF', false],
    ] as const)
      expect(flag({ X_FLAG: value }, 'X_FLAG', !expected)).toBe(expected);
    expect(flag({}, 'X_FLAG', true)).toBe(true);
    expect(() => flag({ X_FLAG: 'oui' }, 'X_FLAG', true)).toThrow(
      new ConfigError('X_FLAG', 'must be 1/0, true/false, yes/no or on/off (got oui)'),
    );
  });

  it('one integer parser: bounds inclusive, no decimals, exponents or hex', () => {
    expect(int({ N: '10' }, 'N', 1, 0, 10)).toBe(10);
    expect(int({ N: ' 0 ' }, 'N', 1, 0, 10)).toBe(0);
    for (const bad of ['11', '-1', '1.0', '1e1', '0x5', '5 jours', '99999999999999999'])
      expect(() => int({ N: bad }, 'N', 1, 0, 10)).toThrow(
        `N must be an integer between 0 and 10 (got ${bad})`,
      );
  });
});
