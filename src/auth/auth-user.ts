import type { LegacyRole } from '../../legacy-sync/legacy-users.js';

/** The signed-in user as every request sees it (req.auth.user). */
export interface AuthUser {
  readonly userId: string;
  readonly login: string;
  readonly admin: boolean;
  /** Gloux role `compta`. */
  readonly treasurer: boolean;
  /** Gloux role `client` with at least one customer account. */
  readonly cooperator: boolean;
  /** The person whose accounts the login sees (null for a staff-only login). */
  readonly tiersId: string | null;
  /** Every customer account (clients.id_client) of that person. */
  readonly customerIds: readonly string[];
}

export function authUserOf(
  legacy: { userId: string; login: string; roles: readonly LegacyRole[]; tiersId: string | null },
  customerIds: readonly string[],
): AuthUser {
  return {
    userId: legacy.userId,
    login: legacy.login,
    admin: legacy.roles.includes('admin'),
    treasurer: legacy.roles.includes('compta'),
    cooperator: legacy.roles.includes('client') && customerIds.length > 0,
    tiersId: legacy.tiersId,
    customerIds,
  };
}

export const isStaff = (u: AuthUser) => u.admin || u.treasurer;

/** What the layout shows (res.locals.currentUser). */
export function viewUser(u: AuthUser) {
  return {
    login: u.login,
    admin: u.admin,
    staff: isStaff(u),
    treasurer: u.treasurer,
    cooperator: u.cooperator,
    role: u.admin ? 'administrateur' : u.treasurer ? 'trésorier' : 'coopérateur',
  };
}
