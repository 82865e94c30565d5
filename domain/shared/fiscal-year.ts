import { addDays, type Day } from './day.js';

/** 'MM-DD' on which a fiscal year starts; '01-01' is the calendar year. */
export type FiscalYearStart = string;

export class InvalidFiscalYearStartError extends Error {
  constructor(readonly input: unknown) {
    super(`Invalid fiscal year start: ${JSON.stringify(input)} (expected MM-DD, e.g. 01-01)`);
    this.name = 'InvalidFiscalYearStartError';
  }
}

export function parseFiscalYearStart(input: unknown): FiscalYearStart {
  if (typeof input !== 'string' || !/^\d{2}-\d{2}$/.test(input))
    throw new InvalidFiscalYearStartError(input);
  const [m, d] = input.split('-').map(Number) as [number, number];
  // 29 February would make some years start on a missing day.
  const maxDay = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  if (maxDay === undefined || d < 1 || d > maxDay) throw new InvalidFiscalYearStartError(input);
  return input;
}

/** A fiscal year is named by the calendar year of its last day (FY from 2025-10-01 is 2026). */
export function fiscalYearOf(day: Day, start: FiscalYearStart = '01-01'): number {
  const year = Number(day.slice(0, 4));
  if (start === '01-01') return year;
  return day.slice(5) >= start ? year + 1 : year;
}

/** First and last day of fiscal year `fy`. */
export function fiscalYearBounds(
  fy: number,
  start: FiscalYearStart = '01-01',
): { first: Day; last: Day } {
  const firstYear = start === '01-01' ? fy : fy - 1;
  const first = `${String(firstYear).padStart(4, '0')}-${start}`;
  const nextFirst = `${String(firstYear + 1).padStart(4, '0')}-${start}`;
  return { first, last: addDays(nextFirst, -1) };
}

/**
 * The fiscal years a selector offers, newest first: every year from the earliest of those with
 * activity (and the one shown) to next year or the latest activity, none skipped — a year without payments is still a
 * year one may want to look at.
 */
export function fiscalYearChoices(
  withActivity: readonly number[],
  current: number,
  shown: number = current,
): number[] {
  const first = Math.min(current, shown, ...withActivity);
  const last = Math.max(current + 1, shown, ...withActivity);
  const years: number[] = [];
  for (let y = last; y >= first; y--) years.push(y);
  return years;
}
