import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import { formatNumberRanges, parseShareNumbers } from './share-numbers.js';

describe('share numbers as ranges', () => {
  it('prints consecutive numbers as a range, even two of them (Gloux’s sample: Anne Lefèvre)', () => {
    expect(formatNumberRanges([10399, 2207, 10398])).toBe('2207, 10398–10399');
    expect(formatNumberRanges([5])).toBe('5');
    expect(formatNumberRanges([1, 2, 3, 7, 9, 10])).toBe('1–3, 7, 9–10');
    expect(formatNumberRanges([])).toBe('');
  });

  it('reads what a person types: commas, spaces, dashes of any kind', () => {
    expect(parseShareNumbers('2207, 10398-10399')).toEqual([2207, 10398, 10399]);
    expect(parseShareNumbers('10398 – 10400;2207')).toEqual([2207, 10398, 10399, 10400]);
    expect(parseShareNumbers([12, '11'])).toEqual([11, 12]);
  });

  it.each([
    ['', 'Indiquez au moins un numéro de part.'],
    ['12, 12', 'La part n° 12 est citée deux fois.'],
    ['10-5', 'Plage de numéros à l’envers : 10-5.'],
    ['1-20000', 'Plage trop grande : 1-20000 (10000 parts au plus).'],
    ['12a', 'Numéro de part illisible : « 12a ».'],
    ['0', 'Numéro de part hors limites : 0.'],
  ])('refuses %j in French', (input, message) => {
    expect(() => parseShareNumbers(input)).toThrow(message);
    expect(() => parseShareNumbers(input)).toThrow(DomainError);
  });

  it('reads back what it prints (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 3000 }), { maxLength: 200 }), (ns) => {
        fc.pre(ns.length > 0);
        expect(parseShareNumbers(formatNumberRanges(ns))).toEqual([...ns].sort((a, b) => a - b));
      }),
    );
  });
});
