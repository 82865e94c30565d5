/**
 * Share capital events (parts sociales). Released shapes never change: add a new type instead.
 * Share numbers are Gloux's (`parts_sociales.numero`, drawn from its `part_sociale` counter and
 * never reused); amounts are decimal strings with two decimals; days are 'YYYY-MM-DD'.
 *
 * Every share event goes to one stream, `share-capital`: the capital floor and the uniqueness
 * of share numbers are decided on one consistent state, and two concurrent movements cannot
 * both pass the floor check (the second one reloads and decides again).
 */

export const SHARE_CAPITAL_STREAM = 'share-capital';

/**
 * Gloux's `parts_sociales.etat`, used as is: 'souscrite' and 'liberee' are held (they make the
 * capital, query G8); 'cedee', 'remboursee' and 'annulee' have left it.
 */
export type ShareState = 'souscrite' | 'liberee' | 'cedee' | 'remboursee' | 'annulee';

/** New shares for a tiers, one number per share, counted in the capital from `on`. */
export interface SharesSubscribed {
  readonly type: 'SharesSubscribed';
  readonly data: {
    readonly subscriptionId: string;
    readonly tiersId: string;
    readonly numbers: readonly number[];
    /** Nominal value of each share. */
    readonly nominal: string;
    readonly on: string;
    readonly reference: string;
  };
}

/** Shares paid up (libérées). `legacyPaymentId`: Gloux's `paiements.id_paiement` when known. */
export interface SharesPaidUp {
  readonly type: 'SharesPaidUp';
  readonly data: {
    readonly liberationId: string;
    readonly tiersId: string;
    readonly numbers: readonly number[];
    readonly on: string;
    readonly reference: string;
    readonly legacyPaymentId: number | null;
  };
}

/** How gloux2 received the money for shares (the treasurer's choice). */
export type SharePaymentMethod = 'cheque' | 'transfer' | 'cash';

/**
 * How the money of shares paid up in gloux2 came in (docs/accounting.md §7), recorded with the
 * SharesPaidUp it pays (`liberationId`), from the day methods were asked for. A SharesPaidUp
 * without one (recorded before, or Gloux's own) is money at the bank (512). A cheque waits in
 * 5112 until a deposit slip takes it (`paymentId` is the cheque's id on the slip).
 */
export interface SharePaymentReceived {
  readonly type: 'SharePaymentReceived';
  readonly data: {
    readonly paymentId: string;
    readonly liberationId: string;
    readonly tiersId: string;
    readonly method: SharePaymentMethod;
    /** The nominal value of the shares paid up. */
    readonly amount: string;
    readonly receivedOn: string;
    readonly reference: string;
    /** The cheque's bank, '' otherwise. */
    readonly bank: string;
  };
}

/**
 * A transfer (cession): the transferor's shares end 'cedee' (naming the transferee) and the
 * transferee gets new numbers drawn from the counter, one for one (`newNumbers[i]` replaces
 * `numbers[i]`, with its nominal and its paid-up state). The capital does not change.
 */
export interface SharesTransferred {
  readonly type: 'SharesTransferred';
  readonly data: {
    readonly transferId: string;
    readonly fromTiersId: string;
    readonly toTiersId: string;
    readonly numbers: readonly number[];
    readonly newNumbers: readonly number[];
    readonly on: string;
    readonly reference: string;
  };
}

/**
 * A redemption that would take the capital below its floor, queued (policy 'queue'): the
 * shares stay held and locked until it is executed (SharesRedeemed naming `requestId`) or
 * withdrawn. Requests are executed first in, first out.
 */
export interface ShareRedemptionQueued {
  readonly type: 'ShareRedemptionQueued';
  readonly data: {
    readonly requestId: string;
    readonly tiersId: string;
    readonly numbers: readonly number[];
    readonly requestedOn: string;
    readonly amount: string;
    readonly reason: string;
  };
}

/** Shares paid back at their nominal value (remboursement); `requestId` when it was queued. */
export interface SharesRedeemed {
  readonly type: 'SharesRedeemed';
  readonly data: {
    readonly redemptionId: string;
    readonly requestId: string | null;
    readonly tiersId: string;
    readonly numbers: readonly number[];
    readonly on: string;
    readonly requestedOn: string;
    readonly amount: string;
    readonly reason: string;
  };
}

/** A queued redemption given up: its shares are held and free again. */
export interface ShareRedemptionWithdrawn {
  readonly type: 'ShareRedemptionWithdrawn';
  readonly data: {
    readonly requestId: string;
    readonly tiersId: string;
    readonly on: string;
  };
}

/** Subscribed shares never paid up, cancelled (annulées): they leave the capital on `on`. */
export interface SharesCancelled {
  readonly type: 'SharesCancelled';
  readonly data: {
    readonly cancellationId: string;
    readonly tiersId: string;
    readonly numbers: readonly number[];
    readonly on: string;
    readonly reason: string;
  };
}

/**
 * One of Gloux's `parts_sociales` rows, as Gloux holds it. Zero dates ('0000-00-00') are null:
 * unset, never "long ago". `legacyPaymentId` 0 = none.
 */
export interface ImportedShare {
  readonly number: number;
  readonly tiersId: string;
  readonly nominal: string;
  readonly state: ShareState;
  readonly subscribedOn: string | null;
  readonly paidOn: string | null;
  readonly legacyPaymentId: number;
  readonly exitOn: string | null;
  readonly transfereeTiersId: string | null;
}

/** Shares found in Gloux's table, recorded with metadata source 'gloux' (never mirrored back). */
export interface LegacySharesImported {
  readonly type: 'LegacySharesImported';
  readonly data: {
    readonly importedOn: string;
    readonly shares: readonly ImportedShare[];
  };
}

/**
 * Gloux changed one of its parts_sociales rows the register already holds (e.g. marked a share
 * 'remboursee', set its date_liberation), recorded with metadata source 'gloux' by the
 * ingestion. `share` is Gloux's row as it is now; `movement` what it means in the register:
 * a share paid up ('liberation', on its liberation day), a share that left the capital
 * ('cession', 'remboursement', 'annulation', on its exit day), or null for a correction of the
 * row's dates or payment that moves nothing (the capital's dated history is kept as recorded).
 */
export interface LegacyShareChanged {
  readonly type: 'LegacyShareChanged';
  readonly data: {
    /** Derived from the share number and Gloux's row as changed: one change, one id. */
    readonly changeId: string;
    /** The day gloux2 saw the change. */
    readonly seenOn: string;
    readonly previousState: ShareState;
    readonly share: ImportedShare;
    readonly movement: 'liberation' | 'cession' | 'remboursement' | 'annulation' | null;
    /** The movement's day (null with no movement). */
    readonly on: string | null;
  };
}

export type ShareEvent =
  | SharesSubscribed
  | SharesPaidUp
  | SharePaymentReceived
  | SharesTransferred
  | ShareRedemptionQueued
  | SharesRedeemed
  | ShareRedemptionWithdrawn
  | SharesCancelled
  | LegacySharesImported
  | LegacyShareChanged;

export const shareEventTypes: readonly ShareEvent['type'][] = [
  'SharesSubscribed',
  'SharesPaidUp',
  'SharePaymentReceived',
  'SharesTransferred',
  'ShareRedemptionQueued',
  'SharesRedeemed',
  'ShareRedemptionWithdrawn',
  'SharesCancelled',
  'LegacySharesImported',
  'LegacyShareChanged',
];

export function isShareEvent(e: { type: string }): e is ShareEvent {
  return (shareEventTypes as readonly string[]).includes(e.type);
}

/**
 * The capital of redeemed shares paid back to the member (docs/accounting.md §7: D 4567 / C 512),
 * on `on`, by transfer or cheque. Its own stream per redemption (`redemptionPayoutStream`), so a
 * redemption is paid once and the share-capital stream is not touched.
 */
export interface ShareRedemptionPaid {
  readonly type: 'ShareRedemptionPaid';
  readonly data: {
    readonly payoutId: string;
    readonly redemptionId: string;
    readonly tiersId: string;
    readonly amount: string;
    readonly on: string;
    readonly method: 'transfer' | 'cheque';
    readonly reference: string;
  };
}

export type SharePayoutEvent = ShareRedemptionPaid;

export const sharePayoutEventTypes: readonly SharePayoutEvent['type'][] = ['ShareRedemptionPaid'];

export function isSharePayoutEvent(e: { type: string }): e is SharePayoutEvent {
  return (sharePayoutEventTypes as readonly string[]).includes(e.type);
}

export const redemptionPayoutStream = (redemptionId: string) => `share-payout-${redemptionId}`;
