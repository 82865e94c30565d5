import { DomainError } from '../../domain/shared/errors.js';
import { typedAmount } from './form-input.js';

describe('amounts typed in a form', () => {
  it.each([
    ['30,01', '30.01'],
    ['30.01', '30.01'],
    [' 1 234,56 € ', '1234.56'],
    ['1\u202f234,56\u00a0€', '1234.56'],
    ['120', '120'],
  ])('reads %j as %s', (typed, amount) => {
    expect(typedAmount(typed)).toBe(amount);
  });
  it('refuses a thousands separator it cannot tell from a decimal point', () => {
    expect(() => typedAmount('1.234,56')).toThrow(DomainError);
    expect(() => typedAmount('1,234.56')).toThrow(/sans séparateur de milliers/);
  });
});
