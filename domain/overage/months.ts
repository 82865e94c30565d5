import { addDays, daysInclusive, type Day } from '../shared/day.js';

/** A calendar month, 'YYYY-MM': overage is billed per calendar month. */
export type Month = string;

export function monthOf(day: Day): Month {
  return day.slice(0, 7);
}

export function firstDayOf(month: Month): Day {
  return `${month}-01`;
}

export function nextMonth(month: Month): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12
    ? `${String(y + 1).padStart(4, '0')}-01`
    : `${month.slice(0, 5)}${String(m + 1).padStart(2, '0')}`;
}

export function previousMonth(month: Month): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1
    ? `${String(y - 1).padStart(4, '0')}-12`
    : `${month.slice(0, 5)}${String(m - 1).padStart(2, '0')}`;
}

export function lastDayOf(month: Month): Day {
  return addDays(firstDayOf(nextMonth(month)), -1);
}

export function daysInMonth(month: Month): number {
  return daysInclusive(firstDayOf(month), lastDayOf(month));
}

/** The months from `first` to `last`, both included (none when `last` is earlier). */
export function monthsBetween(first: Month, last: Month): Month[] {
  const out: Month[] = [];
  for (let m = first; m <= last; m = nextMonth(m)) out.push(m);
  return out;
}

const MONTH_NAMES_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** 'février 2026'. */
export function formatMonthFr(month: Month): string {
  return `${MONTH_NAMES_FR[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}
