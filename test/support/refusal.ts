import { expect } from '@jest/globals';
import { DomainError } from '../../domain/shared/errors.js';

/** Awaits a command expected to be refused: the DomainError, its code and field checked. */
export async function refusal(
  promise: Promise<unknown>,
  code: string,
  field?: string,
): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    if (field !== undefined) expect((error as DomainError).field).toBe(field);
    return error as DomainError;
  }
  throw new Error(`expected a DomainError ${code}`);
}
