import type { PersonField } from '../../domain/accounts/events.js';

/** An admin edits the person of a customer account (`input`: the form's fields by input name). */
export class UpdatePersonCommand {
  constructor(
    readonly customerId: string,
    readonly input: Readonly<Record<string, unknown>>,
    readonly actor: string,
  ) {}
}

export interface UpdatePersonResult {
  readonly customerId: string;
  readonly tiersId: string;
  /** The fields the edit changed (none: it changed nothing, and nothing was recorded). */
  readonly changed: readonly PersonField[];
}
