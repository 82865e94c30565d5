import { ConfigError, flag, int, raw, text, type Env } from './parse.js';

export const MAIL_USAGE_CONFIG = Symbol('MAIL_USAGE_CONFIG');

/** The mail collector's settings (`mail-usage:collect`), documented in docs/configuration.md "Mail". */
export interface MailUsageConfig {
  /** HOSTING_HOOK_MAIL_USAGE: the script that measures the boxes (none: the collector refuses to run). */
  readonly hook: string | null;
  /** MAIL_ROOT: where the maildirs are (Gloux's `mails.maildir` below it); default /var/mail. */
  readonly mailRoot: string;
  /** MAIL_USAGE_DOVEADM: doveadm's path; set, the script reads Dovecot's quota instead of du. */
  readonly doveadm: string | null;
  /**
   * MAIL_USAGE_WRITE_GLOUX: also write each box's figure into Gloux's `mails.utilise_ko` (what
   * Gloux's screens show). Off by default: while Gloux runs, its own cron writes that column.
   */
  readonly writeGloux: boolean;
  /** MAIL_USAGE_TIMEOUT_MS: how long one call of the script may take (default 30 minutes). */
  readonly timeoutMs: number;
}

function absolute(env: Env, name: string, fallback: string | null): string | null {
  const value = raw(env, name) ?? fallback;
  if (value === null) return null;
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || /\/\.{1,2}(\/|$)|[\u0000-\u001f]/.test(value))
    throw new ConfigError(name, `must be an absolute path without . or .. (got ${value})`);
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
}

export function loadMailUsageConfig(env: Env): MailUsageConfig {
  const mailRoot = absolute(env, 'MAIL_ROOT', '/var/mail')!;
  if (mailRoot === '/') throw new ConfigError('MAIL_ROOT', 'must not be / (got /)');
  return {
    hook: text(env, 'HOSTING_HOOK_MAIL_USAGE', '') || null,
    mailRoot,
    doveadm: absolute(env, 'MAIL_USAGE_DOVEADM', null),
    writeGloux: flag(env, 'MAIL_USAGE_WRITE_GLOUX', false),
    timeoutMs: int(env, 'MAIL_USAGE_TIMEOUT_MS', 1_800_000, 1000, 86_400_000),
  };
}
