import { GLOUX_TEXT_BYTES } from '../legacy/gloux-columns.js';
import { DomainError, formRefusal, type FieldError } from '../shared/errors.js';
import { parseDomainName } from './dns-names.js';
import type {
  RedirectionChanged,
  RedirectionCreated,
  RedirectionData,
  RedirectionEvent,
  RedirectionRemoved,
} from './redirection-events.js';

/**
 * Mail redirections of one hosting (issue 19; Gloux's `mails_redirections`, read by Postfix's
 * `virtual_alias_maps`): the rules on sources and destinations and the deciders of
 * CreateRedirection, ChangeRedirection and RemoveRedirection on the stream `hosting-<id>`.
 *
 * A source is `a@domaine` or the catch-all `@domaine`, on one of the hosting's domains whose mail
 * is hosted here (`gere_mx = 'O'`); one redirection per source (Postfix looks it up by source).
 * Destinations are plain addresses only: Postfix's `virtual(5)` never runs a pipe or writes a
 * file, but an `aliases(5)` reader would, so `|cmd`, `/path` and `:include:` are refused, as is
 * anything with a space, a quote or a comma inside. No loop among the hosting's own addresses,
 * a catch-all included; an external destination is a warning (SPF), not a refusal.
 */

/** `mails_redirections.source` is varchar(255) in latin1: ASCII here, so characters = bytes. */
export const REDIRECTION_ADDRESS_MAX = GLOUX_TEXT_BYTES['mails_redirections.source'];
/** RFC 5321: the part before `@`. */
export const LOCAL_PART_MAX = 64;
/** `mails_redirections.destinations` is TEXT: 65,535 bytes for the comma-joined list. */
export const DESTINATIONS_TEXT_MAX = GLOUX_TEXT_BYTES['mails_redirections.destinations'];
/** A readable limit for one redirection (a mailing list is not a redirection). */
export const MAX_DESTINATIONS = 100;

/** What a local part may hold: no quote, space, `|`, `/`, `\`, `,` or `:` reaches Postfix. */
const LOCAL = /^[a-z0-9_+=-]+(?:\.[a-z0-9_+=-]+)*$/;

/** Turns a domain typed in Unicode into its A-labels (node:url domainToASCII in the caller). */
export type ToAscii = (domain: string) => string;

const hasControl = (s: string) =>
  [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const hasNonAscii = (s: string) => [...s].some((c) => c.charCodeAt(0) > 0x7f);

/** The domain part of an address or a catch-all, as `domaines.domaine` holds it. */
function parseMailDomain(raw: string, toAscii: ToAscii, field: string, what: string): string {
  const ascii = hasNonAscii(raw) ? toAscii(raw.toLowerCase()) : raw;
  if (ascii === '')
    throw new DomainError('invalid_input', `Le domaine de ${what} n’est pas valide.`, field);
  try {
    return parseDomainName(ascii, field);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(
      'invalid_input',
      `Le domaine de ${what} n’est pas valide (${error.message})`,
      field,
    );
  }
}

/**
 * One address, lower case, its domain in punycode: a pipe, a file, `:include:`, a space, a quote
 * or a non-ASCII character before `@` are refused with the reason in French.
 */
export function parseMailAddress(raw: string, toAscii: ToAscii, field = 'destinations'): string {
  const typed = raw.trim();
  const shown = typed.length > 80 ? `${typed.slice(0, 77)}…` : typed;
  const refuse = (why: string) => new DomainError('invalid_input', why, field);
  if (typed === '') throw refuse('Une adresse est vide.');
  if (typed.startsWith('|'))
    throw refuse(
      `« ${shown} » est une commande (|) : une redirection ne va que vers des adresses.`,
    );
  if (typed.startsWith('/') || typed.startsWith('~') || typed.startsWith('.'))
    throw refuse(`« ${shown} » est un fichier : une redirection ne va que vers des adresses.`);
  if (typed.toLowerCase().startsWith(':include:'))
    throw refuse(
      `« ${shown} » inclut un fichier (:include:) : une redirection ne va que vers des adresses.`,
    );
  if (hasControl(typed) || /\s/.test(typed))
    throw refuse(`L’adresse « ${shown} » contient un espace ou un caractère de contrôle.`);
  const at = typed.lastIndexOf('@');
  if (at <= 0 || at === typed.length - 1 || typed.indexOf('@') !== at)
    throw refuse(`« ${shown} » n’est pas une adresse de la forme nom@domaine.fr.`);
  const local = typed.slice(0, at).toLowerCase();
  if (hasNonAscii(local))
    throw refuse(
      `L’adresse « ${shown} » : la partie avant @ ne contient que des lettres sans accent, des chiffres et . _ + = -.`,
    );
  if (!LOCAL.test(local))
    throw refuse(
      `L’adresse « ${shown} » : la partie avant @ ne contient que des lettres sans accent, des chiffres et . _ + = - (pas de | / : \\ guillemet ni virgule, pas de point au début, à la fin ou doublé).`,
    );
  if (local.length > LOCAL_PART_MAX)
    throw refuse(
      `L’adresse « ${shown} » : la partie avant @ dépasse ${LOCAL_PART_MAX} caractères.`,
    );
  const domain = parseMailDomain(typed.slice(at + 1), toAscii, field, `« ${shown} »`);
  const address = `${local}@${domain}`;
  if (address.length > REDIRECTION_ADDRESS_MAX)
    throw refuse(
      `L’adresse « ${shown} » dépasse ${REDIRECTION_ADDRESS_MAX} caractères (domaine en punycode compris).`,
    );
  return address;
}

export const isCatchAll = (source: string): boolean => source.startsWith('@');
export const domainOfAddress = (address: string): string => address.slice(address.indexOf('@') + 1);

/** A source: an address or the catch-all `@domaine` (a bare `domaine` is read as `@domaine`). */
export function parseRedirectionSource(raw: string, toAscii: ToAscii, field = 'source'): string {
  const typed = raw.trim();
  if (typed.startsWith('@') || (!typed.includes('@') && typed !== '')) {
    if (hasControl(typed) || /\s/.test(typed))
      throw new DomainError(
        'invalid_input',
        'La source contient un espace ou un caractère de contrôle.',
        field,
      );
    const domain = parseMailDomain(
      typed.replace(/^@/, ''),
      toAscii,
      field,
      'la source (@domaine : tout le domaine)',
    );
    return `@${domain}`;
  }
  if (typed === '')
    throw new DomainError(
      'invalid_input',
      'Indiquez l’adresse à rediriger (nom@domaine.fr, ou @domaine.fr pour tout le domaine).',
      field,
    );
  return parseMailAddress(typed, toAscii, field);
}

/** The destinations as typed (commas, semicolons or new lines between them), every error listed. */
export function parseDestinations(
  raw: string | readonly string[],
  toAscii: ToAscii,
  field = 'destinations',
): { destinations: readonly string[]; errors: readonly FieldError[] } {
  const items = (typeof raw === 'string' ? [raw] : raw)
    .flatMap((s) => s.split(/[,;\r\n]+/))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const errors: FieldError[] = [];
  const destinations: string[] = [];
  for (const item of items) {
    try {
      const address = parseMailAddress(item, toAscii, field);
      if (!destinations.includes(address)) destinations.push(address);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      errors.push({ field, message: error.message });
    }
  }
  if (items.length === 0)
    errors.push({ field, message: 'Indiquez au moins une adresse de destination.' });
  if (destinations.length > MAX_DESTINATIONS)
    errors.push({
      field,
      message: `Une redirection va vers ${MAX_DESTINATIONS} adresses au plus.`,
    });
  else if (destinationsText(destinations).length > DESTINATIONS_TEXT_MAX)
    errors.push({
      field,
      message: `La liste des destinations dépasse ${DESTINATIONS_TEXT_MAX} caractères.`,
    });
  return { destinations, errors };
}

/** Gloux's `destinations` column: comma-separated, as Postfix reads a list. */
export const destinationsText = (destinations: readonly string[]): string => destinations.join(',');

/** Gloux's column read back: a comma- (or space-) separated list, lower case, once each. */
export function destinationsOf(text: string): readonly string[] {
  const out: string[] = [];
  for (const item of text.split(/[,\s]+/)) {
    const address = item.trim().toLowerCase();
    if (address !== '' && !out.includes(address)) out.push(address);
  }
  return out;
}

export interface Redirection {
  readonly source: string;
  readonly destinations: readonly string[];
  readonly keepCopy: boolean;
  /** Gloux's `actif`: 'N' rows are kept and shown, but Postfix does not read them. */
  readonly active: boolean;
}

export interface RedirectionsState {
  readonly redirections: ReadonlyMap<string, Redirection>;
}

/** The state from Gloux's live rows (the first row of a source wins, as Postfix's lookup). */
export function initialRedirectionsState(rows: readonly Redirection[] = []): RedirectionsState {
  const redirections = new Map<string, Redirection>();
  for (const row of rows) {
    const same = redirections.get(row.source);
    if (!same || (!same.active && row.active)) redirections.set(row.source, row);
  }
  return { redirections };
}

export function evolveRedirections(
  state: RedirectionsState,
  event: RedirectionEvent,
): RedirectionsState {
  const redirections = new Map(state.redirections);
  switch (event.type) {
    case 'RedirectionCreated': {
      const { source, destinations, keepCopy } = event.data;
      redirections.set(source, { source, destinations, keepCopy, active: true });
      return { redirections };
    }
    case 'RedirectionChanged': {
      const { source, destinations, keepCopy } = event.data;
      const before = redirections.get(source);
      redirections.set(source, { source, destinations, keepCopy, active: before?.active ?? true });
      return { redirections };
    }
    case 'RedirectionRemoved':
      redirections.delete(event.data.source);
      return { redirections };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const foldRedirections = (
  events: readonly RedirectionEvent[],
  from: RedirectionsState = initialRedirectionsState(),
): RedirectionsState => events.reduce(evolveRedirections, from);

/** What the handler knows of the hosting: its domains and its live boxes. */
export interface RedirectionFacts {
  readonly hostingId: number;
  readonly closed: boolean;
  /** The hosting's domains (`domaines`), `mailHere` = `gere_mx = 'O'`. */
  readonly domains: readonly { readonly name: string; readonly mailHere: boolean }[];
  /** The hosting's boxes that receive mail (actif, no deletion pending). */
  readonly mailboxes: ReadonlySet<string>;
}

export interface RedirectionContext {
  readonly facts: RedirectionFacts;
  readonly actor: string;
  readonly toAscii: ToAscii;
}

/** A decision and what the cooperator should know about it (not a refusal). */
export interface RedirectionDecision<E> {
  readonly events: readonly E[];
  readonly source: string;
  readonly warnings: readonly string[];
}

export interface RedirectionForm {
  readonly source: string;
  /** As typed (a list or one text with commas or new lines). */
  readonly destinations: string | readonly string[];
  readonly keepCopy: boolean;
}

function refuseClosed(facts: RedirectionFacts): void {
  if (facts.closed)
    throw new DomainError(
      'account_closed',
      'Cet hébergement est fermé : ses redirections ne peuvent plus changer.',
    );
}

/** Why this source is not the hosting's to redirect, or null. */
function sourceOwnershipError(source: string, facts: RedirectionFacts): { message: string } | null {
  const domain = domainOfAddress(source);
  const owned = facts.domains.find((d) => d.name === domain);
  if (!owned)
    return {
      message: `Le domaine ${domain} n’est pas un domaine de cet hébergement : ajoutez-le d’abord à l’hébergement.`,
    };
  if (!owned.mailHere)
    return {
      message: `Le courrier de ${domain} n’est pas hébergé à Ouvaton (MX ailleurs) : une redirection n’y recevrait rien.`,
    };
  return null;
}

/**
 * Where mail for `address` goes among the hosting's own addresses, as Postfix resolves it: the
 * address's own redirection first, then its box (the identity row: a catch-all never takes a
 * real box's mail), then the catch-all of its domain. Null: delivered (a box, an external
 * address, or unknown). A redirection keeping a copy delivers to its box too (Postfix stops at
 * an address that expands to itself), which is no loop.
 */
function nextHops(
  address: string,
  redirections: ReadonlyMap<string, Redirection>,
  facts: RedirectionFacts,
  own: ReadonlySet<string>,
): readonly string[] {
  const live = (source: string) => {
    const r = redirections.get(source);
    return r?.active ? r : undefined;
  };
  if (isCatchAll(address)) return live(address)?.destinations ?? [];
  const domain = domainOfAddress(address);
  if (!own.has(domain)) return [];
  const own_ = live(address);
  if (own_) return own_.destinations.filter((d) => d !== address);
  if (facts.mailboxes.has(address)) return [];
  return live(`@${domain}`) ? [`@${domain}`] : [];
}

/**
 * A loop mail sent to `start` would run in: the addresses in order, back to the first one
 * repeated (`a → b → a`), or null. Only the hosting's own domains with mail here are followed.
 */
export function findLoop(
  start: string,
  redirections: ReadonlyMap<string, Redirection>,
  facts: RedirectionFacts,
): readonly string[] | null {
  const own = new Set(facts.domains.filter((d) => d.mailHere).map((d) => d.name));
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (address: string): readonly string[] | null => {
    const at = path.indexOf(address);
    if (at >= 0) return [...path.slice(at), address];
    if (done.has(address)) return null;
    path.push(address);
    for (const next of nextHops(address, redirections, facts, own)) {
      const loop = visit(next);
      if (loop) return loop;
    }
    path.pop();
    done.add(address);
    return null;
  };
  return visit(start);
}

const loopMessage = (loop: readonly string[]) =>
  `Ces redirections tourneraient en boucle : ${loop.map((a) => (isCatchAll(a) ? `${a} (tout le domaine)` : a)).join(' → ')}. Aucun message n’arriverait.`;

/** The warnings of a valid redirection: external destinations (SPF), own addresses nobody reads. */
function warningsOf(
  source: string,
  destinations: readonly string[],
  redirections: ReadonlyMap<string, Redirection>,
  facts: RedirectionFacts,
): string[] {
  const own = new Set(facts.domains.filter((d) => d.mailHere).map((d) => d.name));
  const external = destinations.filter((d) => !own.has(domainOfAddress(d)));
  const warnings: string[] = [];
  if (external.length > 0)
    warnings.push(
      `${external.join(', ')} ${external.length > 1 ? 'sont des adresses extérieures' : 'est une adresse extérieure'} : les messages y sont retransmis par Ouvaton, et certains fournisseurs les refusent ou les classent en indésirables quand l’expéditeur publie une règle SPF stricte. Gardez une copie si vous ne voulez rien perdre.`,
    );
  const nowhere = destinations.filter((d) => {
    const domain = domainOfAddress(d);
    return (
      own.has(domain) &&
      d !== source &&
      !facts.mailboxes.has(d) &&
      !redirections.get(d)?.active &&
      !redirections.get(`@${domain}`)?.active
    );
  });
  if (nowhere.length > 0)
    warnings.push(
      `${nowhere.join(', ')} : ni boîte ni redirection à cette adresse pour l’instant, les messages y seraient refusés.`,
    );
  return warnings;
}

/** Source, destinations, copy and loop: every error at once, else the redirection as it would be. */
function checkedRedirection(
  state: RedirectionsState,
  form: RedirectionForm,
  context: RedirectionContext,
  sourceError: (source: string) => Omit<FieldError, 'field'> | null,
): { redirection: Redirection; warnings: string[] } {
  const { facts, toAscii } = context;
  const errors: FieldError[] = [];
  let source: string | null = null;
  try {
    source = parseRedirectionSource(form.source, toAscii);
    const why = sourceError(source);
    if (why) {
      errors.push({ field: 'source', ...why });
      source = null;
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    errors.push({ field: 'source', message: error.message, code: error.code });
  }
  const parsed = parseDestinations(form.destinations, toAscii);
  errors.push(...parsed.errors);
  if (source !== null && form.keepCopy) {
    if (isCatchAll(source))
      errors.push({
        field: 'garder_copie',
        message:
          'Une redirection de tout le domaine ne garde pas de copie : il n’y a pas de boîte @domaine.',
      });
    else if (!facts.mailboxes.has(source))
      errors.push({
        field: 'garder_copie',
        message: `${source} n’est pas une boîte : il n’y a nulle part où garder une copie.`,
      });
  }
  if (source !== null && parsed.destinations.includes(source))
    errors.push({
      field: 'destinations',
      message: `${source} ne peut pas se rediriger vers elle-même${isCatchAll(source) ? '' : ' : cochez « garder une copie » pour que la boîte reçoive aussi les messages'}.`,
    });
  if (errors.length > 0) throw formRefusal(errors);
  const redirection: Redirection = {
    source: source!,
    destinations: parsed.destinations,
    keepCopy: form.keepCopy,
    active: state.redirections.get(source!)?.active ?? true,
  };
  const after = new Map(state.redirections).set(redirection.source, redirection);
  const loop = findLoop(redirection.source, after, facts);
  if (loop) throw formRefusal([{ field: 'destinations', message: loopMessage(loop) }]);
  return {
    redirection,
    warnings: warningsOf(redirection.source, redirection.destinations, after, facts),
  };
}

export function decideCreateRedirection(
  state: RedirectionsState,
  form: RedirectionForm,
  context: RedirectionContext,
): RedirectionDecision<RedirectionCreated> {
  refuseClosed(context.facts);
  const { redirection, warnings } = checkedRedirection(state, form, context, (source) => {
    const existing = state.redirections.get(source);
    if (existing)
      return {
        code: 'name_taken',
        message: `Une redirection de ${source} existe déjà${existing.active ? '' : ' (désactivée dans Gloux)'} : modifiez-la plutôt.`,
      };
    return sourceOwnershipError(source, context.facts);
  });
  return {
    events: [{ type: 'RedirectionCreated', data: eventData(redirection, context) }],
    source: redirection.source,
    warnings,
  };
}

const eventData = (redirection: Redirection, context: RedirectionContext): RedirectionData => ({
  hostingId: context.facts.hostingId,
  source: redirection.source,
  destinations: redirection.destinations,
  keepCopy: redirection.keepCopy,
  actor: context.actor,
});

function redirectionOf(state: RedirectionsState, raw: string, toAscii: ToAscii): Redirection {
  const source = parseRedirectionSource(raw, toAscii);
  const found = state.redirections.get(source);
  if (!found)
    throw new DomainError(
      'not_found',
      `Aucune redirection de ${source} sur cet hébergement.`,
      'source',
    );
  return found;
}

export function decideChangeRedirection(
  state: RedirectionsState,
  form: RedirectionForm,
  context: RedirectionContext,
): RedirectionDecision<RedirectionChanged> {
  refuseClosed(context.facts);
  const existing = redirectionOf(state, form.source, context.toAscii);
  const { redirection, warnings } = checkedRedirection(
    state,
    { ...form, source: existing.source },
    context,
    () => null,
  );
  const same =
    redirection.keepCopy === existing.keepCopy &&
    redirection.destinations.join(',') === existing.destinations.join(',');
  return {
    events: same ? [] : [{ type: 'RedirectionChanged', data: eventData(redirection, context) }],
    source: redirection.source,
    warnings,
  };
}

/**
 * Removing a redirection is refused when its mail would then loop: `x@d` without its own
 * redirection falls to the catch-all `@d`, which may send it back to `x@d`.
 */
export function decideRemoveRedirection(
  state: RedirectionsState,
  command: { readonly source: string },
  context: RedirectionContext,
): RedirectionDecision<RedirectionRemoved> {
  refuseClosed(context.facts);
  const existing = redirectionOf(state, command.source, context.toAscii);
  const after = new Map(state.redirections);
  after.delete(existing.source);
  const loop = isCatchAll(existing.source) ? null : findLoop(existing.source, after, context.facts);
  if (loop)
    throw new DomainError(
      'invalid_input',
      `Sans cette redirection, ${existing.source} passerait par la redirection de tout le domaine et les messages tourneraient en boucle : ${loop.join(' → ')}. Changez d’abord la redirection @${domainOfAddress(existing.source)}.`,
      'source',
    );
  return {
    events: [
      {
        type: 'RedirectionRemoved',
        data: {
          hostingId: context.facts.hostingId,
          source: existing.source,
          actor: context.actor,
        },
      },
    ],
    source: existing.source,
    warnings: [],
  };
}
