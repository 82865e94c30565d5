import { DomainError } from '../shared/errors.js';
import { parseDomainName } from './dns-names.js';

/**
 * Web spaces (Gloux's `vhosts`): one site name, its aliases, its folder under the hosting's
 * root, PHP, SSL, a redirection. Gloux's cron turns each row into Apache configuration, so
 * every text that reaches the row is checked here against a strict alphabet: a space, a quote
 * or a newline in a redirection would be a directive injected into Apache's file.
 */

/** `vhosts.php` is ENUM('aucun','4','5'): the choices are Gloux's, labelled for the pages. */
export const PHP_CHOICES = ['aucun', '4', '5'] as const;
export type PhpChoice = (typeof PHP_CHOICES)[number];
export const PHP_LABELS: Readonly<Record<PhpChoice, string>> = {
  aucun: 'Sans PHP (pages statiques)',
  '4': 'PHP 4 (ancien)',
  '5': 'PHP 5',
};

/** `vhosts.nom_hote`, `racine`, `redirection` are VARCHAR(255) in latin1: ASCII here, so chars = bytes. */
export const VHOST_TEXT_MAX = 255;
/** Aliases per site: `vhosts.alias` is TEXT, but Apache reads one ServerAlias line; keep it readable. */
export const MAX_ALIASES = 20;
/** Names under the platform domain a cooperator may not take (the cooperative's own services). */
export const RESERVED_PLATFORM_LABELS: ReadonlySet<string> = new Set([
  'www',
  'mail',
  'smtp',
  'imap',
  'pop',
  'pop3',
  'ftp',
  'ns',
  'ns1',
  'ns2',
  'mx',
  'admin',
  'gloux',
  'panel',
  'webmail',
  'phpmyadmin',
  'autoconfig',
  'autodiscover',
]);

/** A domain of the hosting's owner, as `domaines` holds it. */
export interface OwnedDomain {
  readonly id: number;
  readonly name: string;
}

/** Where a site name lives: under one of the owner's domains, or under the platform domain. */
export type VhostPlace =
  | { readonly kind: 'owned'; readonly domainId: number; readonly domain: string }
  | { readonly kind: 'platform'; readonly domain: string };

export interface VhostRules {
  /** `ouvaton.org`: a cooperator may take one label under it (`monsite.ouvaton.org`). */
  readonly platformDomain: string;
  readonly ownedDomains: readonly OwnedDomain[];
}

const under = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/**
 * The place of `host` for this owner, or the French reason it is not theirs to take. The
 * longest owned domain wins (`blog.example.org` over `example.org` when both are theirs).
 */
export function placeOfHost(host: string, rules: VhostRules, field = 'nom_hote'): VhostPlace {
  const platform = rules.platformDomain.toLowerCase();
  const owned = [...rules.ownedDomains]
    .filter((d) => under(host, d.name))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (owned) return { kind: 'owned', domainId: owned.id, domain: owned.name };
  if (under(host, platform)) {
    const label = host.slice(0, -(platform.length + 1));
    if (host === platform || label.includes('.'))
      throw new DomainError(
        'invalid_input',
        `Sous ${platform}, seul un nom de la forme monsite.${platform} peut être choisi.`,
        field,
      );
    if (RESERVED_PLATFORM_LABELS.has(label))
      throw new DomainError(
        'invalid_input',
        `Le nom ${host} est réservé aux services de la coopérative.`,
        field,
      );
    return { kind: 'platform', domain: platform };
  }
  throw new DomainError(
    'invalid_input',
    `Le nom ${host} n’est ni sous ${platform} ni sous un de vos domaines : ajoutez d’abord le domaine à votre hébergement.`,
    field,
  );
}

/** A site name: a host name of two labels or more (IDN already as A-labels), lower case. */
export function parseVhostHost(raw: string, field = 'nom_hote'): string {
  const host = parseDomainName(raw, field);
  if (host.length > VHOST_TEXT_MAX)
    throw new DomainError('invalid_input', `Le nom dépasse ${VHOST_TEXT_MAX} caractères.`, field);
  return host;
}

/**
 * The aliases as typed (spaces, commas or new lines between them): each a host under one of the
 * owner's domains, none twice, not the site's own name. `vhosts.alias` stores them
 * space-separated.
 */
export function parseAliases(
  raw: string,
  host: string,
  rules: VhostRules,
  field = 'alias',
): readonly string[] {
  const names = raw
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map((s) => parseVhostHost(s, field));
  const unique = [...new Set(names)];
  if (unique.length > MAX_ALIASES)
    throw new DomainError(
      'invalid_input',
      `Un site a au plus ${MAX_ALIASES} noms supplémentaires.`,
      field,
    );
  for (const alias of unique) {
    if (alias === host)
      throw new DomainError(
        'invalid_input',
        `L’alias ${alias} est déjà le nom principal du site.`,
        field,
      );
    if (placeOfHost(alias, rules, field).kind !== 'owned')
      throw new DomainError(
        'invalid_input',
        `L’alias ${alias} doit être sous un de vos domaines.`,
        field,
      );
  }
  return unique;
}

/**
 * The site's folder relative to the hosting's root, as `vhosts.racine` holds it (`/www`, `/`):
 * a leading slash, segments of letters, digits, `.`, `_`, `-` (no leading dot: the vhost's FTP
 * account takes the same folder, and `parseFtpPath` refuses hidden ones), no trailing slash.
 * It is joined to the hosting's root by the daemon and the jobs, never resolved by a shell.
 */
export function parseSiteFolder(raw: string, field = 'racine'): string {
  const text = raw.trim();
  const segments = text.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..')
      throw new DomainError(
        'invalid_input',
        'Le dossier ne peut pas contenir « . » ni « .. » : il reste dans votre hébergement.',
        field,
      );
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(segment))
      throw new DomainError(
        'invalid_input',
        `Le dossier « ${segment} » ne doit contenir que des lettres sans accent, des chiffres, des points (pas au début), des tirets ou _.`,
        field,
      );
  }
  const folder = `/${segments.join('/')}`;
  if (folder.length > VHOST_TEXT_MAX)
    throw new DomainError(
      'invalid_input',
      `Le dossier dépasse ${VHOST_TEXT_MAX} caractères.`,
      field,
    );
  return folder;
}

/**
 * A redirection: empty (none) or an absolute http(s) URL in printable ASCII without spaces or
 * quotes (Apache writes it after `Redirect`), IDN and non-ASCII paths given percent-encoded.
 */
export function parseRedirection(raw: string, field = 'redirection'): string {
  const text = raw.trim();
  if (text === '') return '';
  const refuse = (why: string): never => {
    throw new DomainError('invalid_input', `La redirection ${why}.`, field);
  };
  if (!/^[\x21-\x7e]+$/.test(text) || /["'<>\\`]/.test(text))
    refuse('ne doit contenir ni espace, ni guillemet, ni caractère accentué (encodez-les en %XX)');
  if (text.length > VHOST_TEXT_MAX) refuse(`dépasse ${VHOST_TEXT_MAX} caractères`);
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    refuse('doit être une adresse complète, par exemple https://exemple.fr/');
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    refuse('doit commencer par http:// ou https://');
  if (url !== null && (url.username !== '' || url.password !== ''))
    refuse('ne doit pas contenir d’identifiant ni de mot de passe');
  return text;
}

export function parsePhp(raw: string, field = 'php'): PhpChoice {
  const choice = (PHP_CHOICES as readonly string[]).find((c) => c === raw.trim());
  if (choice === undefined)
    throw new DomainError(
      'invalid_input',
      `Choisissez une version de PHP parmi : ${PHP_CHOICES.map((c) => PHP_LABELS[c]).join(', ')}.`,
      field,
    );
  return choice as PhpChoice;
}

/** The default folder of a new site: `/<host>` (Gloux's older sites use `/www`). */
export const defaultSiteFolder = (host: string): string => `/${host}`;
