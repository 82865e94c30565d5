import { DomainError } from '../shared/errors.js';
import { relativeJobPath } from './job-rules.js';

/**
 * The registry of job kinds: what each carries (ids and validated paths, never a secret) and
 * the argv and GLOUX2_* environment its script gets. A kind's script is configured by
 * PROVISIONING_HOOK_<ACTION> (account kinds) or HOSTING_HOOK_<KIND> (`vhost.mkdir` →
 * HOSTING_HOOK_VHOST_MKDIR). Add a kind here, in HOSTING_JOB_KINDS and in docs/hosting-jobs.md.
 */

export type Payload = Readonly<Record<string, string | number>>;

export interface JobKindSpec {
  readonly targetKind: string;
  /** Checks a payload before it is queued: a refusal names the field. */
  readonly validate: (payload: Payload) => Payload;
  readonly argv: (payload: Payload) => readonly string[];
  readonly env: (payload: Payload) => Readonly<Record<string, string>>;
  /** JobSucceeded / JobFailed recorded on the target's job stream. */
  readonly recordsOutcome: boolean;
}

/** The hosting kinds, each with its HOSTING_HOOK_<KIND> setting. */
export const HOSTING_JOB_KINDS = [
  'vhost.mkdir',
  'files.delete',
  'ftp.mkdir',
  'mail.purge',
] as const;
export type HostingJobKind = (typeof HOSTING_JOB_KINDS)[number];

export const ACCOUNT_JOB_KINDS = [
  'account.open',
  'account.suspend',
  'account.reactivate',
  'account.close',
] as const;
export type AccountJobKind = (typeof ACCOUNT_JOB_KINDS)[number];

export type JobKind = HostingJobKind | AccountJobKind;

/** `vhost.mkdir` → `HOSTING_HOOK_VHOST_MKDIR`. */
export const hostingHookVariable = (kind: HostingJobKind): string =>
  `HOSTING_HOOK_${kind.replace(/\./g, '_').toUpperCase()}`;

const str = (payload: Payload, field: string): string => {
  const v = payload[field];
  if (typeof v !== 'string') throw new DomainError('invalid_input', `${field} manquant.`, field);
  return v;
};

const id = (payload: Payload, field: string): number => {
  const v = payload[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > 4_294_967_294)
    throw new DomainError('invalid_input', `${field} doit être un identifiant système.`, field);
  return v;
};

/** A hosting's root (Gloux's hebergements.repertoire): absolute, no `..`, no oddity. */
function hostingRoot(payload: Payload): string {
  const root = str(payload, 'hostingRoot');
  if (!root.startsWith('/') || root === '/')
    throw new DomainError(
      'invalid_input',
      `Dossier d’hébergement « ${root} » refusé : il doit être absolu.`,
      'hostingRoot',
    );
  return `/${relativeJobPath('hostingRoot', root.slice(1))}`;
}

/** Work on files below a hosting's root, run as the hosting's uid/gid. */
const fileWork: JobKindSpec = {
  targetKind: 'vhost',
  validate: (p) => ({
    hostingRoot: hostingRoot(p),
    path: relativeJobPath('path', str(p, 'path')),
    uid: id(p, 'uid'),
    gid: id(p, 'gid'),
  }),
  argv: (p) => [String(p.hostingRoot), String(p.path), String(p.uid), String(p.gid)],
  env: (p) => ({
    GLOUX2_HOSTING_ROOT: String(p.hostingRoot),
    GLOUX2_PATH: String(p.path),
    GLOUX2_UID: String(p.uid),
    GLOUX2_GID: String(p.gid),
  }),
  recordsOutcome: true,
};

/** An absolute directory: no `..`, no `.`, no empty element, no control character. */
function absoluteDir(payload: Payload, field: string): string {
  const dir = str(payload, field);
  if (!dir.startsWith('/') || dir.replace(/\/+$/, '') === '')
    throw new DomainError(
      'invalid_input',
      `Dossier « ${dir} » refusé : il doit être absolu (et pas la racine).`,
      field,
    );
  return `/${relativeJobPath(field, dir.slice(1))}`;
}

/** One name of a mail path (a domain in punycode, a local part): never `/`, `..` or hidden. */
function mailName(payload: Payload, field: string, pattern: RegExp): string {
  const name = str(payload, field);
  if (!pattern.test(name) || name.includes('..'))
    throw new DomainError('invalid_input', `${field} « ${name} » refusé.`, field);
  return name;
}

/**
 * A box's purge (`mail.purge`): its maildir, which must be `<mail root>/<domain>/<local part>`
 * (the script checks it on the disk again), and the box's id for the renamed copy's name.
 */
const mailPurge: JobKindSpec = {
  targetKind: 'mailbox',
  validate: (p) => ({
    hostingId: id(p, 'hostingId'),
    mailRoot: absoluteDir(p, 'mailRoot'),
    domain: mailName(p, 'domain', /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/),
    localPart: mailName(
      p,
      'localPart',
      /^[a-z0-9!#$%&'*+=?^_`{|}~-][a-z0-9!#$%&'*+=?^_`{|}~.-]{0,63}$/,
    ),
    maildir: absoluteDir(p, 'maildir'),
    mailboxId: mailName(p, 'mailboxId', /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
  }),
  argv: (p) => [
    String(p.mailRoot),
    String(p.domain),
    String(p.localPart),
    String(p.maildir),
    String(p.mailboxId),
  ],
  env: (p) => ({
    GLOUX2_MAIL_ROOT: String(p.mailRoot),
    GLOUX2_MAIL_DOMAIN: String(p.domain),
    GLOUX2_MAIL_LOCAL_PART: String(p.localPart),
    GLOUX2_MAILDIR: String(p.maildir),
    GLOUX2_MAILBOX_ID: String(p.mailboxId),
  }),
  recordsOutcome: true,
};

/** The account hooks keep the argv they always had: `<action> <account id> <login> <customer id>`. */
const accountHook = (action: string): JobKindSpec => ({
  targetKind: 'account',
  validate: (p) => ({
    accountId: str(p, 'accountId'),
    accountName: str(p, 'accountName'),
    customerId: str(p, 'customerId'),
    reason: str(p, 'reason').slice(0, 255),
  }),
  argv: (p) => [action, String(p.accountId), String(p.accountName), String(p.customerId)],
  env: (p) => ({
    GLOUX2_ACTION: action,
    GLOUX2_ACCOUNT_ID: String(p.accountId),
    GLOUX2_ACCOUNT_NAME: String(p.accountName),
    GLOUX2_CUSTOMER_ID: String(p.customerId),
    GLOUX2_REASON: String(p.reason),
  }),
  // Their outcome was never an event: the account's page reads the queue.
  recordsOutcome: false,
});

export const JOB_KINDS: Readonly<Record<JobKind, JobKindSpec>> = {
  'vhost.mkdir': fileWork,
  'files.delete': fileWork,
  // A supplementary FTP account's folder: the same work as a site's, ordered per login.
  'ftp.mkdir': { ...fileWork, targetKind: 'ftp' },
  'mail.purge': mailPurge,
  'account.open': accountHook('open'),
  'account.suspend': accountHook('suspend'),
  'account.reactivate': accountHook('reactivate'),
  'account.close': accountHook('close'),
};

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(JOB_KINDS, kind);
}
