import type { ErrorCode } from '../../domain/shared/errors.js';

/** Codes the HTTP layer answers with besides the domain's refusals. */
export type HttpErrorCode =
  'unauthenticated' | 'forbidden' | 'csrf_invalid' | 'bad_request' | 'internal_error';

export type ApiErrorCode = ErrorCode | HttpErrorCode;

export interface CatalogueEntry {
  readonly status: number;
  /** French, for the user: the message when the refusal carries none of its own. */
  readonly message: string;
}

const invalid = (message: string): CatalogueEntry => ({ status: 422, message });
const conflict = (message: string): CatalogueEntry => ({ status: 409, message });

/**
 * Every error code with its HTTP status and French message. The domain's refusals usually
 * carry a more precise sentence (figures, names): this is the fallback and the reference.
 * The statuses are those API clients already rely on: 404 unknown, 409 already done or done
 * concurrently, 422 refused, 401/403/429 for sign-in and access.
 */
export const ERROR_CATALOGUE: { readonly [C in ApiErrorCode]: CatalogueEntry } = {
  invalid_input: invalid('Saisie invalide : corrigez le champ indiqué.'),
  invalid_file: invalid('Fichier illisible : il n’a pas été importé.'),
  invalid_config: invalid('Réglage invalide : vérifiez la configuration.'),
  not_found: { status: 404, message: 'Page introuvable.' },
  unknown_account: invalid('Compte bancaire inconnu de la coopérative.'),
  unknown_product: invalid('Produit introuvable dans le catalogue.'),
  vat_rate_missing: invalid('Aucun taux de TVA connu à cette date.'),
  invalid_credentials: { status: 401, message: 'Identifiant ou mot de passe incorrect.' },
  inactive_user: { status: 403, message: 'Ce compte utilisateur est désactivé.' },
  throttled: { status: 429, message: 'Trop d’essais : réessayez dans quelques minutes.' },
  conflict: conflict('Conflit : cette opération a été faite entre-temps, rechargez la page.'),
  already_bounced: conflict('Ce paiement est déjà enregistré comme impayé.'),
  already_cancelled: conflict('Déjà annulé.'),
  already_closed: conflict('Déjà clos.'),
  already_counted: conflict('Déjà compté.'),
  already_declared: conflict('Déjà déclaré.'),
  already_deposited: conflict('Ce chèque est déjà sur un bordereau de remise.'),
  already_issued: conflict('Déjà émis.'),
  already_matched: conflict('Déjà rapproché.'),
  already_paid: conflict('Déjà payé.'),
  already_scheduled: conflict('Déjà programmé.'),
  already_voted: conflict('Vote déjà enregistré.'),
  account_closed: invalid('Ce compte est fermé.'),
  customer_closed: invalid('Ce client est fermé.'),
  invoice_cancelled: invalid('Cette facture est annulée par avoir.'),
  not_in_trial: invalid('Ce compte n’est pas en période d’essai.'),
  allocation_mismatch: invalid('La répartition ne correspond pas au montant.'),
  exceeds_balance: invalid('Le montant dépasse ce qui reste dû.'),
  exceeds_credit: invalid('Le montant dépasse le crédit disponible.'),
  exceeds_payment: invalid('Le montant dépasse celui du paiement.'),
  no_credit: invalid('Aucun crédit à utiliser.'),
  nothing_to_pay: invalid('Aucune facture impayée.'),
  card_unavailable: invalid('Le paiement par carte n’est pas disponible.'),
  capital_floor: invalid('Le capital passerait sous son plancher.'),
  not_a_member: invalid('Ce tiers n’est pas sociétaire.'),
  no_members: invalid('Aucun sociétaire avec droit de vote.'),
  has_proxies: invalid('Ce sociétaire détient des procurations.'),
  holder_absent: invalid('Le mandataire n’est pas présent.'),
  not_counted: invalid('Ce sociétaire n’est pas compté.'),
  postal_too_late: invalid('Vote par correspondance trop tardif.'),
  proxy_cap: invalid('Nombre maximal de procurations atteint.'),
  quorum_not_reached: invalid('Le quorum n’est pas atteint.'),
  voting_started: invalid('Le vote a commencé.'),
  too_early: invalid('Trop tôt.'),
  notice_too_short: invalid('Le délai de convocation fixé par les statuts n’est pas respecté.'),
  period_locked: invalid('Cette période est close.'),
  mx_managed: invalid('Les enregistrements MX de ce domaine sont gérés par Ouvaton.'),
  name_taken: invalid('Ce nom est déjà pris.'),
  in_use: invalid('Encore utilisé : retirez d’abord ce qui en dépend.'),
  unauthenticated: {
    status: 401,
    message: 'Connexion requise : identifiez-vous pour continuer.',
  },
  forbidden: {
    status: 403,
    message: 'Accès refusé : cette page n’est pas accessible à votre compte.',
  },
  csrf_invalid: {
    status: 403,
    message: 'Formulaire expiré ou invalide : rechargez la page et recommencez.',
  },
  bad_request: { status: 400, message: 'Requête invalide.' },
  internal_error: {
    status: 500,
    message: 'Erreur interne : l’opération n’a pas été enregistrée.',
  },
};

/** The HTTP status of a refusal. */
export function statusOf(error: { readonly code: ApiErrorCode }): number {
  return ERROR_CATALOGUE[error.code].status;
}

/** The refusal's own French sentence, or its code's when it has none. */
export function messageOf(error: {
  readonly code: ApiErrorCode;
  readonly message?: string;
}): string {
  return error.message || ERROR_CATALOGUE[error.code].message;
}

/**
 * MariaDB's "table definition has changed, please retry transaction" (ER_TABLE_DEF_CHANGED): a
 * transaction whose snapshot predates a table swapped in by a rebuild reads that table.
 */
const TABLE_DEF_CHANGED = 1412;

/**
 * MySQL/MariaDB server errors that say nothing about the data: deadlock, lock wait timeout, a
 * table swapped in since the transaction's snapshot.
 */
const MYSQL_TRANSIENT_ERRNOS = new Set([1205, 1213, TABLE_DEF_CHANGED]);
/** Connection failures (mysql2 and Node socket codes): the server was away for a moment. */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
]);

/**
 * True when a database error is transient (trying again later may succeed): recognised by the
 * driver's error number or code, never by its text. TypeORM's QueryFailedError copies the
 * driver's `code`/`errno` and keeps it as `driverError`; wrappers may hang it on `cause`.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  return driverErrors(error).some(
    ({ code, errno }) =>
      (errno !== undefined && MYSQL_TRANSIENT_ERRNOS.has(errno)) ||
      (code !== undefined &&
        // better-sqlite3: SQLITE_BUSY, SQLITE_LOCKED and their extended codes (…_SNAPSHOT…).
        (CONNECTION_CODES.has(code) || /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code))),
  );
}

/** True when a transaction read a table swapped in after its snapshot: run it again. */
export function isTableDefinitionChanged(error: unknown): boolean {
  return driverErrors(error).some(({ errno }) => errno === TABLE_DEF_CHANGED);
}

/** True for a unique-key violation: MySQL ER_DUP_ENTRY (1062), SQLite UNIQUE / PRIMARY KEY. */
export function isDuplicateKeyError(error: unknown): boolean {
  return driverErrors(error).some(
    ({ code, errno }) =>
      errno === 1062 ||
      code === 'ER_DUP_ENTRY' ||
      code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  );
}

/** The error, then what it wraps (TypeORM's `driverError`, then `cause`): code and number. */
function driverErrors(error: unknown): { code?: string; errno?: number }[] {
  const found: { code?: string; errno?: number }[] = [];
  const seen = new Set<unknown>();
  let e = error as { code?: unknown; errno?: unknown; driverError?: unknown; cause?: unknown };
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    found.push({
      code: typeof e.code === 'string' ? e.code : undefined,
      errno: typeof e.errno === 'number' ? e.errno : undefined,
    });
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return found;
}
