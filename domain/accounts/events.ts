/**
 * Hosting-account lifecycle events. Released shapes never change: add a new type instead.
 *
 * One stream per hosting account, `account-<id>` where the id is Gloux's
 * `hebergements.id_hebergement` (as a string), so every change of an account's state is
 * serialised. Days are 'YYYY-MM-DD' (Europe/Paris). Who wrote the event (gloux2 or Gloux,
 * ingested) is in the event metadata (`source`), not here.
 *
 * This file is the contract shared by sign-up (auth), the lifecycle job and the ingestion of
 * Gloux's own writes: each may add event types to the union, none may change these shapes.
 */

export const accountStream = (accountId: string): string => `account-${accountId}`;

/**
 * Why an account is suspended. Reasons are kept apart: a payment lifts only 'unpaid';
 * 'admin' (a human decision) and 'abuse' are lifted only by a human; 'trial_expired' by
 * conversion to a paying account.
 */
export type SuspensionReason = 'unpaid' | 'admin' | 'abuse' | 'trial_expired';

/** An account opened: by sign-up (with a trial end) or already paying (`trialEndsOn` null). */
export interface AccountOpened {
  readonly type: 'AccountOpened';
  readonly data: {
    readonly accountId: string;
    readonly customerId: string;
    /** Gloux's `hebergements.nom` (the system login). */
    readonly name: string;
    readonly openedOn: string;
    readonly trialEndsOn: string | null;
  };
}

/** Suspended for one reason; an account may carry several reasons at once. */
export interface AccountSuspended {
  readonly type: 'AccountSuspended';
  readonly data: {
    readonly accountId: string;
    readonly reason: SuspensionReason;
    /** The text shown to people and written to Gloux's `hebergements.motif_etat`. */
    readonly note: string;
    readonly on: string;
  };
}

/** One suspension reason lifted; the account is active again when no reason is left. */
export interface AccountReactivated {
  readonly type: 'AccountReactivated';
  readonly data: {
    readonly accountId: string;
    readonly liftedReason: SuspensionReason;
    readonly on: string;
  };
}

/** The account is closed for good (Gloux's `etat = 'ferme'`). */
export interface AccountClosed {
  readonly type: 'AccountClosed';
  readonly data: {
    readonly accountId: string;
    readonly on: string;
    readonly note: string;
  };
}

/** A trial account became a paying one: on its customer's first paid invoice, or by an admin. */
export interface AccountConverted {
  readonly type: 'AccountConverted';
  readonly data: {
    readonly accountId: string;
    readonly on: string;
    readonly by: 'payment' | 'admin';
    /** The invoice whose payment converted it (null for an admin's decision). */
    readonly invoiceId: string | null;
  };
}

/**
 * The account will be closed on `closesOn` unless the reason is lifted before (the notice is
 * then void). Sent for accounts suspended for 'unpaid' or 'trial_expired' long enough.
 */
export interface AccountClosureNoticeSent {
  readonly type: 'AccountClosureNoticeSent';
  readonly data: {
    readonly accountId: string;
    readonly reason: SuspensionReason;
    readonly on: string;
    readonly closesOn: string;
  };
}

export type AccountEvent =
  | AccountOpened
  | AccountSuspended
  | AccountReactivated
  | AccountClosed
  | AccountConverted
  | AccountClosureNoticeSent;

export const accountEventTypes: readonly AccountEvent['type'][] = [
  'AccountOpened',
  'AccountSuspended',
  'AccountReactivated',
  'AccountClosed',
  'AccountConverted',
  'AccountClosureNoticeSent',
];

export function isAccountEvent(e: { type: string }): e is AccountEvent {
  return (accountEventTypes as readonly string[]).includes(e.type);
}

/**
 * Dunning of a customer's invoices (`dunning-<customerId>` streams): what was sent about each
 * invoice, so the daily job never sends the same notice or reminder twice. Amounts are the
 * two-decimal amount still due when it was sent.
 */
export const dunningStream = (customerId: string): string => `dunning-${customerId}`;

/** The e-mail announcing a new invoice (never for an invoice with nothing due). */
export interface InvoiceNoticeSent {
  readonly type: 'InvoiceNoticeSent';
  readonly data: {
    readonly customerId: string;
    readonly invoiceId: string;
    readonly number: string;
    readonly due: string;
    readonly dueOn: string;
    readonly on: string;
  };
}

/** Reminder number `rank` (1, 2, …) of an unpaid invoice past its due date. */
export interface PaymentReminderSent {
  readonly type: 'PaymentReminderSent';
  readonly data: {
    readonly customerId: string;
    readonly invoiceId: string;
    readonly number: string;
    readonly rank: number;
    readonly due: string;
    readonly dueOn: string;
    readonly on: string;
  };
}

export type DunningEvent = InvoiceNoticeSent | PaymentReminderSent;

export const dunningEventTypes: readonly DunningEvent['type'][] = [
  'InvoiceNoticeSent',
  'PaymentReminderSent',
];

export function isDunningEvent(e: { type: string }): e is DunningEvent {
  return (dunningEventTypes as readonly string[]).includes(e.type);
}

/**
 * Joining the cooperative by the public sign-up: one `joining-<customerId>` stream per new
 * customer. Records what was chosen and the versions of the terms of sale and of the
 * personal-data notice accepted, with the time (never the password nor a hash of it).
 */
export const joiningStream = (customerId: string): string => `joining-${customerId}`;

export interface CooperatorJoined {
  readonly type: 'CooperatorJoined';
  readonly data: {
    readonly customerId: string;
    readonly tiersId: string;
    readonly accountId: string;
    readonly hostingName: string;
    /** Gloux's `produits.id_produit` of the plaque chosen, its label and yearly price. */
    readonly planId: string;
    readonly planLabel: string;
    readonly planPriceNet: string;
    readonly joinedOn: string;
    readonly trialEndsOn: string;
    /** The share subscription made at sign-up (SharesSubscribed on the share-capital stream). */
    readonly subscriptionId: string;
    readonly shareNumbers: readonly number[];
    readonly shareNominal: string;
    readonly termsVersion: string;
    readonly privacyVersion: string;
    /** ISO 8601 instant of the acceptance (the form's submission). */
    readonly acceptedAt: string;
  };
}

/**
 * A person's details as an admin edits them (Gloux's `tiers`): one `person-<id_tiers>` stream
 * per person, so edits of one person are recorded one after the other. Gloux's row stays the
 * person's truth (Gloux's own pages edit it without any event); the event records what gloux2
 * changed, and the mirror writes it to `tiers` (legacy-sync/legacy-members.ts). Contact
 * details only: nothing secret is ever in it.
 */
export const personStream = (tiersId: string): string => `person-${tiersId}`;

/** The person's fields an admin edits, each one of Gloux's `tiers` columns. */
export type PersonField =
  'lastName' | 'firstName' | 'company' | 'address' | 'postalCode' | 'city' | 'email' | 'phone';

export interface PersonDetailsChanged {
  readonly type: 'PersonDetailsChanged';
  readonly data: {
    readonly tiersId: string;
    /** The customer account whose page the edit was made from. */
    readonly customerId: string;
    /**
     * Only the fields that changed: what Gloux held (`from`) and what was typed (`to`). The
     * mirror writes a field only while Gloux still holds `from`, so a later edit in Gloux wins.
     */
    readonly changes: readonly {
      readonly field: PersonField;
      readonly from: string;
      readonly to: string;
    }[];
  };
}

export type PersonEvent = PersonDetailsChanged;

export const personEventTypes: readonly PersonEvent['type'][] = ['PersonDetailsChanged'];

export function isPersonEvent(e: { type: string }): e is PersonEvent {
  return (personEventTypes as readonly string[]).includes(e.type);
}
