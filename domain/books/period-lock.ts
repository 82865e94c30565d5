import type { BankEvent } from '../bank/events.js';
import type { BillingEvent } from '../billing/events.js';
import { addDays, formatDayFr, isDay, type Day } from '../shared/day.js';
import { formatMonthFr, firstDayOf, monthOf, nextMonth } from '../overage/months.js';
import { DomainError } from '../shared/errors.js';
import { fiscalYearBounds, fiscalYearOf } from '../shared/fiscal-year.js';
import type { ShareEvent, SharePayoutEvent } from '../shares/events.js';
import type { BooksEvent, ClosedJournal, FiscalYearClosed, VatMonthDeclared } from './events.js';

/**
 * Closed fiscal years and declared VAT months (docs/accounting.md §7): no document, payment,
 * reversal or import may be dated in them. Every command goes through `lockedDays` in the
 * command pipeline, so the rule holds whatever handler appends the events.
 */

export interface ClosedYear {
  readonly fiscalYear: number;
  readonly first: Day;
  readonly last: Day;
  readonly closedOn: Day;
}

export interface PeriodLocks {
  readonly closedYears: readonly ClosedYear[];
  /** 'YYYY-MM', in no particular order. */
  readonly declaredMonths: readonly string[];
}

export const NO_LOCKS: PeriodLocks = { closedYears: [], declaredMonths: [] };

export function evolvePeriodLocks(state: PeriodLocks, e: BooksEvent): PeriodLocks {
  switch (e.type) {
    case 'FiscalYearClosed': {
      const { fiscalYear, first, last, closedOn } = e.data;
      return {
        ...state,
        closedYears: [...state.closedYears, { fiscalYear, first, last, closedOn }],
      };
    }
    case 'VatMonthDeclared':
      return { ...state, declaredMonths: [...state.declaredMonths, e.data.month] };
    case 'LockedPeriodWriteRedated':
      return state;
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The last day of the last closed year: every day up to it is locked (null: none closed). */
export function closedThrough(locks: PeriodLocks): Day | null {
  let through: Day | null = null;
  for (const y of locks.closedYears) if (through === null || y.last > through) through = y.last;
  return through;
}

/** What locks `day` (null: it is open). */
export function lockOf(
  locks: PeriodLocks,
  day: Day,
): { kind: 'year'; year: ClosedYear } | { kind: 'vat_month'; month: string } | null {
  const through = closedThrough(locks);
  if (through !== null && day <= through) {
    const year =
      locks.closedYears.find((y) => day >= y.first && day <= y.last) ??
      locks.closedYears.reduce((a, b) => (a.first <= b.first ? a : b));
    return { kind: 'year', year };
  }
  const month = day.slice(0, 7);
  return locks.declaredMonths.includes(month) ? { kind: 'vat_month', month } : null;
}

export const firstOfNextMonth = (day: Day): Day => firstDayOf(nextMonth(monthOf(day)));

/** The first day on or after `day` that is neither in a closed year nor in a declared month. */
export function firstOpenDay(locks: PeriodLocks, day: Day): Day {
  let d = day;
  for (;;) {
    const lock = lockOf(locks, d);
    if (lock === null) return d;
    d = lock.kind === 'year' ? addDays(closedThrough(locks)!, 1) : firstOfNextMonth(d);
  }
}

/** The French sentence refusing an operation dated `day`, or null when the day is open. */
export function lockedMessage(locks: PeriodLocks, day: Day): string | null {
  const lock = lockOf(locks, day);
  if (lock === null) return null;
  const open = formatDayFr(firstOpenDay(locks, day));
  const what =
    lock.kind === 'year'
      ? `l’exercice ${lock.year.fiscalYear} est clôturé (le ${formatDayFr(lock.year.closedOn)})`
      : `la TVA de ${formatMonthFr(lock.month)} est déclarée`;
  return `Période close : ${what}, aucune opération ne peut plus être datée du ${formatDayFr(day)}. Datez-la du ${open} ou après.`;
}

/** Refuses (DomainError 'period_locked', in French) the first of `days` that is locked. */
export function assertOpen(locks: PeriodLocks, days: readonly Day[]): void {
  for (const day of days) {
    const message = lockedMessage(locks, day);
    if (message !== null)
      throw new DomainError('period_locked', message, undefined, {
        day,
        firstOpenDay: firstOpenDay(locks, day),
      });
  }
}

type AccountingEvent = BillingEvent | BankEvent | ShareEvent | SharePayoutEvent;

/**
 * The fields holding the day an event is booked on, per event type (a Record over every type:
 * a new event type does not compile until it says). Bank statements, queued or withdrawn
 * redemptions and Gloux's share rows taken in book nothing: none.
 */
const DAY_FIELDS: { readonly [T in AccountingEvent['type']]: readonly string[] } = {
  InvoiceIssued: ['issuedOn'],
  InvoicePaymentAllocated: ['paidOn'],
  CreditNoteIssued: ['issuedOn'],
  LegacyInvoiceLinesCorrected: ['on'],
  PaymentRecorded: ['receivedOn'],
  PaymentReversed: ['on'],
  PaymentAllocationChanged: ['on'],
  CustomerCredited: ['on'],
  CustomerCreditApplied: ['on'],
  CustomerCreditWithdrawn: ['on'],
  DepositSlipIssued: ['depositOn'],
  DepositSlipCancelled: ['on'],
  BankStatementImported: [],
  BankBalancesStated: [],
  BankLineMatched: ['on'],
  BankLineUnmatched: ['on'],
  BankLineBooked: ['on'],
  SharesSubscribed: ['on'],
  SharesPaidUp: ['on'],
  SharePaymentReceived: ['receivedOn'],
  SharesTransferred: ['on'],
  ShareRedemptionQueued: [],
  SharesRedeemed: ['on'],
  ShareRedemptionWithdrawn: [],
  SharesCancelled: ['on'],
  LegacySharesImported: [],
  LegacyShareChanged: [],
  ShareRedemptionPaid: ['on'],
};

function dayFields(e: { type: string }): readonly string[] {
  return Object.prototype.hasOwnProperty.call(DAY_FIELDS, e.type)
    ? DAY_FIELDS[e.type as AccountingEvent['type']]
    : [];
}

/** The days an event is booked on (none for events that book nothing). */
export function accountingDays(e: { type: string; data: unknown }): Day[] {
  const data = e.data as Record<string, unknown>;
  return dayFields(e)
    .map((f) => data[f])
    .filter(isDay);
}

/** The event with each of its locked days moved to the first open day. */
export function redated<E extends { type: string; data: unknown }>(locks: PeriodLocks, e: E): E {
  const data = { ...(e.data as Record<string, unknown>) };
  for (const f of dayFields(e)) {
    const day = data[f];
    if (isDay(day) && lockOf(locks, day) !== null) data[f] = firstOpenDay(locks, day);
  }
  return { ...e, data };
}

/**
 * The closing act of fiscal year `fiscalYear`, on `today` (its validation date). Years close in
 * order, once, after their last day.
 */
export function decideCloseFiscalYear(
  locks: PeriodLocks,
  input: {
    readonly closingId: string;
    readonly fiscalYear: number;
    readonly today: Day;
    readonly fiscalYearStart: string;
    readonly throughPosition: number;
    readonly journals: readonly ClosedJournal[];
  },
): FiscalYearClosed {
  const { first, last } = fiscalYearBounds(input.fiscalYear, input.fiscalYearStart);
  if (locks.closedYears.some((y) => y.fiscalYear === input.fiscalYear))
    throw new DomainError(
      'already_closed',
      `L’exercice ${input.fiscalYear} est déjà clôturé.`,
      'exercice',
    );
  if (input.today <= last)
    throw new DomainError(
      'invalid_input',
      `L’exercice ${input.fiscalYear} se termine le ${formatDayFr(last)} : il ne peut être clôturé qu’après.`,
      'exercice',
    );
  const through = closedThrough(locks);
  if (through !== null) {
    const next = fiscalYearOf(addDays(through, 1), input.fiscalYearStart);
    if (input.fiscalYear !== next)
      throw new DomainError(
        'invalid_input',
        `Les exercices se clôturent dans l’ordre : le prochain à clôturer est ${next}.`,
        'exercice',
      );
  }
  return {
    type: 'FiscalYearClosed',
    data: {
      closingId: input.closingId,
      fiscalYear: input.fiscalYear,
      first,
      last,
      closedOn: input.today,
      throughPosition: input.throughPosition,
      journals: input.journals,
    },
  };
}

/** The CA3 of `month` ('YYYY-MM') filed on `today`: the month is locked. */
export function decideDeclareVatMonth(
  locks: PeriodLocks,
  input: { readonly month: string; readonly today: Day; readonly reference: string },
): VatMonthDeclared {
  const month = input.month;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new DomainError('invalid_input', 'Mois invalide (ex. 2026-01).', 'mois');
  if (locks.declaredMonths.includes(month))
    throw new DomainError(
      'already_declared',
      `La TVA de ${formatMonthFr(month)} est déjà déclarée.`,
      'mois',
    );
  if (input.today < firstOfNextMonth(`${month}-01`))
    throw new DomainError(
      'invalid_input',
      `Le mois de ${formatMonthFr(month)} n’est pas terminé : sa TVA ne peut pas encore être déclarée.`,
      'mois',
    );
  return {
    type: 'VatMonthDeclared',
    data: { month, declaredOn: input.today, reference: input.reference.trim().slice(0, 64) },
  };
}
