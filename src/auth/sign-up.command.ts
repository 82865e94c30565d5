/**
 * Joining the cooperative by the public sign-up (handled in sign-up.handler.ts). `input`: the
 * form's fields (see `checkSignUp`); `ip`: the visitor's address, for the per-address limit
 * (empty: only the overall limit applies, e.g. from the command line).
 */
export class SignUpCommand {
  constructor(
    readonly input: Record<string, unknown>,
    readonly idempotencyKey: unknown,
    readonly ip = '',
  ) {}
}

export interface SignUpResult {
  readonly customerId: string;
  readonly accountId: string;
  readonly userId: string;
  readonly tiersId: string;
  readonly hostingName: string;
  readonly openedOn: string;
  readonly trialEndsOn: string;
  /** The shares subscribed, as ranges ("12" or "12-13"), to be paid up like any subscription. */
  readonly shareNumbers: string;
}

/** The fields a sign-up reads: only these are kept with its idempotency key. */
export const SIGN_UP_FIELDS = [
  'kind',
  'firstName',
  'lastName',
  'company',
  'email',
  'address',
  'postalCode',
  'city',
  'login',
  'password',
  'passwordConfirmation',
  'hostingName',
  'planId',
  'shares',
  'acceptsTerms',
  'acceptsPrivacy',
] as const;
