import { addDays, formatDayFr, type Day } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { formatEuros } from '../shared/money.js';
import type { MonthlyEstimate } from '../overage/events.js';
import { monthlyEstimate, type ResourcePrice } from '../overage/pricing.js';
import { parseDomainName } from './dns-names.js';
import { nameTakenMessage } from './hosting-names.js';
import type {
  MailboxAccessChanged,
  MailboxAutoReplyChanged,
  MailboxCreated,
  MailboxDeletionCancelled,
  MailboxDeletionReason,
  MailboxDeletionRequested,
  MailboxEvent,
  MailboxPasswordChanged,
  MailboxQuotaChanged,
} from './mailbox-events.js';

/**
 * The mailboxes of one hosting (issue 19, HOSTING.md "Deferred deletion"): the rules on
 * addresses, quotas, passwords and auto-replies, the fold of the mailbox events and the
 * deciders of create, password, quota, access, auto-reply, request deletion and cancel
 * deletion on the stream `hosting-<id>`. Gloux's `mails` row is written by the mirror.
 */

/** RFC 5321: a local part within 64 octets, a whole address within 255 (Gloux's varchar(255)). */
export const MAIL_LOCAL_MAX = 64;
export const MAIL_ADDRESS_MAX = 255;
/** Gloux's `mails.maildir` is varchar(255): `<root>/<domain>/<local>/` must fit. */
export const MAILDIR_MAX = 255;
export const MAIL_PASSWORD_MIN = 8;
export const MAIL_PASSWORD_MAX = 128;
/** Quotas in Mo (`mails.quota_mo`): at least 1, at most 100 Go. */
export const MAILBOX_QUOTA_MIN_MB = 1;
export const MAILBOX_QUOTA_MAX_MB = 102_400;
export const MAILBOX_DEFAULT_QUOTA_MB = 1024;
/** An auto-reply of at most 4,000 characters (`mails.repondeur` is a latin1 `text`). */
export const AUTO_REPLY_MAX = 4000;

/**
 * A local part: lower-case ASCII letters, digits, `.`, `_`, `-`, `+`, not starting or ending
 * with a dot, no two dots in a row. No quote, space, pipe or `/` ever reaches Postfix or a path.
 */
const LOCAL = /^[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*$/;
const hasControl = (s: string) =>
  [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

export interface ParsedAddress {
  readonly address: string;
  readonly local: string;
  /** A-labels (punycode), as `domaines.domaine` holds it. */
  readonly domain: string;
  /** The address was typed with capitals: it is kept in lower case (and the user is told). */
  readonly lowered: boolean;
}

/**
 * An address as Gloux, Dovecot and Postfix read it: lower case, its domain in A-labels.
 * `toAscii` turns a Unicode domain into A-labels (node:url domainToASCII, given by the caller:
 * the domain does no I/O); it returns '' for a name it cannot convert.
 */
export function parseMailAddress(
  raw: string,
  toAscii: (domain: string) => string,
  field = 'adresse',
): ParsedAddress {
  const typed = raw.trim();
  const refuse = (message: string) => new DomainError('invalid_input', message, field);
  if (typed === '') throw refuse('L’adresse est vide.');
  if (/\s/.test(typed)) throw refuse('L’adresse ne peut pas contenir d’espace.');
  if (hasControl(typed)) throw refuse('L’adresse contient un caractère de contrôle.');
  const at = typed.lastIndexOf('@');
  if (at <= 0 || at === typed.length - 1 || typed.indexOf('@') !== at)
    throw refuse('L’adresse doit avoir la forme nom@domaine (par exemple contact@exemple.fr).');
  const localTyped = typed.slice(0, at);
  const domainTyped = typed.slice(at + 1);
  if (/[^\x20-\x7e]/.test(localTyped))
    throw refuse(
      'La partie avant @ ne peut contenir que des lettres sans accent, des chiffres, des points, des tirets, + ou _.',
    );
  const local = localTyped.toLowerCase();
  if (/["'|/\\`]/.test(local))
    throw refuse(
      'La partie avant @ ne peut contenir ni guillemet, ni apostrophe, ni barre verticale, ni / ou \\.',
    );
  if (!LOCAL.test(local))
    throw refuse(
      'La partie avant @ ne peut contenir que des lettres sans accent, des chiffres, des points (pas au début, à la fin ni deux de suite), des tirets, + ou _.',
    );
  if (local.length > MAIL_LOCAL_MAX)
    throw refuse(`La partie avant @ dépasse ${MAIL_LOCAL_MAX} caractères.`);
  const ascii = /^[\x21-\x7e]+$/.test(domainTyped) ? domainTyped : toAscii(domainTyped);
  if (ascii === '') throw refuse(`Le domaine ${domainTyped} n’est pas un nom de domaine valide.`);
  const domain = parseDomainName(ascii, field);
  const address = `${local}@${domain}`;
  // ASCII only by now: characters are bytes.
  if (address.length > MAIL_ADDRESS_MAX)
    throw refuse(`L’adresse dépasse ${MAIL_ADDRESS_MAX} caractères.`);
  return {
    address,
    local,
    domain,
    lowered: localTyped !== local || /[A-Z]/.test(domainTyped),
  };
}

/** The French notice for an address typed with capitals. */
export const loweredNotice = (address: string): string =>
  `L’adresse a été mise en minuscules : ${address}.`;

/** Gloux's `mails.maildir` of an address: `<root>/<domain>/<local>/` (sample: /var/mail/example.org/anne/). */
export function maildirOf(mailRoot: string, address: string): string {
  const at = address.lastIndexOf('@');
  return `${mailRoot}/${address.slice(at + 1)}/${address.slice(0, at)}/`;
}

/** A quota in Mo, from a form (text) or the API (number): a whole number from 1 to 100 Go. */
export function parseMailboxQuota(raw: unknown, field = 'quota_mo'): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (text === '') throw new DomainError('invalid_input', 'Le quota est vide (en Mo).', field);
  if (!/^-?\d+$/.test(text))
    throw new DomainError(
      'invalid_input',
      'Le quota est un nombre entier de Mo (par exemple 1024).',
      field,
    );
  const quota = Number(text);
  if (quota < MAILBOX_QUOTA_MIN_MB)
    throw new DomainError(
      'invalid_input',
      `Le quota doit être d’au moins ${MAILBOX_QUOTA_MIN_MB} Mo (0 ou un nombre négatif n’est pas un quota).`,
      field,
    );
  if (quota > MAILBOX_QUOTA_MAX_MB)
    throw new DomainError(
      'invalid_input',
      `Le quota ne peut dépasser ${MAILBOX_QUOTA_MAX_MB} Mo (100 Go).`,
      field,
    );
  return quota;
}

/** A password as Dovecot takes it: printable, 8 to 128 characters. */
export function parseMailPassword(raw: string, field = 'mot_de_passe'): string {
  if (raw.length < MAIL_PASSWORD_MIN)
    throw new DomainError(
      'invalid_input',
      `Le mot de passe doit avoir au moins ${MAIL_PASSWORD_MIN} caractères.`,
      field,
    );
  if (raw.length > MAIL_PASSWORD_MAX)
    throw new DomainError(
      'invalid_input',
      `Le mot de passe ne peut dépasser ${MAIL_PASSWORD_MAX} caractères.`,
      field,
    );
  if (hasControl(raw))
    throw new DomainError(
      'invalid_input',
      'Le mot de passe contient un caractère de contrôle.',
      field,
    );
  return raw;
}

/**
 * An auto-reply text (null or blank: none). Line ends become `\n`; tabs and new lines are the
 * only control characters kept; at most AUTO_REPLY_MAX characters. Gloux's column is latin1
 * `text` holding UTF-8 bytes (legacy-sync/legacy-text.ts): 4,000 characters are at most 16,000
 * bytes, well within its 65,535.
 */
export function parseAutoReply(raw: string | null | undefined, field = 'repondeur'): string | null {
  if (raw === null || raw === undefined) return null;
  const text = raw.replace(/\r\n?/g, '\n').trim();
  if (text === '') return null;
  if ([...text].some((c) => c !== '\n' && c !== '\t' && /\p{Cc}/u.test(c)))
    throw new DomainError(
      'invalid_input',
      'Le message d’absence contient un caractère de contrôle.',
      field,
    );
  if ([...text].length > AUTO_REPLY_MAX)
    throw new DomainError(
      'invalid_input',
      `Le message d’absence ne peut dépasser ${AUTO_REPLY_MAX} caractères.`,
      field,
    );
  return text;
}

/** A box is live, switched off in Gloux, waiting for its purge (cancellable), or being purged. */
export type MailboxStatus = 'active' | 'disabled' | 'deletion_pending' | 'purging';

export interface Mailbox {
  readonly mailboxId: string;
  readonly address: string;
  readonly domainId: number;
  readonly quotaMb: number;
  readonly pop: boolean;
  readonly imap: boolean;
  readonly autoReply: string | null;
  readonly status: MailboxStatus;
  /** The day from which the purge may run (deletion pending or purging). */
  readonly purgeAfter: Day | null;
}

export interface MailboxesState {
  /** By address. */
  readonly boxes: ReadonlyMap<string, Mailbox>;
}

export const initialMailboxesState: MailboxesState = { boxes: new Map() };

export function evolveMailboxes(state: MailboxesState, event: MailboxEvent): MailboxesState {
  const boxes = new Map(state.boxes);
  const box = boxes.get(event.data.address);
  const update = (change: Partial<Mailbox>) => {
    if (box) boxes.set(box.address, { ...box, ...change });
    return { boxes };
  };
  switch (event.type) {
    case 'MailboxCreated': {
      const { mailboxId, address, domainId, quotaMb, pop, imap } = event.data;
      boxes.set(address, {
        mailboxId,
        address,
        domainId,
        quotaMb,
        pop,
        imap,
        autoReply: null,
        status: 'active',
        purgeAfter: null,
      });
      return { boxes };
    }
    case 'MailboxPasswordChanged':
      return state;
    case 'MailboxQuotaChanged':
      return update({ quotaMb: event.data.quotaMb });
    case 'MailboxAccessChanged':
      return update({ pop: event.data.pop, imap: event.data.imap });
    case 'MailboxAutoReplyChanged':
      return update({ autoReply: event.data.message });
    case 'MailboxDeletionRequested':
      return update({ status: 'deletion_pending', purgeAfter: event.data.purgeAfter });
    case 'MailboxDeletionCancelled':
      return update({ status: 'active', purgeAfter: null });
    case 'MailboxPurgeStarted':
      return update({ status: 'purging' });
    case 'MailboxPurged':
      boxes.delete(event.data.address);
      return { boxes };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const foldMailboxes = (
  events: readonly MailboxEvent[],
  from: MailboxesState = initialMailboxesState,
): MailboxesState => events.reduce(evolveMailboxes, from);

/** What the handler knows of the hosting (Gloux's `hebergements` and `domaines` rows). */
export interface MailHostingFacts {
  readonly hostingId: number;
  readonly closed: boolean;
  /** The hosting's domains (`domaines`), with whether their mail is hosted here (`gere_mx`). */
  readonly domains: readonly {
    readonly domainId: number;
    readonly domain: string;
    readonly manageMx: boolean;
  }[];
}

export interface MailChangeContext {
  readonly hosting: MailHostingFacts;
  readonly actor: string;
}

export interface CreateMailbox {
  /** Already parsed (parseMailAddress). */
  readonly address: ParsedAddress;
  readonly password: string;
  /** Unset: MAILBOX_DEFAULT_QUOTA_MB. */
  readonly quotaMb?: unknown;
  readonly pop?: boolean;
  readonly imap?: boolean;
}

export interface CreateMailboxContext extends MailChangeContext {
  readonly mailboxId: string;
  /** MAIL_ROOT: the maildir must fit Gloux's varchar(255). */
  readonly mailRoot: string;
  /** The hosting holding the address in Gloux's `mails`, or null. */
  readonly takenInGloux: { readonly hostingId: number } | null;
  /** Another hosting's box at this address waits for its purge (from `g2_mailbox_deletions`). */
  readonly pendingElsewhere: { readonly purgeAfter: Day } | null;
}

function refuseClosed(hosting: MailHostingFacts): void {
  if (hosting.closed)
    throw new DomainError(
      'account_closed',
      'Cet hébergement est fermé : ses boîtes mail ne peuvent plus changer.',
    );
}

const purgeRefusal = (address: string, purgeAfter: Day | null, purging: boolean) =>
  new DomainError(
    'name_taken',
    purging
      ? `L’adresse ${address} est en cours de purge : elle pourra être reprise une fois ses messages effacés.`
      : `L’adresse ${address} est en cours de suppression (purge prévue le ${purgeAfter ? formatDayFr(purgeAfter) : '?'}) : elle ne pourra être reprise qu’après cette date, ou rétablie en annulant la suppression.`,
    'adresse',
  );

export function decideCreateMailbox(
  state: MailboxesState,
  command: CreateMailbox,
  context: CreateMailboxContext,
): readonly MailboxCreated[] {
  const { hosting } = context;
  refuseClosed(hosting);
  const { address, domain } = command.address;
  const owned = hosting.domains.find((d) => d.domain === domain);
  if (!owned)
    throw new DomainError(
      'invalid_input',
      `Le domaine ${domain} n’est pas un domaine de cet hébergement : ajoutez-le d’abord.`,
      'adresse',
    );
  if (!owned.manageMx)
    throw new DomainError(
      'invalid_input',
      `Le courrier de ${domain} n’est pas hébergé à Ouvaton (gestion MX désactivée) : une boîte n’y recevrait rien.`,
      'adresse',
    );
  const existing = state.boxes.get(address);
  if (existing && (existing.status === 'deletion_pending' || existing.status === 'purging'))
    throw purgeRefusal(address, existing.purgeAfter, existing.status === 'purging');
  if (context.pendingElsewhere)
    throw purgeRefusal(address, context.pendingElsewhere.purgeAfter, false);
  if (existing || context.takenInGloux)
    throw new DomainError('name_taken', nameTakenMessage('mailbox', address), 'adresse');
  if (maildirOf(context.mailRoot, address).length > MAILDIR_MAX)
    throw new DomainError(
      'invalid_input',
      `L’adresse est trop longue pour son dossier de stockage (${MAILDIR_MAX} caractères au plus).`,
      'adresse',
    );
  parseMailPassword(command.password);
  const quotaMb =
    command.quotaMb === undefined || command.quotaMb === null || command.quotaMb === ''
      ? MAILBOX_DEFAULT_QUOTA_MB
      : parseMailboxQuota(command.quotaMb);
  return [
    {
      type: 'MailboxCreated',
      data: {
        hostingId: hosting.hostingId,
        mailboxId: context.mailboxId,
        address,
        domainId: owned.domainId,
        quotaMb,
        pop: command.pop ?? true,
        imap: command.imap ?? true,
        actor: context.actor,
      },
    },
  ];
}

/** The box at `address`, or the French reason there is none. */
export function mailboxAt(state: MailboxesState, address: string): Mailbox {
  const box = state.boxes.get(address);
  if (!box)
    throw new DomainError('not_found', `Aucune boîte ${address} sur cet hébergement.`, 'adresse');
  return box;
}

/** A box waiting for its purge changes only by the cancellation. */
function changeable(state: MailboxesState, address: string, hosting: MailHostingFacts): Mailbox {
  refuseClosed(hosting);
  const box = mailboxAt(state, address);
  if (box.status === 'deletion_pending' || box.status === 'purging')
    throw new DomainError(
      'conflict',
      `La boîte ${address} est en cours de suppression : annulez d’abord la suppression pour la modifier.`,
      'adresse',
    );
  return box;
}

const ids = (hosting: MailHostingFacts, box: Mailbox) => ({
  hostingId: hosting.hostingId,
  mailboxId: box.mailboxId,
  address: box.address,
});

export function decideChangeMailboxPassword(
  state: MailboxesState,
  command: { readonly address: string; readonly password: string },
  context: MailChangeContext,
): readonly MailboxPasswordChanged[] {
  const box = changeable(state, command.address, context.hosting);
  parseMailPassword(command.password);
  return [
    {
      type: 'MailboxPasswordChanged',
      data: { ...ids(context.hosting, box), actor: context.actor },
    },
  ];
}

export function decideChangeMailboxQuota(
  state: MailboxesState,
  command: { readonly address: string; readonly quotaMb: unknown },
  context: MailChangeContext,
): readonly MailboxQuotaChanged[] {
  const box = changeable(state, command.address, context.hosting);
  const quotaMb = parseMailboxQuota(command.quotaMb);
  if (quotaMb === box.quotaMb) return [];
  return [
    {
      type: 'MailboxQuotaChanged',
      data: { ...ids(context.hosting, box), quotaMb, actor: context.actor },
    },
  ];
}

export function decideChangeMailboxAccess(
  state: MailboxesState,
  command: { readonly address: string; readonly pop: boolean; readonly imap: boolean },
  context: MailChangeContext,
): readonly MailboxAccessChanged[] {
  const box = changeable(state, command.address, context.hosting);
  if (command.pop === box.pop && command.imap === box.imap) return [];
  return [
    {
      type: 'MailboxAccessChanged',
      data: {
        ...ids(context.hosting, box),
        pop: command.pop,
        imap: command.imap,
        actor: context.actor,
      },
    },
  ];
}

export function decideChangeMailboxAutoReply(
  state: MailboxesState,
  command: { readonly address: string; readonly message: string | null },
  context: MailChangeContext,
): readonly MailboxAutoReplyChanged[] {
  const box = changeable(state, command.address, context.hosting);
  const message = parseAutoReply(command.message);
  if (message === box.autoReply) return [];
  return [
    {
      type: 'MailboxAutoReplyChanged',
      data: { ...ids(context.hosting, box), message, actor: context.actor },
    },
  ];
}

export interface RequestMailboxDeletionContext extends MailChangeContext {
  /** Today in Paris. */
  readonly today: Day;
  /** MAIL_DELETION_DAYS: how long the mail waits before the purge (default 7). */
  readonly deletionDays: number;
}

/** Logins and delivery stop at once; the purge may run from today + MAIL_DELETION_DAYS. */
export function decideRequestMailboxDeletion(
  state: MailboxesState,
  command: { readonly address: string; readonly reason: MailboxDeletionReason },
  context: RequestMailboxDeletionContext,
): readonly MailboxDeletionRequested[] {
  const box = mailboxAt(state, command.address);
  if (box.status === 'deletion_pending' || box.status === 'purging')
    throw new DomainError(
      'conflict',
      `La suppression de la boîte ${box.address} est déjà demandée (purge le ${formatDayFr(box.purgeAfter ?? context.today)}).`,
      'adresse',
    );
  return [
    {
      type: 'MailboxDeletionRequested',
      data: {
        ...ids(context.hosting, box),
        purgeAfter: addDays(context.today, context.deletionDays),
        reason: command.reason,
        actor: context.actor,
      },
    },
  ];
}

/** The box works again with all its mail, unless its purge has started. */
export function decideCancelMailboxDeletion(
  state: MailboxesState,
  command: { readonly address: string },
  context: MailChangeContext,
): readonly MailboxDeletionCancelled[] {
  refuseClosed(context.hosting);
  const box = mailboxAt(state, command.address);
  if (box.status === 'purging')
    throw new DomainError(
      'conflict',
      `La purge de la boîte ${box.address} a commencé : la suppression ne peut plus être annulée.`,
      'adresse',
    );
  if (box.status !== 'deletion_pending')
    throw new DomainError(
      'conflict',
      `Aucune suppression de la boîte ${box.address} n’est en attente.`,
      'adresse',
    );
  return [
    {
      type: 'MailboxDeletionCancelled',
      data: { ...ids(context.hosting, box), actor: context.actor },
    },
  ];
}

/** Boxes beyond the hosting's allowance (`hebergements.nb_mails`, HOSTING.md decision 3). */
export interface MailboxOverage {
  /** The allowance (plan + options). */
  readonly included: number;
  /** Boxes once this one is created (every `mails` row counts, a disabled one too). */
  readonly boxes: number;
  /** What the boxes beyond the allowance cost each month, as the overage run bills them. */
  readonly monthly: MonthlyEstimate;
}

/**
 * The price announced before a box beyond the allowance is created (not a refusal): the
 * overage run's own estimate for that many extra boxes. Null within the allowance, or when the
 * hosting has none recorded (0: not checked, as the overage run reads it).
 */
export function mailboxOverage(
  boxesAfter: number,
  included: number,
  price: ResourcePrice,
  vatRate: string,
): MailboxOverage | null {
  if (included <= 0 || boxesAfter <= included) return null;
  return {
    included,
    boxes: boxesAfter,
    monthly: monthlyEstimate(boxesAfter - included, price, vatRate),
  };
}

/** The French announcement of boxes beyond the allowance, with their monthly price. */
export function mailboxOverageText(overage: MailboxOverage): string {
  const extra = overage.boxes - overage.included;
  return `Au-delà des ${overage.included} boîtes incluses dans l’offre, ${extra === 1 ? 'la boîte supplémentaire est facturée' : `les ${extra} boîtes supplémentaires sont facturées`} ${formatEuros(overage.monthly.net)} HT par mois (${formatEuros(overage.monthly.total)} TTC), avec les dépassements.`;
}
