/**
 * Mailbox events (issue 19), on the hosting's stream `hosting-<id>`. Released shapes never
 * change: add a new type instead. No event carries a password or a hash (HOSTING.md decision
 * 5): the `$5$` hash waits in the purgeable `g2_hosting_secrets` until the mirror has written
 * it into Gloux's `mails` row. Addresses are lower case, the domain in punycode (as Gloux and
 * the daemons read them); days are 'YYYY-MM-DD' (Europe/Paris).
 *
 * A box's life: Created → (password, quota, access, auto-reply changes)* → DeletionRequested
 * → (DeletionCancelled → … | PurgeStarted → Purged). Logins and delivery stop at
 * DeletionRequested (`mails.actif = 'N'` and a `g2_mailbox_deletions` row); the address stays
 * claimed until Purged, so a new box never shows the old mail.
 */

/** Why a box goes: its owner's (or support's) request, or the hosting's closure. */
export type MailboxDeletionReason = 'requested' | 'hosting_closed';

export interface MailboxCreated {
  readonly type: 'MailboxCreated';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    /** Gloux's `domaines.id_domaine` of the address's domain. */
    readonly domainId: number;
    readonly quotaMb: number;
    readonly pop: boolean;
    readonly imap: boolean;
    readonly actor: string;
  };
}

/** The new hash is in `g2_hosting_secrets`, never here. */
export interface MailboxPasswordChanged {
  readonly type: 'MailboxPasswordChanged';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly actor: string;
  };
}

export interface MailboxQuotaChanged {
  readonly type: 'MailboxQuotaChanged';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly quotaMb: number;
    readonly actor: string;
  };
}

/** POP3 and IMAP access (Gloux's `mails.pop` / `mails.imap`). */
export interface MailboxAccessChanged {
  readonly type: 'MailboxAccessChanged';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly pop: boolean;
    readonly imap: boolean;
    readonly actor: string;
  };
}

/** The auto-reply text (Gloux's `mails.repondeur`); null turns it off. */
export interface MailboxAutoReplyChanged {
  readonly type: 'MailboxAutoReplyChanged';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly message: string | null;
    readonly actor: string;
  };
}

/** Logins and delivery stop now; the files stay until `purgeAfter` (deferred deletion). */
export interface MailboxDeletionRequested {
  readonly type: 'MailboxDeletionRequested';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly purgeAfter: string;
    readonly reason: MailboxDeletionReason;
    readonly actor: string;
  };
}

/** The box works again, with all its mail. */
export interface MailboxDeletionCancelled {
  readonly type: 'MailboxDeletionCancelled';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly actor: string;
  };
}

/** The daily run found the box due: the purge job is queued from this event; no cancel now. */
export interface MailboxPurgeStarted {
  readonly type: 'MailboxPurgeStarted';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly actor: string;
  };
}

/** The files are gone: the mirror deletes the Gloux rows and the address is free again. */
export interface MailboxPurged {
  readonly type: 'MailboxPurged';
  readonly data: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly actor: string;
  };
}

export type MailboxEvent =
  | MailboxCreated
  | MailboxPasswordChanged
  | MailboxQuotaChanged
  | MailboxAccessChanged
  | MailboxAutoReplyChanged
  | MailboxDeletionRequested
  | MailboxDeletionCancelled
  | MailboxPurgeStarted
  | MailboxPurged;

/** Every mailbox event type, once (HOSTING_EVENT_TYPES spreads it). */
export const MAILBOX_EVENT_TYPES: { readonly [T in MailboxEvent['type']]: true } = {
  MailboxCreated: true,
  MailboxPasswordChanged: true,
  MailboxQuotaChanged: true,
  MailboxAccessChanged: true,
  MailboxAutoReplyChanged: true,
  MailboxDeletionRequested: true,
  MailboxDeletionCancelled: true,
  MailboxPurgeStarted: true,
  MailboxPurged: true,
};

export function isMailboxEvent(e: { type: string }): e is MailboxEvent {
  return Object.hasOwn(MAILBOX_EVENT_TYPES, e.type);
}
