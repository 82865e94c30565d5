/** A domain added to a hosting (issue 18 "Domains"): the name as typed, Unicode allowed. */
export class AddDomainCommand {
  constructor(
    readonly hostingId: number,
    readonly input: {
      readonly domain: string;
      readonly manageDns: boolean;
      readonly manageMx: boolean;
    },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

/** A domain taken off a hosting, once nothing uses it. */
export class RemoveDomainCommand {
  constructor(
    readonly hostingId: number,
    readonly domain: string,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

/** The domain as stored (A-labels) and as shown (Unicode). */
export interface DomainCommandResult {
  readonly hostingId: number;
  readonly domain: string;
  readonly display: string;
}
