import fc from 'fast-check';
import { fiscalYearChoices } from './fiscal-year.js';

describe('fiscalYearChoices', () => {
  it('offers the year without payments between two years with payments', () => {
    expect(fiscalYearChoices([2026, 2024], 2026)).toEqual([2027, 2026, 2025, 2024]);
  });

  it('offers this year and next on a new database, and an older year asked for', () => {
    expect(fiscalYearChoices([], 2026)).toEqual([2027, 2026]);
    expect(fiscalYearChoices([2026], 2026, 2023)).toEqual([2027, 2026, 2025, 2024, 2023]);
  });

  it('is contiguous, newest first, from the first activity to next year', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1990, max: 2040 }), { maxLength: 8 }),
        fc.integer({ min: 2000, max: 2040 }),
        fc.integer({ min: 1990, max: 2045 }),
        (active, current, shown) => {
          const years = fiscalYearChoices(active, current, shown);
          years.forEach((y, i) => i > 0 && expect(years[i - 1]! - y).toBe(1));
          for (const y of [...active, current, current + 1, shown]) expect(years).toContain(y);
          expect(years[0]).toBe(Math.max(current + 1, shown, ...active));
          expect(years.at(-1)).toBe(Math.min(current, shown, ...active));
        },
      ),
    );
  });
});
