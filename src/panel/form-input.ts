import { DomainError } from '../../domain/shared/errors.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';

/**
 * An amount as a person types it in the form ("30,01", "1 234,56 €", "30.01") as a decimal
 * string for the command; the form keeps showing what was typed. `field` names the input in
 * the error.
 */
export function typedAmount(raw: string, field = 'amount'): string {
  const s = raw.replace(/[\s\u00a0\u202f€]/g, '');
  if (s.includes(',') && s.includes('.')) {
    throw new DomainError(
      'invalid_input',
      'Montant illisible : écrivez par exemple 1234,56 (sans séparateur de milliers).',
      field,
    );
  }
  return s.replace(',', '.');
}

/** A form field as a string ('' when absent or not a string). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A JSON request body must be an object (arrays, strings and null are refused). */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DomainError('invalid_input', 'Corps JSON attendu : un objet.');
  }
  return body as Record<string, unknown>;
}

/** A JSON command body: the command's own fields, and the idempotency key sent beside them. */
export function jsonCommand(body: unknown): {
  input: Record<string, unknown>;
  key: string | undefined;
} {
  const { idempotencyKey, ...input } = jsonObject(body);
  return { input, key: parseIdempotencyKey(idempotencyKey) };
}
