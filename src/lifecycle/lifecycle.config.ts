import type { LifecycleRules } from '../../domain/accounts/account.js';

/** Provisioning actions, each with its own hook script (PROVISIONING_HOOK_<ACTION>). */
export type ProvisioningAction = 'open' | 'suspend' | 'reactivate' | 'close';
export const PROVISIONING_ACTIONS: readonly ProvisioningAction[] = [
  'open',
  'suspend',
  'reactivate',
  'close',
];

/** Account lifecycle settings (environment), documented in README.md "Account lifecycle". */
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
  /** MAIL_MAX_ATTEMPTS / PROVISIONING_MAX_ATTEMPTS, and the first retry delay (doubled each time). */
  readonly mailMaxAttempts: number;
  readonly provisioningMaxAttempts: number;
  readonly retryBaseMs: number;
  /** PROVISIONING_HOOK_<ACTION>: the script run after commit (none: the run is recorded as skipped). */
  readonly hooks: Readonly<Record<ProvisioningAction, string | null>>;
  readonly hookTimeoutMs: number;
  /** AFTER_COMMIT_INTERVAL_MS: how often the after-commit workers look again (retries, restarts). */
  readonly afterCommitIntervalMs: number;
  /** PANEL_URL: the panel's address written in e-mails. */
  readonly panelUrl: string;
}

export const LIFECYCLE_CONFIG = Symbol('LIFECYCLE_CONFIG');

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max} (got ${value})`);
  }
  return n;
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

export function loadLifecycleConfig(env: NodeJS.ProcessEnv = process.env): LifecycleConfig {
  const reminders = (env.LIFECYCLE_REMINDER_DAYS?.trim() || '7,30')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const reminderDays = reminders.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0 || n > 365)
      throw new Error(`LIFECYCLE_REMINDER_DAYS must list days like 7,30 (got ${s})`);
    return n;
  });
  if (reminderDays.some((d, i) => i > 0 && d <= reminderDays[i - 1]!))
    throw new Error('LIFECYCLE_REMINDER_DAYS must be in increasing order');
  const trialExpiry = env.LIFECYCLE_TRIAL_EXPIRY?.trim() || 'suspend';
  if (trialExpiry !== 'suspend' && trialExpiry !== 'close')
    throw new Error(`LIFECYCLE_TRIAL_EXPIRY must be 'suspend' or 'close' (got ${trialExpiry})`);
  const hook = (action: ProvisioningAction) =>
    env[`PROVISIONING_HOOK_${action.toUpperCase()}`]?.trim() || null;
  return {
    rules: {
      suspensionDays: integer(env, 'LIFECYCLE_SUSPENSION_DAYS', 60, 0, 3650),
      reminderDays,
      catchUpDays: integer(env, 'LIFECYCLE_CATCH_UP_DAYS', 7, 1, 365),
      closureNoticeDays: integer(env, 'LIFECYCLE_CLOSURE_NOTICE_DAYS', 30, 0, 3650),
      closureDays: integer(env, 'LIFECYCLE_CLOSURE_DAYS', 30, 1, 3650),
      trialExpiry,
    },
    schedulerEnabled: flag(env.LIFECYCLE_SCHEDULER, env.NODE_ENV !== 'test'),
    cron: env.LIFECYCLE_CRON?.trim() || '0 6 * * *',
    smtpUrl: env.SMTP_URL?.trim() || null,
    mailFrom: env.MAIL_FROM?.trim() || 'Ouvaton <ne-pas-repondre@ouvaton.coop>',
    mailMaxAttempts: integer(env, 'MAIL_MAX_ATTEMPTS', 8, 1, 100),
    provisioningMaxAttempts: integer(env, 'PROVISIONING_MAX_ATTEMPTS', 5, 1, 100),
    retryBaseMs: integer(env, 'AFTER_COMMIT_RETRY_MS', 60_000, 0, 86_400_000),
    hooks: {
      open: hook('open'),
      suspend: hook('suspend'),
      reactivate: hook('reactivate'),
      close: hook('close'),
    },
    hookTimeoutMs: integer(env, 'PROVISIONING_HOOK_TIMEOUT_MS', 120_000, 100, 3_600_000),
    afterCommitIntervalMs: integer(env, 'AFTER_COMMIT_INTERVAL_MS', 5000, 50, 3_600_000),
    panelUrl: (env.PANEL_URL?.trim() || 'http://localhost:3000').replace(/\/$/, ''),
  };
}
