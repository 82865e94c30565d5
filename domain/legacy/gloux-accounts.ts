import {
  decideAdoptLegacy,
  statusOf,
  type AccountState,
  type LegacyAccountRow,
} from '../accounts/account.js';
import type { AccountEvent } from '../accounts/events.js';

/**
 * Gloux → gloux2 for hosting accounts: Gloux's own state changes (G3's weekly suspension for
 * unpaid invoices, an admin's edit of hebergements.etat) as the shared account events. What
 * Gloux opened, suspended or closed is the lifecycle's adoption rule (decideAdoptLegacy);
 * the ingestion adds what only it takes in: an admin's reactivation in Gloux lifts every
 * reason, and a reopening after closure, which no event can say, is reported.
 */

/** Gloux's etat as gloux2's state gives it. */
export function glouxStateOf(state: AccountState): 'actif' | 'suspendu' | 'ferme' {
  const status = statusOf(state);
  return status === 'closed' ? 'ferme' : status === 'suspended' ? 'suspendu' : 'actif';
}

/**
 * Events bringing gloux2's account to Gloux's etat. `mirrored`: gloux2's own events on the
 * account are already in Gloux's row (otherwise the row is merely behind, and only an account
 * the log does not know is taken in).
 */
export function accountFromGloux(
  state: AccountState,
  row: LegacyAccountRow,
  today: string,
  mirrored = true,
): { events: AccountEvent[]; issue: { code: string; message: string } | null } {
  // A zero date_etat is unknown, not the opening day: the state is dated the day it was seen.
  const undated = row.etat !== 'actif' && row.stateOn === null;
  const events = [
    ...decideAdoptLegacy(state, undated ? { ...row, stateOn: today } : row, { mirrored, today }),
  ];
  if (!mirrored) return { events, issue: null };
  const after = events.reduce<AccountState>(
    (s, e) => (e.type === 'AccountOpened' ? { ...s, exists: true } : s),
    state,
  );
  if (state.closedOn !== null && row.etat !== 'ferme') {
    return {
      events,
      issue: {
        code: 'reopened',
        message: `Compte ${row.name} (n° ${row.accountId}) : « ${row.etat} » dans Gloux alors qu’il est fermé dans gloux2 ; une réouverture se fait dans gloux2.`,
      },
    };
  }
  // Reactivated by hand in Gloux: every reason is lifted.
  if (after.exists && row.etat === 'actif' && state.closedOn === null) {
    for (const s of state.suspensions)
      events.push({
        type: 'AccountReactivated',
        data: { accountId: row.accountId, liftedReason: s.reason, on: today },
      });
  }
  const dated = events.some((e) => e.type === 'AccountSuspended' || e.type === 'AccountClosed');
  if (undated && dated)
    return {
      events,
      issue: {
        code: 'zero_state_date',
        message: `Compte ${row.name} (n° ${row.accountId}) : « ${row.etat} » dans Gloux sans date (date_etat nulle) ; daté du jour où gloux2 l’a vu, le ${today}.`,
      },
    };
  return { events, issue: null };
}
