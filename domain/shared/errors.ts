/**
 * A rule broken by a command. `code` is stable (API clients switch on it); `message` is the
 * French sentence shown to the user; `field` names the input at fault when there is one.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Runs `parse` on one input; any failure becomes an 'invalid_input' error naming `field`. */
export function parseField<T>(field: string, parse: () => T, message: string): T {
  try {
    return parse();
  } catch {
    throw new DomainError('invalid_input', message, field);
  }
}
