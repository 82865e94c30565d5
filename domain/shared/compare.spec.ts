import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compareBy } from './compare.js';

describe('compareBy', () => {
  const byAccountThenDay = compareBy<{ account: string; on: string }>(
    (c) => c.account,
    (c) => c.on,
  );

  it('orders by the first key, then the next one where the first ties', () => {
    const rows = [
      { account: 'B', on: '2026-01-02' },
      { account: 'A', on: '2026-03-01' },
      { account: 'B', on: '2026-01-01' },
      { account: 'A', on: '2026-02-01' },
    ];
    expect([...rows].sort(byAccountThenDay)).toEqual([
      { account: 'A', on: '2026-02-01' },
      { account: 'A', on: '2026-03-01' },
      { account: 'B', on: '2026-01-01' },
      { account: 'B', on: '2026-01-02' },
    ]);
    expect(byAccountThenDay(rows[0]!, { ...rows[0]! })).toBe(0);
  });

  it('compares strings by code unit, not by locale (as the SQL and the ids are ordered)', () => {
    const byName = compareBy<string>((s) => s);
    expect(['b', 'B', 'a', 'É', 'E'].sort(byName)).toEqual(['B', 'E', 'a', 'b', 'É']);
  });

  it('property: the same order as sorting by the keys joined in a tuple', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.integer())), (rows) => {
        const sorted = [...rows].sort(
          compareBy(
            (r) => r[0],
            (r) => r[1],
          ),
        );
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!];
          expect(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1])).toBe(true);
        }
      }),
    );
  });
});
