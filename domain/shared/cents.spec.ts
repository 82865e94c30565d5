import fc from 'fast-check';
import { fromCents, toCents } from './cents.js';

describe('cents coercion', () => {
  it('round-trips any two-decimal amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (n) => {
        const s = fromCents(n.toString());
        expect(toCents(s)).toBe(n.toString());
        expect(s).toMatch(/^-?\d+\.\d{2}$/);
      }),
    );
  });
  it('reads what the drivers return', () => {
    expect(fromCents(3001)).toBe('30.01');
    expect(fromCents('-1435')).toBe('-14.35');
    expect(toCents('-0.5')).toBe('-50');
    expect(toCents('12')).toBe('1200');
  });
});
