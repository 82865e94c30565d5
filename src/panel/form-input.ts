import { DomainError } from '../../domain/shared/errors.js';

/**
 * An amount as a person types it in the form ("30,01", "1 234,56 €", "30.01") as a decimal
 * string for the command; the form keeps showing what was typed.
 */
export function typedAmount(raw: string): string {
  const s = raw.replace(/[\s\u00a0\u202f€]/g, '');
  if (s.includes(',') && s.includes('.')) {
    throw new DomainError(
      'invalid_input',
      'Montant illisible : écrivez par exemple 1234,56 (sans séparateur de milliers).',
      'amount',
    );
  }
  return s.replace(',', '.');
}
