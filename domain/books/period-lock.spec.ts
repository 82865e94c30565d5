import fc from 'fast-check';
import { addDays } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import type { BooksEvent } from './events.js';
import {
  accountingDays,
  assertOpen,
  decideCloseFiscalYear,
  decideDeclareVatMonth,
  evolvePeriodLocks,
  firstOpenDay,
  lockOf,
  NO_LOCKS,
  redated,
  type PeriodLocks,
} from './period-lock.js';

const close = (locks: PeriodLocks, fiscalYear: number, today: string, start = '01-01') =>
  evolvePeriodLocks(
    locks,
    decideCloseFiscalYear(locks, {
      closingId: `c${fiscalYear}`,
      fiscalYear,
      today,
      fiscalYearStart: start,
      throughPosition: 10,
      journals: [],
    }),
  );
const declare = (locks: PeriodLocks, month: string, today: string) =>
  evolvePeriodLocks(locks, decideDeclareVatMonth(locks, { month, today, reference: 'CA3' }));

function refusal(f: () => void): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('closing a fiscal year', () => {
  it('locks every day up to its last, in French, naming the first open day', () => {
    const locks = close(NO_LOCKS, 2025, '2026-03-15');
    const e = refusal(() => assertOpen(locks, ['2025-12-31']));
    expect(e.code).toBe('period_locked');
    expect(e.message).toBe(
      'Période close : l’exercice 2025 est clôturé (le 15/03/2026), aucune opération ne peut plus être datée du 31/12/2025. Datez-la du 01/01/2026 ou après.',
    );
    expect(lockOf(locks, '2024-06-01')).not.toBeNull();
    expect(() => assertOpen(locks, ['2026-01-01'])).not.toThrow();
  });

  it('is refused before the year is over, twice, or out of order', () => {
    expect(refusal(() => close(NO_LOCKS, 2025, '2025-12-31')).message).toMatch(/qu’après/);
    const locks = close(NO_LOCKS, 2025, '2026-01-02');
    expect(refusal(() => close(locks, 2025, '2026-02-01')).code).toBe('already_closed');
    expect(refusal(() => close(locks, 2027, '2028-02-01')).message).toMatch(/est 2026/);
    expect(close(locks, 2026, '2027-01-05').closedYears).toHaveLength(2);
  });

  it('follows a fiscal year starting on another day', () => {
    const locks = close(NO_LOCKS, 2026, '2026-10-01', '10-01');
    expect(lockOf(locks, '2026-09-30')).not.toBeNull();
    expect(firstOpenDay(locks, '2026-01-10')).toBe('2026-10-01');
  });
});

describe('declared VAT months', () => {
  it('locks the month; the first open day skips declared months', () => {
    let locks = declare(NO_LOCKS, '2026-01', '2026-02-10');
    locks = declare(locks, '2026-02', '2026-03-10');
    expect(refusal(() => assertOpen(locks, ['2026-02-28'])).message).toMatch(
      /la TVA de février 2026 est déclarée.*Datez-la du 01\/03\/2026/,
    );
    expect(firstOpenDay(locks, '2026-01-15')).toBe('2026-03-01');
    expect(lockOf(locks, '2026-03-01')).toBeNull();
  });

  it('refuses a month not over, a malformed one, or one declared twice', () => {
    expect(refusal(() => declare(NO_LOCKS, '2026-02', '2026-02-28')).code).toBe('invalid_input');
    expect(refusal(() => declare(NO_LOCKS, '2026-13', '2027-02-28')).field).toBe('mois');
    const locks = declare(NO_LOCKS, '2026-01', '2026-02-01');
    expect(refusal(() => declare(locks, '2026-01', '2026-03-01')).code).toBe('already_declared');
  });
});

describe('days an event is booked on', () => {
  it('reads the day fields of accounting events only', () => {
    expect(accountingDays({ type: 'PaymentRecorded', data: { receivedOn: '2025-12-30' } })).toEqual(
      ['2025-12-30'],
    );
    expect(
      accountingDays({ type: 'BankStatementImported', data: { importedOn: '2025-12-30' } }),
    ).toEqual([]);
    expect(accountingDays({ type: 'AccountOpened', data: { on: '2025-12-30' } })).toEqual([]);
  });

  it('moves locked days (only) to the first open day', () => {
    const locks = close(NO_LOCKS, 2025, '2026-01-20');
    const e = redated(locks, {
      type: 'InvoiceIssued',
      data: { issuedOn: '2025-12-30', dueOn: '2026-01-29' },
    });
    expect(e.data).toEqual({ issuedOn: '2026-01-01', dueOn: '2026-01-29' });
  });

  it('moves a Gloux line correction seen in a locked period to the first open day', () => {
    const locks = close(NO_LOCKS, 2025, '2026-01-20');
    const e = { type: 'LegacyInvoiceLinesCorrected', data: { on: '2025-12-31', total: '10.00' } };
    expect(accountingDays(e)).toEqual(['2025-12-31']);
    expect(redated(locks, e).data).toEqual({ on: '2026-01-01', total: '10.00' });
  });
});

it('property: the first open day is open, on or after the day, and every day before it from the day is locked', () => {
  const base = '2024-01-01';
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 47 }), { maxLength: 12 }),
      fc.integer({ min: 0, max: 1600 }),
      (years, months, offset) => {
        let locks: PeriodLocks = NO_LOCKS;
        for (let y = 0; y < years; y++) locks = close(locks, 2024 + y, '2030-01-01');
        const events: BooksEvent[] = months.map((m) => ({
          type: 'VatMonthDeclared',
          data: {
            month: `${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
            declaredOn: '2030-01-01',
            reference: '',
          },
        }));
        locks = events.reduce(evolvePeriodLocks, locks);
        const day = addDays(base, offset);
        const open = firstOpenDay(locks, day);
        expect(open >= day).toBe(true);
        expect(lockOf(locks, open)).toBeNull();
        for (let d = day; d < open; d = addDays(d, 1)) expect(lockOf(locks, d)).not.toBeNull();
      },
    ),
    { numRuns: 60 },
  );
});
