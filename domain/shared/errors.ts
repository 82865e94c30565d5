/**
 * Every refusal code (API clients switch on them; src/kernel/errors.ts gives each its HTTP
 * status and French message). Add a code here and there, never reuse one for another meaning.
 */
export const ERROR_CODES = [
  // The input is malformed, incomplete or out of range (422).
  'invalid_input',
  'invalid_file',
  'invalid_config',
  'not_found',
  'unknown_account',
  'unknown_product',
  'vat_rate_missing',
  // Sign-in.
  'invalid_credentials',
  'inactive_user',
  'throttled',
  // Already done, or done concurrently (409).
  'conflict',
  'already_bounced',
  'already_cancelled',
  'already_closed',
  'already_counted',
  'already_declared',
  'already_deposited',
  'already_issued',
  'already_matched',
  'already_paid',
  'already_scheduled',
  'already_voted',
  // A rule of the business refuses it as asked (422).
  'account_closed',
  'customer_closed',
  'invoice_cancelled',
  'not_in_trial',
  'allocation_mismatch',
  'exceeds_balance',
  'exceeds_credit',
  'exceeds_payment',
  'no_credit',
  'nothing_to_pay',
  'card_unavailable',
  'capital_floor',
  'not_a_member',
  'no_members',
  'has_proxies',
  'holder_absent',
  'not_counted',
  'postal_too_late',
  'proxy_cap',
  'quorum_not_reached',
  'voting_started',
  'too_early',
  'notice_too_short',
  'period_locked',
  'mx_managed',
  // A hosting name (domain, FTP login, site, address, database) another holds, here or in Gloux.
  'name_taken',
  // Something still uses it (a domain with web spaces or mailboxes).
  'in_use',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A rule broken by a command. `code` is stable (API clients switch on it); `message` is the
 * French sentence shown to the user; `field` names the input at fault when there is one.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** One refused input of a form: its field and a French sentence. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
  /** The rule broken, when it has its own code (default invalid_input). */
  readonly code?: ErrorCode;
}

/**
 * The refusal of a form with every error at once: one error keeps its own code and sentence;
 * several say how many, with the code they share (else invalid_input). All are in
 * `details.errors`, so a page lists each one beside its input.
 */
export function formRefusal(errors: readonly FieldError[]): DomainError {
  const first = errors[0]!;
  const codes = new Set(errors.map((e) => e.code ?? 'invalid_input'));
  const code = codes.size === 1 ? [...codes][0]! : 'invalid_input';
  return new DomainError(
    code,
    errors.length === 1
      ? first.message
      : `Le formulaire comporte ${errors.length} erreurs : corrigez-les toutes.`,
    first.field,
    { errors: errors.map((e) => ({ field: e.field, message: e.message })) },
  );
}

/** Runs `parse` on one input; any failure becomes an 'invalid_input' error naming `field`. */
export function parseField<T>(field: string, parse: () => T, message: string): T {
  try {
    return parse();
  } catch {
    throw new DomainError('invalid_input', message, field);
  }
}
