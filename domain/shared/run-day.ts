import { parseDay, type Day } from './day.js';
import { DomainError, parseField } from './errors.js';

/**
 * The day a daily run (`--on YYYY-MM-DD`) is for: the day given, never after today (`future`
 * is the refusal's French message); today when none is given.
 */
export function runDay(today: Day, day: string | undefined, future: string): Day {
  const on =
    day === undefined
      ? today
      : parseField('on', () => parseDay(day), 'Date invalide (AAAA-MM-JJ).');
  if (on > today) throw new DomainError('invalid_input', future, 'on');
  return on;
}
