import { DomainError } from '../shared/errors.js';
import { nameTakenMessage } from './hosting-names.js';
import type {
  FtpAccountCreated,
  FtpAccountKind,
  FtpAccountRemoved,
  FtpEvent,
  FtpPasswordChanged,
  FtpRemovalReason,
  FtpRootChanged,
} from './ftp-events.js';

/**
 * FTP accounts of one hosting (HOSTING.md decision 1, pitfall 5): the rules on logins, folders
 * and passwords, and the deciders of CreateFtpAccount, ChangeFtpPassword, ChangeFtpRoot and
 * RemoveFtpAccount on the stream `hosting-<id>`. Gloux's `ftp` row is written by the mirror:
 * `repertoire` = the hosting's root joined with the account's relative path.
 */

/** Gloux's `ftp.login` is varchar(64), latin1, UNIQUE; pure-ftpd reads it as `\L`. */
export const FTP_LOGIN_MAX = 64;
/** Gloux's `ftp.repertoire` is varchar(255): the whole absolute folder must fit. */
export const FTP_DIRECTORY_MAX = 255;
export const FTP_PASSWORD_MIN = 8;
export const FTP_PASSWORD_MAX = 128;

/** Lower-case ASCII, a letter first; `.`, `_`, `-` inside (no quote, space or `\` reaches SQL). */
const LOGIN = /^[a-z][a-z0-9._-]*$/;
/** A control character (NUL included): never in a folder or a password. */
const hasControl = (s: string) =>
  [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
/** One folder name: letters, digits, `.`, `_`, `-` and spaces, not starting with a dot. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._ -]*$/;

export interface FtpAccount {
  readonly accountId: string;
  readonly kind: FtpAccountKind;
  readonly login: string;
  readonly path: string;
  readonly vhostId: string | null;
}

export interface FtpAccountsState {
  readonly accounts: Readonly<Record<string, FtpAccount>>;
}

export const initialFtpAccountsState: FtpAccountsState = { accounts: {} };

export function evolveFtpAccounts(state: FtpAccountsState, event: FtpEvent): FtpAccountsState {
  switch (event.type) {
    case 'FtpAccountCreated': {
      const { accountId, kind, login, path, vhostId } = event.data;
      return {
        accounts: { ...state.accounts, [accountId]: { accountId, kind, login, path, vhostId } },
      };
    }
    case 'FtpPasswordChanged':
      return state;
    case 'FtpRootChanged': {
      const account = state.accounts[event.data.accountId];
      if (!account) return state;
      return {
        accounts: { ...state.accounts, [account.accountId]: { ...account, path: event.data.path } },
      };
    }
    case 'FtpAccountRemoved': {
      const accounts = { ...state.accounts };
      delete accounts[event.data.accountId];
      return { accounts };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export function foldFtpAccounts(
  events: readonly FtpEvent[],
  from: FtpAccountsState = initialFtpAccountsState,
): FtpAccountsState {
  return events.reduce(evolveFtpAccounts, from);
}

/** What the handler knows of the hosting (Gloux's `hebergements` row or the hosting's state). */
export interface FtpHostingFacts {
  readonly hostingId: number;
  /** `hebergements.nom`: the master account's login and the others' prefix. */
  readonly name: string;
  /** `hebergements.repertoire`, absolute, no trailing slash. */
  readonly root: string;
  readonly closed: boolean;
}

/** A login, or the French reason it cannot be one (field `login`). */
export function parseFtpLogin(raw: string, field = 'login'): string {
  const login = raw.trim().toLowerCase();
  if (login === '') throw new DomainError('invalid_input', 'L’identifiant FTP est vide.', field);
  if (login.length > FTP_LOGIN_MAX)
    throw new DomainError(
      'invalid_input',
      `L’identifiant FTP dépasse ${FTP_LOGIN_MAX} caractères.`,
      field,
    );
  if (!LOGIN.test(login))
    throw new DomainError(
      'invalid_input',
      'L’identifiant FTP commence par une lettre et ne contient que des lettres sans accent, des chiffres, des points, des tirets ou _.',
      field,
    );
  return login;
}

/**
 * A folder relative to the hosting's root, normalised: no absolute path, no `..` or `.`
 * element, no NUL or control character, no empty element (`a//b` becomes `a/b`), no trailing
 * slash. '' is the root itself. Joined to `root`, it must fit Gloux's varchar(255).
 */
export function parseFtpPath(raw: string, root: string, field = 'chemin'): string {
  if (hasControl(raw))
    throw new DomainError('invalid_input', 'Le dossier contient un caractère de contrôle.', field);
  const trimmed = raw.trim();
  if (trimmed.startsWith('/') || trimmed.startsWith('~') || trimmed.includes('\\'))
    throw new DomainError(
      'invalid_input',
      'Le dossier est relatif à la racine de l’hébergement (par exemple www/blog), sans / au début ni \\.',
      field,
    );
  const segments = trimmed.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '..' || segment === '.')
      throw new DomainError(
        'invalid_input',
        'Le dossier ne peut pas contenir « .. » ni « . » : il reste sous la racine de l’hébergement.',
        field,
      );
    if (!SEGMENT.test(segment) || segment !== segment.trim())
      throw new DomainError(
        'invalid_input',
        `Le dossier « ${segment} » ne doit contenir que des lettres sans accent, des chiffres, des points, des tirets, des espaces ou _, sans point au début.`,
        field,
      );
  }
  const path = segments.join('/');
  if (ftpDirectory(root, path).length > FTP_DIRECTORY_MAX)
    throw new DomainError(
      'invalid_input',
      `Le dossier complet dépasse ${FTP_DIRECTORY_MAX} caractères.`,
      field,
    );
  return path;
}

/** Gloux's `ftp.repertoire`: the hosting's root, or root/path. */
export function ftpDirectory(root: string, path: string): string {
  return path === '' ? root : `${root}/${path}`;
}

/** A password as pure-ftpd and Gloux's screens take it: printable, 8 to 128 characters. */
export function parseFtpPassword(raw: string, field = 'mot_de_passe'): string {
  if (raw.length < FTP_PASSWORD_MIN)
    throw new DomainError(
      'invalid_input',
      `Le mot de passe FTP doit avoir au moins ${FTP_PASSWORD_MIN} caractères.`,
      field,
    );
  if (raw.length > FTP_PASSWORD_MAX)
    throw new DomainError(
      'invalid_input',
      `Le mot de passe FTP ne peut dépasser ${FTP_PASSWORD_MAX} caractères.`,
      field,
    );
  if (hasControl(raw))
    throw new DomainError(
      'invalid_input',
      'Le mot de passe FTP contient un caractère de contrôle.',
      field,
    );
  return raw;
}

export interface CreateFtpAccount {
  readonly kind: FtpAccountKind;
  readonly login: string;
  /** Relative to the hosting's root: ignored for `master`, required for `supplementary`. */
  readonly path: string;
  readonly vhostId?: string | null;
  readonly password: string;
}

export interface CreateFtpAccountContext {
  readonly hosting: FtpHostingFacts;
  readonly accountId: string;
  readonly actor: string;
  /** The login is in Gloux's `ftp` table or claimed in `g2_hosting_names` (loaded by the handler). */
  readonly loginTaken: boolean;
}

function refuseClosed(hosting: FtpHostingFacts): void {
  if (hosting.closed)
    throw new DomainError(
      'account_closed',
      'Cet hébergement est fermé : ses comptes FTP ne peuvent plus changer.',
    );
}

function accountOf(state: FtpAccountsState, accountId: string): FtpAccount {
  const account = state.accounts[accountId];
  if (!account) throw new DomainError('not_found', 'Ce compte FTP n’existe pas (ou plus).');
  return account;
}

const KIND_LABEL: Readonly<Record<FtpAccountKind, string>> = {
  master: 'principal',
  vhost: 'd’espace web',
  supplementary: 'supplémentaire',
};

export function decideCreateFtpAccount(
  state: FtpAccountsState,
  command: CreateFtpAccount,
  context: CreateFtpAccountContext,
): readonly FtpAccountCreated[] {
  const { hosting } = context;
  refuseClosed(hosting);
  const login = parseFtpLogin(command.login);
  parseFtpPassword(command.password);
  const accounts = Object.values(state.accounts);
  let path = '';
  let vhostId: string | null = null;
  switch (command.kind) {
    case 'master':
      if (login !== hosting.name)
        throw new DomainError(
          'invalid_input',
          `Le compte FTP principal porte le nom de l’hébergement (${hosting.name}).`,
          'login',
        );
      if (accounts.some((a) => a.kind === 'master'))
        throw new DomainError(
          'conflict',
          'Cet hébergement a déjà son compte FTP principal.',
          'login',
        );
      break;
    case 'vhost':
    case 'supplementary':
      if (!login.startsWith(`${hosting.name}_`) || login.length === hosting.name.length + 1)
        throw new DomainError(
          'invalid_input',
          `L’identifiant FTP commence par le nom de l’hébergement suivi de _ (par exemple ${hosting.name}_blog).`,
          'login',
        );
      path = parseFtpPath(command.path, hosting.root);
      if (path === '')
        throw new DomainError(
          'invalid_input',
          `Un compte FTP ${KIND_LABEL[command.kind]} est limité à un dossier : indiquez-le (par exemple www/blog).`,
          'chemin',
        );
      if (command.kind === 'vhost') {
        vhostId = command.vhostId ?? null;
        if (!vhostId)
          throw new DomainError(
            'invalid_input',
            'Le compte FTP d’un espace web nomme cet espace.',
            'vhost',
          );
        if (accounts.some((a) => a.kind === 'vhost' && a.vhostId === vhostId))
          throw new DomainError('conflict', 'Cet espace web a déjà son compte FTP.', 'vhost');
      }
      break;
    default: {
      const unknown: never = command.kind;
      throw new DomainError(
        'invalid_input',
        `Type de compte FTP inconnu : ${String(unknown)}.`,
        'type',
      );
    }
  }
  if (context.loginTaken || accounts.some((a) => a.login === login))
    throw new DomainError('name_taken', nameTakenMessage('ftp_login', login), 'login');
  return [
    {
      type: 'FtpAccountCreated',
      data: {
        hostingId: hosting.hostingId,
        accountId: context.accountId,
        kind: command.kind,
        login,
        path,
        vhostId,
        actor: context.actor,
      },
    },
  ];
}

export interface ChangeFtpPassword {
  readonly accountId: string;
  readonly password: string;
}

export interface FtpChangeContext {
  readonly hosting: FtpHostingFacts;
  readonly actor: string;
}

export function decideChangeFtpPassword(
  state: FtpAccountsState,
  command: ChangeFtpPassword,
  context: FtpChangeContext,
): readonly FtpPasswordChanged[] {
  refuseClosed(context.hosting);
  const account = accountOf(state, command.accountId);
  parseFtpPassword(command.password);
  return [
    {
      type: 'FtpPasswordChanged',
      data: {
        hostingId: context.hosting.hostingId,
        accountId: account.accountId,
        login: account.login,
        actor: context.actor,
      },
    },
  ];
}

export interface ChangeFtpRoot {
  readonly accountId: string;
  readonly path: string;
}

/** Only a supplementary account's folder changes: the others follow their hosting or web space. */
export function decideChangeFtpRoot(
  state: FtpAccountsState,
  command: ChangeFtpRoot,
  context: FtpChangeContext,
): readonly FtpRootChanged[] {
  refuseClosed(context.hosting);
  const account = accountOf(state, command.accountId);
  if (account.kind !== 'supplementary')
    throw new DomainError(
      'invalid_input',
      `Le dossier d’un compte FTP ${KIND_LABEL[account.kind]} suit ${account.kind === 'master' ? 'l’hébergement' : 'son espace web'} : seul celui d’un compte supplémentaire se change.`,
      'chemin',
    );
  const path = parseFtpPath(command.path, context.hosting.root);
  if (path === '')
    throw new DomainError(
      'invalid_input',
      'Un compte FTP supplémentaire est limité à un dossier : indiquez-le (par exemple www/blog).',
      'chemin',
    );
  if (path === account.path) return [];
  return [
    {
      type: 'FtpRootChanged',
      data: {
        hostingId: context.hosting.hostingId,
        accountId: account.accountId,
        login: account.login,
        path,
        actor: context.actor,
      },
    },
  ];
}

export interface RemoveFtpAccount {
  readonly accountId: string;
  readonly reason: FtpRemovalReason;
}

/**
 * A cooperator removes only supplementary accounts; a vhost account goes with its web space,
 * the master account with the hosting's closure (decision 1).
 */
export function decideRemoveFtpAccount(
  state: FtpAccountsState,
  command: RemoveFtpAccount,
  context: FtpChangeContext,
): readonly FtpAccountRemoved[] {
  const account = accountOf(state, command.accountId);
  const allowed: Readonly<Record<FtpAccountKind, FtpRemovalReason>> = {
    master: 'hosting_closed',
    vhost: 'vhost_removed',
    supplementary: 'requested',
  };
  if (command.reason !== allowed[account.kind] && command.reason !== 'hosting_closed')
    throw new DomainError(
      'invalid_input',
      account.kind === 'master'
        ? 'Le compte FTP principal n’est supprimé qu’à la fermeture de l’hébergement.'
        : 'Le compte FTP d’un espace web est supprimé avec cet espace web.',
      'compte',
    );
  return [
    {
      type: 'FtpAccountRemoved',
      data: {
        hostingId: context.hosting.hostingId,
        accountId: account.accountId,
        login: account.login,
        reason: command.reason,
        actor: context.actor,
      },
    },
  ];
}
