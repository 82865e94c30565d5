import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. Every controller method gets one of these decorators (or none: then
 * only an admin may call it — deny by default). The global AccessGuard enforces them.
 *
 * - `@Public()`: no session needed (sign-in, sign-up, the bank's callbacks). Forms still carry
 *   a CSRF token; `@Public({ csrf: false })` only for server-to-server callbacks.
 * - `@SignedIn()`: any signed-in user; the handler decides what to show (home, sign-out).
 * - `@Staff()`: a treasurer (Gloux role `compta`) or an admin.
 * - `@Member({ customer: 'customerId' })`: staff, or the cooperator who owns the resource named
 *   by the route parameter (kinds: customer, invoice, creditNote, payment, hosting, tiers).
 * - `@AdminOnly()`: the default, written out where it helps the reader.
 */
export type OwnedKind = 'customer' | 'invoice' | 'creditNote' | 'payment' | 'hosting' | 'tiers';

/** Route parameter names, by the kind of resource each one names. */
export type OwnedParams = Partial<Record<OwnedKind, string>>;

export type AccessRule =
  | { readonly kind: 'public'; readonly csrf: boolean }
  | { readonly kind: 'signed_in' }
  | { readonly kind: 'staff' }
  | { readonly kind: 'member'; readonly params: OwnedParams }
  | { readonly kind: 'admin' };

export const ACCESS_RULE = 'g2:access-rule';

/** What a route without a decorator gets. */
export const DEFAULT_RULE: AccessRule = { kind: 'admin' };

export const Public = (options: { csrf?: boolean } = {}) =>
  SetMetadata(ACCESS_RULE, { kind: 'public', csrf: options.csrf ?? true } satisfies AccessRule);

export const SignedIn = () => SetMetadata(ACCESS_RULE, { kind: 'signed_in' } satisfies AccessRule);

export const Staff = () => SetMetadata(ACCESS_RULE, { kind: 'staff' } satisfies AccessRule);

export const Member = (params: OwnedParams) => {
  if (Object.keys(params).length === 0) throw new Error('@Member needs at least one parameter');
  return SetMetadata(ACCESS_RULE, { kind: 'member', params } satisfies AccessRule);
};

export const AdminOnly = () => SetMetadata(ACCESS_RULE, { kind: 'admin' } satisfies AccessRule);
