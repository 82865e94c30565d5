import type {
  CancelShares,
  PayUpShares,
  RedeemShares,
  SubscribeShares,
  TransferShares,
  WithdrawRedemption,
} from '../../domain/shares/share-movements.js';

/** Share capital commands: one class each, handled in shares.handlers.ts. */

export class SubscribeSharesCommand {
  constructor(
    readonly input: SubscribeShares,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class PayUpSharesCommand {
  constructor(
    readonly input: PayUpShares,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class TransferSharesCommand {
  constructor(
    readonly input: TransferShares,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class RedeemSharesCommand {
  constructor(
    readonly input: RedeemShares,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class WithdrawRedemptionCommand {
  constructor(
    readonly input: WithdrawRedemption,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class CancelSharesCommand {
  constructor(
    readonly input: CancelShares,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

/** Records Gloux's parts_sociales rows not yet known (keyed by share number). */
export class ImportLegacySharesCommand {
  constructor(readonly actor: string) {}
}

export type ShareMovementKind =
  'subscription' | 'payment' | 'transfer' | 'redemption' | 'queued' | 'withdrawal' | 'cancellation';

export interface ShareMovementResult {
  kind: ShareMovementKind;
  tiersId: string;
  /** The shares concerned, as ranges (a subscription: the new numbers; a transfer: the old ones). */
  numbers: string;
  /** A transfer: the transferee's new numbers. */
  newNumbers: string | null;
  /** A queued redemption (or the one withdrawn). */
  requestId: string | null;
  /** Queued redemptions this movement let through (first in, first out). */
  executedRequests: string[];
  /** The capital after the movement, and the floor it must stay above. */
  capital: string;
  floor: string;
}

export interface ImportLegacySharesResult {
  importedOn: string;
  imported: number;
  /** Rows imported now that had something to report (zero dates, inconsistent dates…). */
  anomalies: string[];
  /** Tiers whose tiers.nb_parts in Gloux differs from the shares its parts_sociales holds. */
  mismatches: string[];
}

/** Pays back a redemption's capital (D 4567 / C 512, docs/accounting.md §7). */
export class PayRedemptionCommand {
  constructor(
    readonly input: { redemptionId: string; on?: string; method: string; reference?: string },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface PayRedemptionResult {
  payoutId: string;
  redemptionId: string;
  tiersId: string;
  amount: string;
  on: string;
}
