import type { LifecycleRules } from '../../../domain/accounts/account.js';
import {
  HOSTING_JOB_KINDS,
  hostingHookVariable,
  type HostingJobKind,
} from '../../../domain/jobs/job-kinds.js';
import { ConfigError, flag, int, oneOf, text, type Env } from './parse.js';

/** Provisioning actions, each with its own hook script (PROVISIONING_HOOK_<ACTION>). */
export type ProvisioningAction = 'open' | 'suspend' | 'reactivate' | 'close';
export const PROVISIONING_ACTIONS: readonly ProvisioningAction[] = [
  'open',
  'suspend',
  'reactivate',
  'close',
];

/** Account lifecycle settings (environment), documented in docs/configuration.md "Account lifecycle". */
export interface LifecycleConfig {
  readonly rules: LifecycleRules;
  /** LIFECYCLE_SCHEDULER: run the daily job in the app (default on, off under NODE_ENV=test). */
  readonly schedulerEnabled: boolean;
  /** LIFECYCLE_CRON: when (Europe/Paris), default '0 6 * * *'. */
  readonly cron: string;
  /** SMTP_URL (smtp://user:pass@host:port); none: e-mails stay in the outbox. */
  readonly smtpUrl: string | null;
  /** MAIL_FROM: the sender address. */
  readonly mailFrom: string;
  /** ADMIN_EMAIL: the admins' address (the sentinel's daily summary); none: no summary is sent. */
  readonly adminEmail: string | null;
  /** MAIL_MAX_ATTEMPTS / PROVISIONING_MAX_ATTEMPTS, and the first retry delay (doubled each time). */
  readonly mailMaxAttempts: number;
  readonly provisioningMaxAttempts: number;
  readonly retryBaseMs: number;
  /** PROVISIONING_HOOK_<ACTION>: the script run after commit (none: the run is recorded as skipped). */
  readonly hooks: Readonly<Record<ProvisioningAction, string | null>>;
  /** HOSTING_HOOK_<KIND>: the script of each hosting job kind (none: its jobs are skipped). */
  readonly hostingHooks: Readonly<Record<HostingJobKind, string | null>>;
  /** PROVISIONING_HOOK_TIMEOUT_MS: every job's script, account or hosting. */
  readonly hookTimeoutMs: number;
  /** AFTER_COMMIT_INTERVAL_MS: how often the after-commit workers look again (retries, restarts). */
  readonly afterCommitIntervalMs: number;
  /** PANEL_URL: the panel's public address, every e-mail link is built on it (required in production). */
  readonly panelUrl: string;
}

export const LIFECYCLE_CONFIG = Symbol('LIFECYCLE_CONFIG');

export function loadLifecycleConfig(env: Env): LifecycleConfig {
  const reminders = text(env, 'LIFECYCLE_REMINDER_DAYS', '7,30')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const reminderDays = reminders.map((s) => {
    const n = /^\d{1,3}$/.test(s) ? Number(s) : NaN;
    if (!(n <= 365))
      throw new ConfigError('LIFECYCLE_REMINDER_DAYS', `must list days like 7,30 (got ${s})`);
    return n;
  });
  if (reminderDays.some((d, i) => i > 0 && d <= reminderDays[i - 1]!))
    throw new ConfigError('LIFECYCLE_REMINDER_DAYS', 'must be in increasing order');
  const hook = (action: ProvisioningAction) =>
    text(env, `PROVISIONING_HOOK_${action.toUpperCase()}`, '') || null;
  return {
    rules: {
      suspensionDays: int(env, 'LIFECYCLE_SUSPENSION_DAYS', 60, 0, 3650),
      reminderDays,
      catchUpDays: int(env, 'LIFECYCLE_CATCH_UP_DAYS', 7, 1, 365),
      closureNoticeDays: int(env, 'LIFECYCLE_CLOSURE_NOTICE_DAYS', 30, 0, 3650),
      closureDays: int(env, 'LIFECYCLE_CLOSURE_DAYS', 30, 1, 3650),
      trialExpiry: oneOf(env, 'LIFECYCLE_TRIAL_EXPIRY', ['suspend', 'close'], 'suspend'),
    },
    schedulerEnabled: flag(env, 'LIFECYCLE_SCHEDULER', env.NODE_ENV !== 'test'),
    cron: text(env, 'LIFECYCLE_CRON', '0 6 * * *'),
    smtpUrl: text(env, 'SMTP_URL', '') || null,
    mailFrom: text(env, 'MAIL_FROM', 'Ouvaton <ne-pas-repondre@ouvaton.coop>'),
    adminEmail: adminEmailOf(env),
    mailMaxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 8, 1, 100),
    provisioningMaxAttempts: int(env, 'PROVISIONING_MAX_ATTEMPTS', 5, 1, 100),
    retryBaseMs: int(env, 'AFTER_COMMIT_RETRY_MS', 60_000, 0, 86_400_000),
    hooks: {
      open: hook('open'),
      suspend: hook('suspend'),
      reactivate: hook('reactivate'),
      close: hook('close'),
    },
    hostingHooks: Object.fromEntries(
      HOSTING_JOB_KINDS.map((kind) => [kind, text(env, hostingHookVariable(kind), '') || null]),
    ) as Record<HostingJobKind, string | null>,
    hookTimeoutMs: int(env, 'PROVISIONING_HOOK_TIMEOUT_MS', 120_000, 100, 3_600_000),
    afterCommitIntervalMs: int(env, 'AFTER_COMMIT_INTERVAL_MS', 5000, 50, 3_600_000),
    panelUrl: panelUrlOf(env),
  };
}

/** ADMIN_EMAIL: one plain address (it goes into the To: of the sentinel's summary). */
function adminEmailOf(env: Env): string | null {
  const address = text(env, 'ADMIN_EMAIL', '');
  if (address === '') return null;
  if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(address))
    throw new ConfigError('ADMIN_EMAIL', `must be one e-mail address (got ${address})`);
  return address;
}

/**
 * PANEL_URL: every link in e-mails is built on it, so production must say where the panel is
 * (a default would send members to localhost).
 */
function panelUrlOf(env: Env): string {
  const url = text(env, 'PANEL_URL', '').replace(/\/+$/, '');
  if (url === '' && env.NODE_ENV === 'production')
    throw new ConfigError(
      'PANEL_URL',
      'must be set in production: the links in e-mails are built on it (e.g. https://gestion.example.coop)',
    );
  if (url !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(url))
    throw new ConfigError('PANEL_URL', `must be an http(s) URL (got ${url})`);
  return url || 'http://localhost:3000';
}
