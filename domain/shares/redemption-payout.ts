import { formatDayFr, isDay, type Day } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type { SharePayoutEvent, ShareRedemptionPaid } from './events.js';

/**
 * Paying back redeemed shares (docs/accounting.md §7): the redemption leaves the capital and
 * owes it to the member (D 1013 / C 4567); the payout, dated the day the money leaves, settles
 * it (D 4567 / C 512). Once per redemption, never before it, never in the future.
 */

/** A redemption decided in gloux2 (the register's movement), as the payout needs it. */
export interface RedemptionToPay {
  readonly redemptionId: string;
  readonly tiersId: string;
  readonly amount: string;
  readonly on: Day;
}

export interface RedemptionPayoutState {
  readonly paid: ShareRedemptionPaid | null;
}

export const initialRedemptionPayoutState: RedemptionPayoutState = { paid: null };

export function evolveRedemptionPayout(
  _state: RedemptionPayoutState,
  event: SharePayoutEvent,
): RedemptionPayoutState {
  return { paid: event };
}

export const PAYOUT_METHODS = { transfer: 'virement', cheque: 'chèque' } as const;

export interface PayRedemption {
  /** null: no redemption of gloux2's with that id. */
  readonly redemption: RedemptionToPay | null;
  readonly on: string;
  readonly method: string;
  readonly reference?: string;
}

export function decidePayRedemption(
  state: RedemptionPayoutState,
  cmd: PayRedemption,
  ctx: { today: Day; newId: () => string },
): ShareRedemptionPaid {
  const r = cmd.redemption;
  if (r === null)
    throw new DomainError('not_found', 'Remboursement de parts introuvable.', 'redemptionId');
  if (state.paid !== null)
    throw new DomainError(
      'already_paid',
      `Ce remboursement a déjà été versé le ${formatDayFr(state.paid.data.on)}.`,
      'redemptionId',
    );
  const method = cmd.method;
  if (method !== 'transfer' && method !== 'cheque')
    throw new DomainError('invalid_input', 'Mode de versement : virement ou chèque.', 'mode');
  const on = String(cmd.on ?? '').trim() || ctx.today;
  if (!isDay(on)) throw new DomainError('invalid_input', 'Date invalide (AAAA-MM-JJ).', 'date');
  if (on < r.on)
    throw new DomainError(
      'invalid_input',
      `Le versement ne peut précéder le remboursement des parts (${formatDayFr(r.on)}).`,
      'date',
    );
  if (on > ctx.today)
    throw new DomainError('invalid_input', 'La date ne peut pas être dans le futur.', 'date');
  return {
    type: 'ShareRedemptionPaid',
    data: {
      payoutId: ctx.newId(),
      redemptionId: r.redemptionId,
      tiersId: r.tiersId,
      amount: Money.of(r.amount).toString(),
      on,
      method,
      reference: String(cmd.reference ?? '')
        .trim()
        .slice(0, 64),
    },
  };
}
