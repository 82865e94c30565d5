import { addDays, type Day } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type {
  AccountClosed,
  AccountEvent,
  AccountReactivated,
  AccountSuspended,
  SuspensionReason,
} from './events.js';

/**
 * A hosting account's life: trial, conversion, suspensions (one per reason, kept apart),
 * closure notice, closure. Pure: the day and the customer's invoices are passed in.
 */

export interface Suspension {
  readonly reason: SuspensionReason;
  readonly note: string;
  readonly since: Day;
}

export interface AccountState {
  readonly exists: boolean;
  readonly accountId: string;
  readonly customerId: string;
  readonly name: string;
  readonly openedOn: Day | null;
  readonly trialEndsOn: Day | null;
  readonly convertedOn: Day | null;
  readonly suspensions: readonly Suspension[];
  readonly closureNotice: { readonly on: Day; readonly closesOn: Day } | null;
  readonly closedOn: Day | null;
}

export type AccountStatus = 'active' | 'suspended' | 'closed';

export function initialAccountState(accountId: string): AccountState {
  return {
    exists: false,
    accountId,
    customerId: '',
    name: '',
    openedOn: null,
    trialEndsOn: null,
    convertedOn: null,
    suspensions: [],
    closureNotice: null,
    closedOn: null,
  };
}

export function statusOf(state: AccountState): AccountStatus {
  if (state.closedOn !== null) return 'closed';
  return state.suspensions.length > 0 ? 'suspended' : 'active';
}

export function hasReason(state: AccountState, reason: SuspensionReason): boolean {
  return state.suspensions.some((s) => s.reason === reason);
}

/** In trial: opened with a trial end and not converted (whether or not the trial is over). */
export function inTrial(state: AccountState): boolean {
  return state.trialEndsOn !== null && state.convertedOn === null;
}

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        customerId: d.customerId,
        name: d.name,
        openedOn: d.openedOn,
        trialEndsOn: d.trialEndsOn,
      };
    }
    case 'AccountSuspended': {
      const d = event.data;
      if (hasReason(state, d.reason)) return state;
      return {
        ...state,
        exists: true,
        suspensions: [...state.suspensions, { reason: d.reason, note: d.note, since: d.on }],
      };
    }
    case 'AccountReactivated': {
      const suspensions = state.suspensions.filter((s) => s.reason !== event.data.liftedReason);
      // A notice stands only while a reason that leads to closure is still there.
      const closureNotice = suspensions.some((s) => CLOSING_REASONS.includes(s.reason))
        ? state.closureNotice
        : null;
      return { ...state, suspensions, closureNotice };
    }
    case 'AccountClosed':
      return { ...state, exists: true, closedOn: event.data.on, closureNotice: null };
    case 'AccountConverted':
      return { ...state, convertedOn: event.data.on };
    case 'AccountClosureNoticeSent':
      return { ...state, closureNotice: { on: event.data.on, closesOn: event.data.closesOn } };
  }
}

export function foldAccount(accountId: string, events: readonly AccountEvent[]): AccountState {
  return events.reduce(evolveAccount, initialAccountState(accountId));
}

/** Reasons the job itself may lead to closure; 'admin' and 'abuse' are a human's business. */
export const CLOSING_REASONS: readonly SuspensionReason[] = ['unpaid', 'trial_expired'];

/** Everything the daily job's delays depend on (LIFECYCLE_* settings). */
export interface LifecycleRules {
  /** Suspended for 'unpaid' when an invoice is still owed more than this many days after its due date. */
  readonly suspensionDays: number;
  /** Reminders, in days after the due date (ascending). */
  readonly reminderDays: readonly number[];
  /** Days a notice or reminder may still be sent late (the job did not run that day). */
  readonly catchUpDays: number;
  /** Days of suspension ('unpaid' or 'trial_expired') before the closure notice. */
  readonly closureNoticeDays: number;
  /** Days between the closure notice and the closure. */
  readonly closureDays: number;
  /** At the end of an unconverted trial: suspend ('trial_expired') or close at once. */
  readonly trialExpiry: 'suspend' | 'close';
}

/** A customer's invoice as the decisions see it: `left` is what is still due (after credit notes). */
export interface OpenInvoice {
  readonly invoiceId: string;
  readonly number: string;
  readonly issuedOn: Day;
  readonly dueOn: Day;
  readonly total: string;
  readonly left: string;
}

/** Something is still due: never true for a 0.00 invoice nor one covered by credit notes. */
export function isOwed(invoice: OpenInvoice): boolean {
  return Money.of(invoice.left).isPositive() && Money.of(invoice.total).isPositive();
}

/** Owed invoices past the suspension delay on `on`. */
export function overdueInvoices(
  invoices: readonly OpenInvoice[],
  rules: Pick<LifecycleRules, 'suspensionDays'>,
  on: Day,
): OpenInvoice[] {
  return invoices.filter((i) => isOwed(i) && on > addDays(i.dueOn, rules.suspensionDays));
}

export const unpaidNote = (rules: Pick<LifecycleRules, 'suspensionDays'>) =>
  `impayé > ${rules.suspensionDays} jours`;

export const TRIAL_EXPIRED_NOTE = 'période d’essai terminée';

function apply(state: AccountState, events: AccountEvent[], e: AccountEvent): AccountState {
  events.push(e);
  return evolveAccount(state, e);
}

/**
 * The day's decisions for one account: closure when its notice expires, trial expiry, suspension
 * for an invoice owed past the delay, closure notice after a long suspension. Running it again
 * on the same day (on the state it produced) decides nothing.
 */
export function decideDaily(
  state: AccountState,
  command: { readonly on: Day },
  context: { readonly invoices: readonly OpenInvoice[]; readonly rules: LifecycleRules },
): readonly AccountEvent[] {
  const { on } = command;
  const { invoices, rules } = context;
  if (!state.exists || state.closedOn !== null) return [];
  const events: AccountEvent[] = [];
  const id = state.accountId;
  if (state.closureNotice && on >= state.closureNotice.closesOn) {
    const closed: AccountClosed = {
      type: 'AccountClosed',
      data: { accountId: id, on, note: `fermé après suspension (${reasonsText(state)})` },
    };
    return [closed];
  }
  let s = state;
  if (inTrial(s) && on > s.trialEndsOn!) {
    if (rules.trialExpiry === 'close') {
      return [{ type: 'AccountClosed', data: { accountId: id, on, note: TRIAL_EXPIRED_NOTE } }];
    }
    if (!hasReason(s, 'trial_expired')) {
      s = apply(s, events, suspended(id, 'trial_expired', TRIAL_EXPIRED_NOTE, on));
    }
  }
  if (!hasReason(s, 'unpaid') && overdueInvoices(invoices, rules, on).length > 0) {
    s = apply(s, events, suspended(id, 'unpaid', unpaidNote(rules), on));
  }
  if (s.closureNotice === null) {
    const closing = s.suspensions
      .filter((x) => CLOSING_REASONS.includes(x.reason))
      .sort((a, b) => (a.since < b.since ? -1 : 1))[0];
    // Like reminders, a notice is sent late only within the catch-up window: an account
    // suspended long ago (Gloux never closed any) is left for a person, not closed in bulk.
    const noticeOn = closing ? addDays(closing.since, rules.closureNoticeDays) : null;
    if (closing && noticeOn && on >= noticeOn && on < addDays(noticeOn, rules.catchUpDays)) {
      apply(s, events, {
        type: 'AccountClosureNoticeSent',
        data: {
          accountId: id,
          reason: closing.reason,
          on,
          closesOn: addDays(on, rules.closureDays),
        },
      });
    }
  }
  return events;
}

function suspended(
  accountId: string,
  reason: SuspensionReason,
  note: string,
  on: Day,
): AccountSuspended {
  return { type: 'AccountSuspended', data: { accountId, reason, note, on } };
}

function lifted(accountId: string, reason: SuspensionReason, on: Day): AccountReactivated {
  return { type: 'AccountReactivated', data: { accountId, liftedReason: reason, on } };
}

function reasonsText(state: AccountState): string {
  return state.suspensions.map((s) => s.note).join(', ') || 'sans motif';
}

/**
 * After a payment (any mode) or a credit note: a trial account whose customer paid an invoice
 * issued since the opening is converted (its 'trial_expired' suspension lifted); an 'unpaid' suspension is lifted
 * when nothing is owed past the delay any more. Only these two reasons are ever lifted here.
 */
export function decideAfterPayment(
  state: AccountState,
  command: {
    /** An invoice of the customer (with something to pay) now fully paid, if any. */
    readonly paidInvoice: { readonly invoiceId: string; readonly issuedOn: Day } | null;
    readonly on: Day;
  },
  context: {
    readonly invoices: readonly OpenInvoice[];
    readonly rules: Pick<LifecycleRules, 'suspensionDays'>;
  },
): readonly AccountEvent[] {
  if (!state.exists || state.closedOn !== null) return [];
  const { on, paidInvoice: paid } = command;
  const events: AccountEvent[] = [];
  const id = state.accountId;
  let s = state;
  // Only an invoice of the account's own time converts it (not one from before the sign-up).
  if (inTrial(s) && paid !== null && paid.issuedOn >= (s.openedOn ?? '')) {
    s = apply(s, events, {
      type: 'AccountConverted',
      data: { accountId: id, on, by: 'payment', invoiceId: paid.invoiceId },
    });
    if (hasReason(s, 'trial_expired')) s = apply(s, events, lifted(id, 'trial_expired', on));
  }
  if (hasReason(s, 'unpaid') && overdueInvoices(context.invoices, context.rules, on).length === 0) {
    apply(s, events, lifted(id, 'unpaid', on));
  }
  return events;
}

/** Opening an account gloux2 creates: with a trial end (sign-up) or already paying (null). */
export interface OpenAccount {
  readonly customerId: string;
  readonly name: string;
  readonly openedOn: Day;
  readonly trialEndsOn: Day | null;
}

export function decideOpenAccount(
  state: AccountState,
  command: OpenAccount,
): readonly AccountEvent[] {
  if (state.exists)
    throw new DomainError('conflict', 'Ce compte d’hébergement est déjà ouvert.', 'accountId');
  return [{ type: 'AccountOpened', data: { accountId: state.accountId, ...command } }];
}

/** An admin turns a trial account into a paying one (lifting a 'trial_expired' suspension). */
export function decideConvertByAdmin(
  state: AccountState,
  command: { readonly on: Day },
): readonly AccountEvent[] {
  const { on } = command;
  if (!state.exists) throw new DomainError('not_found', 'Compte d’hébergement inconnu.');
  if (state.closedOn !== null)
    throw new DomainError('account_closed', 'Ce compte est fermé.', undefined);
  if (!inTrial(state))
    throw new DomainError('not_in_trial', 'Ce compte n’est pas en période d’essai.');
  const events: AccountEvent[] = [
    {
      type: 'AccountConverted',
      data: { accountId: state.accountId, on, by: 'admin', invoiceId: null },
    },
  ];
  if (hasReason(state, 'trial_expired')) events.push(lifted(state.accountId, 'trial_expired', on));
  return events;
}

/** Gloux's `motif_etat` read as a reason (G3 writes 'impayé > 60 jours'). */
export function reasonOfMotif(motif: string): SuspensionReason {
  const m = motif.toLowerCase();
  if (m.includes('impay')) return 'unpaid';
  if (m.includes('essai')) return 'trial_expired';
  if (m.includes('abus')) return 'abuse';
  return 'admin';
}

/** An account's row in Gloux's `hebergements`. */
export interface LegacyAccountRow {
  readonly accountId: string;
  readonly customerId: string;
  readonly name: string;
  readonly createdOn: Day | null;
  readonly etat: 'actif' | 'suspendu' | 'ferme';
  readonly motif: string;
  readonly stateOn: Day | null;
}

/**
 * What Gloux did to an account that the log does not know yet, as events (recorded with source
 * 'gloux'): an account with no stream is taken as Gloux has it; a suspension or closure Gloux
 * made since (G3, an admin) is taken in. Only when `mirrored` (Gloux reflects the stream's last
 * event already), so a change not yet mirrored is never taken back.
 * Gloux's reactivations are left to the ingestion of Gloux's writes.
 */
export function decideAdoptLegacy(
  state: AccountState,
  row: LegacyAccountRow,
  context: { readonly mirrored: boolean; readonly today: Day },
): readonly AccountEvent[] {
  const { mirrored, today } = context;
  const id = state.accountId;
  const since = row.stateOn ?? row.createdOn ?? today;
  if (!state.exists) {
    const events: AccountEvent[] = [
      {
        type: 'AccountOpened',
        data: {
          accountId: id,
          customerId: row.customerId,
          name: row.name,
          openedOn: row.createdOn ?? today,
          trialEndsOn: null,
        },
      },
    ];
    if (row.etat === 'suspendu')
      events.push(suspended(id, reasonOfMotif(row.motif), row.motif || 'suspendu', since));
    if (row.etat === 'ferme')
      events.push({ type: 'AccountClosed', data: { accountId: id, on: since, note: row.motif } });
    return events;
  }
  if (!mirrored || state.closedOn !== null) return [];
  if (row.etat === 'ferme')
    return [{ type: 'AccountClosed', data: { accountId: id, on: since, note: row.motif } }];
  if (row.etat === 'suspendu') {
    const reason = reasonOfMotif(row.motif);
    if (!hasReason(state, reason)) return [suspended(id, reason, row.motif || 'suspendu', since)];
  }
  return [];
}
