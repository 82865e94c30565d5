/**
 * Bank events: cheque deposit slips (bordereaux de remise), imported bank statement lines and
 * their reconciliation. Released shapes never change: add a new type instead, and an upcaster in
 * src/kernel/event-store/upcasting.ts if old events must read as the new one. Money is a decimal
 * string with two decimals, days are 'YYYY-MM-DD'.
 */

/** One cheque on a slip, as it was when the slip was made (the printed slip never changes). */
export interface DepositSlipCheque {
  readonly paymentId: string;
  readonly customerId: string;
  readonly amount: string;
  readonly receivedOn: string;
  readonly reference: string;
  readonly bank: string;
}

/** A numbered slip of cheques handed to the bank on `depositOn`. */
export interface DepositSlipIssued {
  readonly type: 'DepositSlipIssued';
  readonly data: {
    readonly slipId: string;
    /** Sequential from 1, never reused (a cancelled slip keeps its number). */
    readonly number: number;
    readonly depositOn: string;
    readonly cheques: readonly DepositSlipCheque[];
    readonly total: string;
  };
}

/** A slip withdrawn (never handed over, or made by mistake): its cheques can go on another. */
export interface DepositSlipCancelled {
  readonly type: 'DepositSlipCancelled';
  readonly data: {
    readonly slipId: string;
    readonly number: number;
    readonly on: string;
    readonly reason: string;
  };
}

export type DepositSlipEvent = DepositSlipIssued | DepositSlipCancelled;

/** All slips share one stream: numbers stay sequential and a cheque goes on one slip only. */
export const DEPOSIT_SLIP_STREAM = 'deposit-slips';

export type StatementFormat = 'cfonb120' | 'ofx' | 'camt053';

/** One bank statement line (a movement), amount signed: positive is a credit to our account. */
export interface BankLine {
  /** Stable across imports of the same movement: the bank's id when it gives one. */
  readonly lineId: string;
  readonly bookedOn: string;
  readonly valueOn: string;
  readonly amount: string;
  readonly label: string;
  readonly reference: string;
}

/**
 * A statement file imported: the lines not seen before (a file imported twice, or two
 * overlapping statements, add each movement once).
 */
export interface BankStatementImported {
  readonly type: 'BankStatementImported';
  readonly data: {
    readonly importId: string;
    readonly account: string;
    readonly format: StatementFormat;
    readonly fileName: string;
    /** sha256 of the file's bytes. */
    readonly fileHash: string;
    readonly importedOn: string;
    readonly lines: readonly BankLine[];
    /** Lines of the file already known from an earlier import. */
    readonly skipped: number;
  };
}

/** A balance a statement states: `closing` at the end of day `on`, `opening` before its movements. */
export interface StatedBalance {
  readonly kind: 'opening' | 'closing';
  readonly on: string;
  readonly amount: string;
}

/**
 * The balances a statement file states for an account (CFONB 01/07, CAMT OPBD/PRCD/CLBD, OFX
 * LEDGERBAL), those not kept before: the next statements are checked against them.
 */
export interface BankBalancesStated {
  readonly type: 'BankBalancesStated';
  readonly data: {
    /** The import that brought them (it may have brought no new movement). */
    readonly importId: string;
    readonly account: string;
    readonly format: StatementFormat;
    readonly fileName: string;
    readonly balances: readonly StatedBalance[];
  };
}

export type MatchTarget =
  | { readonly kind: 'card_day'; readonly day: string }
  | { readonly kind: 'deposit_slip'; readonly slipId: string; readonly number: number };

/** The treasurer confirms that a bank line is this card day or this deposit slip. */
export interface BankLineMatched {
  readonly type: 'BankLineMatched';
  readonly data: {
    readonly matchId: string;
    readonly lineId: string;
    readonly target: MatchTarget;
    readonly lineAmount: string;
    readonly expectedAmount: string;
    /** lineAmount − expectedAmount: bank fees on card receipts, usually. */
    readonly difference: string;
    readonly on: string;
  };
}

/** A confirmed match undone (a mistake): the line and the target are free again. */
export interface BankLineUnmatched {
  readonly type: 'BankLineUnmatched';
  readonly data: {
    readonly matchId: string;
    readonly lineId: string;
    readonly on: string;
    readonly reason: string;
  };
}

/**
 * What the treasurer books an unmatched bank line as (docs/accounting.md §7): bank charges
 * (627), a bounced-cheque fee (627), an internal transfer (58), or nothing at all (ignored,
 * with the reason: a movement the accountant books elsewhere).
 */
export type BankLineBookingKind = 'bank_fee' | 'bounce_fee' | 'internal_transfer' | 'ignored';

/**
 * A bank line no card day or slip accounts for, booked by the treasurer on `on` (the bank's
 * day unless that period is locked). Undone by BankLineUnmatched naming `bookingId`.
 */
export interface BankLineBooked {
  readonly type: 'BankLineBooked';
  readonly data: {
    readonly bookingId: string;
    readonly lineId: string;
    readonly kind: BankLineBookingKind;
    /** The line's signed amount: negative is a debit of our account. */
    readonly lineAmount: string;
    readonly lineBookedOn: string;
    /** The bank's label of the line, for the entry's. */
    readonly label: string;
    readonly reason: string;
    readonly on: string;
  };
}

export type BankStatementEvent = BankStatementImported | BankBalancesStated;
export type BankMatchEvent = BankLineMatched | BankLineUnmatched | BankLineBooked;
export type BankEvent = DepositSlipEvent | BankStatementEvent | BankMatchEvent;

export const bankEventTypes: readonly BankEvent['type'][] = [
  'DepositSlipIssued',
  'DepositSlipCancelled',
  'BankStatementImported',
  'BankBalancesStated',
  'BankLineMatched',
  'BankLineUnmatched',
  'BankLineBooked',
];

export function isBankEvent(e: { type: string }): e is BankEvent {
  return (bankEventTypes as readonly string[]).includes(e.type);
}

/** One stream per bank account: imports into it are serialised. */
export const bankAccountStream = (account: string) => `bank-account-${account}`;
/** All matches share one stream: a line or a target is matched at most once. */
export const BANK_MATCH_STREAM = 'bank-matches';
