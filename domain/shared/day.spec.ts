import { addDays, daysInclusive, parseDay, parisDayOf } from './day.js';
import { fiscalYearBounds, fiscalYearOf } from './fiscal-year.js';

describe('day', () => {
  it('rejects impossible days and Gloux zero dates', () => {
    expect(() => parseDay('2025-02-29')).toThrow(/Invalid day/);
    expect(() => parseDay('0000-00-00')).toThrow(/Invalid day/);
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
  });
  it('counts both ends and leap days', () => {
    expect(daysInclusive('2025-09-15', '2025-12-31')).toBe(108);
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
  it('names the Paris day of an instant', () => {
    expect(parisDayOf(new Date('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
    expect(parisDayOf(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
  });
  it('names fiscal years by their last day', () => {
    expect(fiscalYearOf('2025-10-01', '10-01')).toBe(2026);
    expect(fiscalYearOf('2025-09-30', '10-01')).toBe(2025);
    expect(fiscalYearBounds(2026, '10-01')).toEqual({ first: '2025-10-01', last: '2026-09-30' });
    expect(fiscalYearBounds(2024)).toEqual({ first: '2024-01-01', last: '2024-12-31' });
  });
});
