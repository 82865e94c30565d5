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
