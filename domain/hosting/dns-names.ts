import { DomainError } from '../shared/errors.js';

/**
 * DNS names as MyDNS's `soa`/`rr` hold them (docs: ../shared/design/HOSTING.md, "MyDNS soa/rr").
 * A zone's origin is an FQDN with its trailing dot (`example.org.`); a record's name is relative
 * to it (`''` the apex, `www`, `*.blog`, `_sip._tcp`). Names are ASCII: an IDN comes in as its
 * A-labels (`xn--…`), turned so by the caller before the domain sees it.
 */

/** One label: letters, digits, hyphens inside; `_` for service labels (`_sip`, `_domainkey`). */
const LABEL = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;
/** Gloux's `rr.name` is CHAR(200) in mydns-ng but CHAR(64) in 1.1.0: names stay within 64. */
export const RR_NAME_MAX = 64;
/** A whole name in presentation form, without its trailing dot (RFC 1035: 253). */
const NAME_MAX = 253;

function labelsOf(name: string): string[] {
  return name === '' ? [] : name.split('.');
}

/** Why `label` is not one, in French, or null. */
function labelError(label: string, wildcardAllowed: boolean): string | null {
  if (label === '*') return wildcardAllowed ? null : 'le joker * n’est permis qu’en tête du nom';
  if (label === '') return 'un nom ne peut pas contenir deux points de suite';
  if (label.length > 63) return `l’élément « ${label} » dépasse 63 caractères`;
  if (!LABEL.test(label))
    return `l’élément « ${label} » ne doit contenir que des lettres sans accent, des chiffres, des tirets (pas au début ni à la fin) ou _`;
  return null;
}

/** A host name (lower case, no trailing dot) or the French reason it is not one. */
function hostName(raw: string, field: string, what: string, wildcard = false): string {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (name === '') throw new DomainError('invalid_input', `${what} est vide.`, field);
  if (name.length > NAME_MAX)
    throw new DomainError('invalid_input', `${what} dépasse ${NAME_MAX} caractères.`, field);
  labelsOf(name).forEach((label, i) => {
    const error = labelError(label, wildcard && i === 0);
    if (error) throw new DomainError('invalid_input', `${what} : ${error}.`, field);
  });
  return name;
}

/**
 * A domain a cooperator registers or hosts (`domaines.domaine`: lower case, no trailing dot),
 * at least two labels, a top-level label of letters (`example.org`, `xn--caf-dma.fr`).
 */
export function parseDomainName(raw: string, field = 'domaine'): string {
  const name = hostName(raw, field, 'Le nom de domaine');
  const labels = labelsOf(name);
  if (labels.length < 2 || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(labels.at(-1)!))
    throw new DomainError(
      'invalid_input',
      'Le nom de domaine doit avoir la forme nom.extension (par exemple exemple.fr).',
      field,
    );
  if (labels.some((l) => l.includes('_')))
    throw new DomainError('invalid_input', 'Un nom de domaine ne contient pas de _.', field);
  return name;
}

/** `soa.origin` of a domain: its name with the trailing dot. */
export const originOf = (domain: string): string => `${domain}.`;

/**
 * A record's name relative to the zone `origin` (`example.org.`), as `rr.name` stores it:
 * `''` or `@` is the apex; a name ending with the origin (`www.example.org` or
 * `www.example.org.`) is made relative; any other name is taken as relative to the zone.
 * `*` only as the first label.
 */
export function parseRecordName(raw: string, origin: string, field = 'nom'): string {
  const zone = origin.replace(/\.$/, '');
  const trimmed = raw.trim().toLowerCase();
  if (trimmed === '' || trimmed === '@' || trimmed.replace(/\.$/, '') === zone) return '';
  let name = trimmed;
  if (name.endsWith('.')) {
    if (!name.endsWith(`.${zone}.`))
      throw new DomainError(
        'invalid_input',
        `Le nom ${raw.trim()} n’est pas dans la zone ${zone}.`,
        field,
      );
    name = name.slice(0, -(zone.length + 2));
  } else if (name.endsWith(`.${zone}`)) {
    name = name.slice(0, -(zone.length + 1));
  }
  name = hostName(name, field, 'Le nom', true);
  if (name.length > RR_NAME_MAX)
    throw new DomainError(
      'invalid_input',
      `Le nom ${name} dépasse ${RR_NAME_MAX} caractères (limite de la table rr).`,
      field,
    );
  return name;
}

/**
 * A target host (CNAME, MX, NS, SRV) as an FQDN with its trailing dot, the form that cannot be
 * misread: MyDNS appends the origin to a target without the dot, so `mx.ouvaton.coop` would
 * become `mx.ouvaton.coop.example.org.`. One label alone (`mail`) means a host of the zone;
 * a name with a dot is absolute (`mx.ouvaton.coop` → `mx.ouvaton.coop.`); `@` is the apex.
 */
export function parseTargetHost(raw: string, origin: string, field = 'valeur'): string {
  const trimmed = raw.trim().toLowerCase();
  if (trimmed === '@') return origin;
  const name = hostName(trimmed, field, 'La cible');
  if (!name.includes('.')) return `${name}.${origin}`;
  return `${name}.`;
}

/** The absolute name (with the trailing dot) of a relative record name in `origin`. */
export function absoluteName(name: string, origin: string): string {
  if (name === '') return origin;
  if (name.endsWith('.')) return name;
  return `${name}.${origin}`;
}
