/**
 * Mail redirection events (issue 19), on the hosting's stream `hosting-<id>`. Released shapes
 * never change: add a new type instead. A redirection is keyed by its source, as Gloux's
 * `mails_redirections.source` and Postfix's `virtual(5)` lookup read it: `a@domaine` or the
 * catch-all `@domaine`. Addresses are lower case, domains in punycode; destinations are already
 * validated and de-duplicated (domain/hosting/redirections.ts).
 */

/** What a created or changed redirection is. */
export interface RedirectionData {
  readonly hostingId: number;
  readonly source: string;
  readonly destinations: readonly string[];
  /** `garder_copie`: the source box also keeps the message (never for a catch-all). */
  readonly keepCopy: boolean;
  readonly actor: string;
}

export interface RedirectionCreated {
  readonly type: 'RedirectionCreated';
  readonly data: RedirectionData;
}

/** New destinations or copy setting of an existing redirection (gloux2's or Gloux's own row). */
export interface RedirectionChanged {
  readonly type: 'RedirectionChanged';
  readonly data: RedirectionData;
}

export interface RedirectionRemoved {
  readonly type: 'RedirectionRemoved';
  readonly data: {
    readonly hostingId: number;
    readonly source: string;
    readonly actor: string;
  };
}

export type RedirectionEvent = RedirectionCreated | RedirectionChanged | RedirectionRemoved;

/** Every redirection event type, once (HOSTING_EVENT_TYPES spreads it). */
export const REDIRECTION_EVENT_TYPES: { readonly [T in RedirectionEvent['type']]: true } = {
  RedirectionCreated: true,
  RedirectionChanged: true,
  RedirectionRemoved: true,
};

export function isRedirectionEvent(e: { type: string }): e is RedirectionEvent {
  return Object.hasOwn(REDIRECTION_EVENT_TYPES, e.type);
}
