import type { AuthUser } from '../../src/auth/auth-user.js';

/** An admin login without customer accounts, as the tests call controllers and handlers. */
export const STAFF: AuthUser = {
  userId: '1',
  login: 'admin',
  admin: true,
  treasurer: false,
  cooperator: false,
  tiersId: null,
  customerIds: [],
};

/** A cooperator holding these customer accounts. */
export const cooperator = (login: string, customerIds: string[]): AuthUser => ({
  ...STAFF,
  userId: `user-${login}`,
  login,
  admin: false,
  cooperator: true,
  tiersId: customerIds[0] ?? null,
  customerIds,
});
