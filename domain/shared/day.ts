/** Calendar days as 'YYYY-MM-DD' strings; all arithmetic in UTC so no DST surprise. */
export type Day = string;

export class InvalidDayError extends Error {
  constructor(readonly input: unknown) {
    super(`Invalid day: ${JSON.stringify(input)} (expected YYYY-MM-DD)`);
    this.name = 'InvalidDayError';
  }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Validates a real calendar day (rejects 2025-02-30 and Gloux's '0000-00-00'). */
export function parseDay(input: unknown): Day {
  if (typeof input !== 'string') throw new InvalidDayError(input);
  const m = DAY.exec(input);
  if (!m) throw new InvalidDayError(input);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) throw new InvalidDayError(input);
  const t = Date.UTC(y, mo - 1, d);
  if (new Date(t).getUTCDate() !== d) throw new InvalidDayError(input);
  return input;
}

export function isDay(input: unknown): input is Day {
  try {
    parseDay(input);
    return true;
  } catch {
    return false;
  }
}

function toEpochDay(day: Day): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function fromEpochDay(n: number): Day {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(day: Day, n: number): Day {
  return fromEpochDay(toEpochDay(day) + n);
}

/** Number of days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** Days in [start, end], both included. */
export function daysInclusive(start: Day, end: Day): number {
  return daysBetween(start, end) + 1;
}

export function compareDays(a: Day, b: Day): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}

export function maxDay(a: Day, b: Day): Day {
  return a > b ? a : b;
}

const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Which day an instant falls on in Paris (a card paid at 23:30 UTC on 31/12 is 1/1). */
export function parisDayOf(instant: Date): Day {
  return parisDay.format(instant);
}

/** Formats a day the French way: 03/02/2026. */
export function formatDayFr(day: Day): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

const parisDateTime = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 'YYYY-MM-DD HH:MM:SS' in Paris time, as Gloux's NOW() writes DATETIME columns. */
export function parisDateTimeOf(instant: Date): string {
  const p = Object.fromEntries(parisDateTime.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
