/**
 * Events of the books (docs/accounting.md §7): the closing of a fiscal year, the VAT months declared
 * (their CA3 filed) and the Gloux writes taken in on the first open day because they were dated
 * in a locked period. Released shapes never change: add a new type instead. Days 'YYYY-MM-DD'.
 */

/** Every books event goes to one stream: closings and declarations are decided in order. */
export const BOOKS_STREAM = 'books';

/** Entries of one journal in a closed year, persisted by the closing: they never change. */
export interface ClosedJournal {
  readonly journal: string;
  readonly entries: number;
  /** Sum of the debits of those entries (they balance: the credits are the same). */
  readonly debit: string;
}

/**
 * The closing act: the year's entries are those of the events up to `throughPosition`, numbered
 * per journal for good; they are validated on `closedOn`; no operation may be dated in the year
 * any more.
 */
export interface FiscalYearClosed {
  readonly type: 'FiscalYearClosed';
  readonly data: {
    readonly closingId: string;
    readonly fiscalYear: number;
    readonly first: string;
    readonly last: string;
    /** The validation date (ValidDate) of every entry of the year. */
    readonly closedOn: string;
    /** Position of the last event of the log when the year was closed. */
    readonly throughPosition: number;
    readonly journals: readonly ClosedJournal[];
  };
}

/** The CA3 of `month` ('YYYY-MM') was filed: nothing may be dated in that month any more. */
export interface VatMonthDeclared {
  readonly type: 'VatMonthDeclared';
  readonly data: {
    readonly month: string;
    readonly declaredOn: string;
    readonly reference: string;
  };
}

/**
 * A write made in Gloux and dated in a locked period, taken in on the first open day (the
 * treasurer sees the list): `events` name the events moved and `from` the day Gloux gave.
 */
export interface LockedPeriodWriteRedated {
  readonly type: 'LockedPeriodWriteRedated';
  readonly data: {
    readonly redateId: string;
    readonly from: string;
    readonly to: string;
    readonly commandType: string;
    readonly events: readonly { readonly type: string; readonly ref: string }[];
  };
}

export type BooksEvent = FiscalYearClosed | VatMonthDeclared | LockedPeriodWriteRedated;

export const booksEventTypes: readonly BooksEvent['type'][] = [
  'FiscalYearClosed',
  'VatMonthDeclared',
  'LockedPeriodWriteRedated',
];

export function isBooksEvent(e: { type: string }): e is BooksEvent {
  return (booksEventTypes as readonly string[]).includes(e.type);
}
