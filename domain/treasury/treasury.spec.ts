import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Dec } from '../shared/money.js';
import { canonicalRate, revenueTypeOf, roundToEuro, sharesOfTotal } from './treasury.js';

const total = (shares: readonly string[]) =>
  shares.reduce((s, x) => s.plus(x), new Dec(0)).toFixed(2);

describe('shares of turnover', () => {
  it('splits 120 / 10 / 25 / -5 into shares that add up to exactly 100 %', () => {
    // 25/150 = 16.666…, 10/150 = 6.666…, -5/150 = -3.333…: the two missing hundredths go to
    // the largest remainders, earliest first.
    expect(sharesOfTotal([2500n, 1000n, 12000n, -500n])).toEqual([
      '16.67',
      '6.67',
      '80.00',
      '-3.34',
    ]);
  });

  it('gives nothing when the turnover is zero', () => {
    expect(sharesOfTotal([500n, -500n])).toBeNull();
    expect(sharesOfTotal([])).toBeNull();
  });

  it('property: shares always sum to 100.00 % and each is within a hundredth of the exact share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -1_000_000n, max: 100_000_000n }), {
          minLength: 1,
          maxLength: 12,
        }),
        (cents) => {
          const shares = sharesOfTotal(cents);
          const sum = cents.reduce((s, c) => s + c, 0n);
          if (sum === 0n) return shares === null;
          expect(total(shares!)).toBe('100.00');
          shares!.forEach((share, i) => {
            const exact = new Dec(cents[i]!.toString()).times(100).div(sum.toString());
            expect(exact.minus(share).abs().lte('0.01')).toBe(true);
          });
          return true;
        },
      ),
    );
  });
});

describe('CA3 rounding', () => {
  it('rounds to the euro, half away from zero (docs/accounting.md: base and VAT per rate)', () => {
    expect([4167n, 833n, 7500n, 50n, 49n, -50n, -149n, -150n].map(roundToEuro)).toEqual([
      42n,
      8n,
      75n,
      1n,
      0n,
      -1n,
      -1n,
      -2n,
    ]);
  });

  it('property: never more than 50 cents away, and symmetric', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (c) => {
        const e = roundToEuro(c);
        const diff = e * 100n - c;
        return diff <= 50n && diff >= -50n && roundToEuro(-c) === -e;
      }),
    );
  });
});

describe('revenue groups', () => {
  it("takes the product's type from the catalogue, discounts apart, the kind of line otherwise", () => {
    expect(revenueTypeOf('prorata', 'option')).toBe('option');
    expect(revenueTypeOf('discount', 'plaque')).toBe('remise');
    expect(revenueTypeOf('subscription', null)).toBe('plaque');
    expect(revenueTypeOf('overage', null)).toBe('depassement');
    expect(revenueTypeOf('misc', null)).toBe('divers');
  });

  it('treats 20 and 20.00 as one rate', () => {
    expect([canonicalRate('20.00'), canonicalRate('19.60'), canonicalRate('0')]).toEqual([
      '20',
      '19.6',
      '0',
    ]);
  });
});
