import { plural, pluralWord } from './plural.js';

describe('plural', () => {
  it('takes the singular below 2 and the plural from 2, never "(s)"', () => {
    expect(plural(0, 'facture émise', 'factures émises')).toBe('0 facture émise');
    expect(plural(1, 'facture émise', 'factures émises')).toBe('1 facture émise');
    expect(plural(2, 'facture émise', 'factures émises')).toBe('2 factures émises');
    expect(plural('12', 'chèque', 'chèques')).toBe('12 chèques');
    expect(pluralWord(1, 'part', 'parts')).toBe('part');
  });
});
