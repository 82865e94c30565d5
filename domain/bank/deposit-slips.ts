import { compareDays, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type {
  DepositSlipCancelled,
  DepositSlipCheque,
  DepositSlipEvent,
  DepositSlipIssued,
} from './events.js';

export interface SlipState {
  readonly slipId: string;
  readonly number: number;
  readonly depositOn: Day;
  readonly paymentIds: readonly string[];
  readonly total: string;
  readonly cancelled: boolean;
}

export interface DepositSlipsState {
  /** The number the next slip gets. */
  readonly nextNumber: number;
  readonly slips: ReadonlyMap<string, SlipState>;
  /** Cheque (payment id) → the active slip holding it. */
  readonly slipOfCheque: ReadonlyMap<string, string>;
}

export const initialDepositSlipsState: DepositSlipsState = {
  nextNumber: 1,
  slips: new Map(),
  slipOfCheque: new Map(),
};

export function evolveDepositSlips(
  state: DepositSlipsState,
  event: DepositSlipEvent,
): DepositSlipsState {
  switch (event.type) {
    case 'DepositSlipIssued': {
      const d = event.data;
      const slips = new Map(state.slips);
      slips.set(d.slipId, {
        slipId: d.slipId,
        number: d.number,
        depositOn: d.depositOn,
        paymentIds: d.cheques.map((c) => c.paymentId),
        total: d.total,
        cancelled: false,
      });
      const slipOfCheque = new Map(state.slipOfCheque);
      for (const c of d.cheques) slipOfCheque.set(c.paymentId, d.slipId);
      return { nextNumber: Math.max(state.nextNumber, d.number + 1), slips, slipOfCheque };
    }
    case 'DepositSlipCancelled': {
      const slip = state.slips.get(event.data.slipId);
      if (!slip) return state;
      const slips = new Map(state.slips);
      slips.set(slip.slipId, { ...slip, cancelled: true });
      const slipOfCheque = new Map(state.slipOfCheque);
      for (const id of slip.paymentIds)
        if (slipOfCheque.get(id) === slip.slipId) slipOfCheque.delete(id);
      return { ...state, slips, slipOfCheque };
    }
  }
}

export const foldDepositSlips = (events: readonly DepositSlipEvent[]): DepositSlipsState =>
  events.reduce(evolveDepositSlips, initialDepositSlipsState);

/** What the decision needs to know of a payment put on a slip (from its stream). */
export interface ChequeFacts extends DepositSlipCheque {
  readonly method: string;
  /** 'valid', or 'bounced' once returned unpaid. */
  readonly status: 'valid' | 'bounced';
  /** Refunded or bounced so far. */
  readonly reversed: string;
}

export interface IssueDepositSlip {
  /** The cheques (payment ids) to deposit. */
  paymentIds: string[];
  /** The day the slip is handed to the bank (default: today). */
  depositOn?: string;
}

/**
 * A new slip of cheques not yet deposited. Refused: an unknown payment, a payment that is not
 * a cheque, a cheque already returned or refunded, a cheque already on an active slip, a
 * deposit day in the future or before a cheque was received.
 */
export function decideIssueDepositSlip(
  state: DepositSlipsState,
  cmd: IssueDepositSlip,
  ctx: { slipId: string; today: Day; cheques: ReadonlyMap<string, ChequeFacts> },
): readonly [DepositSlipIssued] {
  const { cheques } = ctx;
  const ids = Array.isArray(cmd?.paymentIds) ? cmd.paymentIds.map(String) : [];
  if (ids.length === 0)
    throw new DomainError('invalid_input', 'Choisissez au moins un chèque.', 'paymentIds');
  if (new Set(ids).size !== ids.length)
    throw new DomainError('invalid_input', 'Un chèque est cité deux fois.', 'paymentIds');
  const depositOn = parseField(
    'depositOn',
    () => parseDay(cmd.depositOn ?? ctx.today),
    'La date de remise est invalide (AAAA-MM-JJ).',
  );
  if (compareDays(depositOn, ctx.today) > 0)
    throw new DomainError(
      'invalid_input',
      'La date de remise ne peut pas être dans le futur.',
      'depositOn',
    );
  const lines: DepositSlipCheque[] = [];
  for (const id of ids) {
    const c = cheques.get(id);
    if (!c) throw new DomainError('not_found', `Paiement ${id} introuvable.`, 'paymentIds');
    const what = `Le paiement ${c.reference || id}`;
    if (c.method !== 'cheque')
      throw new DomainError('invalid_input', `${what} n’est pas un chèque.`, 'paymentIds');
    if (c.status === 'bounced' || !Money.of(c.reversed).isZero())
      throw new DomainError(
        'invalid_input',
        `Le chèque ${c.reference || id} a été rejeté ou remboursé : il ne peut pas être remis.`,
        'paymentIds',
      );
    const holder = state.slipOfCheque.get(id);
    if (holder)
      throw new DomainError(
        'already_deposited',
        `Le chèque ${c.reference || id} figure déjà sur le bordereau n° ${state.slips.get(holder)?.number}.`,
        'paymentIds',
      );
    if (compareDays(depositOn, c.receivedOn) < 0)
      throw new DomainError(
        'invalid_input',
        `La date de remise précède la réception du chèque ${c.reference || id}.`,
        'depositOn',
      );
    lines.push({
      paymentId: c.paymentId,
      customerId: c.customerId,
      amount: c.amount,
      receivedOn: c.receivedOn,
      reference: c.reference,
      bank: c.bank,
    });
  }
  // Printed in the order of reception, then reference: the order the treasurer sorts them in.
  lines.sort(
    (a, b) => compareDays(a.receivedOn, b.receivedOn) || a.reference.localeCompare(b.reference),
  );
  return [
    {
      type: 'DepositSlipIssued',
      data: {
        slipId: ctx.slipId,
        number: state.nextNumber,
        depositOn,
        cheques: lines,
        total: Money.sum(lines.map((l) => Money.of(l.amount))).toString(),
      },
    },
  ];
}

export interface CancelDepositSlip {
  number: number | string;
  reason: string;
  on?: string;
}

/** Cancelling is a reversal, not a delete: the slip stays listed, its cheques are free again. */
export function decideCancelDepositSlip(
  state: DepositSlipsState,
  cmd: CancelDepositSlip,
  ctx: { today: Day },
): readonly [DepositSlipCancelled] {
  const slip = slipByNumber(state, cmd?.number);
  if (!slip) throw new DomainError('not_found', 'Bordereau introuvable.', 'number');
  if (slip.cancelled)
    throw new DomainError(
      'already_cancelled',
      `Le bordereau n° ${slip.number} est déjà annulé.`,
      'number',
    );
  const reason = typeof cmd.reason === 'string' ? cmd.reason.trim() : '';
  if (reason === '')
    throw new DomainError('invalid_input', 'Indiquez le motif de l’annulation.', 'reason');
  if (reason.length > 255)
    throw new DomainError('invalid_input', 'Motif trop long (255 caractères au plus).', 'reason');
  const on = parseField(
    'on',
    () => parseDay(cmd.on ?? ctx.today),
    'La date d’annulation est invalide (AAAA-MM-JJ).',
  );
  if (compareDays(on, ctx.today) > 0)
    throw new DomainError('invalid_input', 'La date ne peut pas être dans le futur.', 'on');
  return [
    {
      type: 'DepositSlipCancelled',
      data: { slipId: slip.slipId, number: slip.number, on, reason },
    },
  ];
}

export function slipByNumber(state: DepositSlipsState, number: unknown): SlipState | undefined {
  const n = Number(typeof number === 'string' ? number.trim() : number);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return [...state.slips.values()].find((s) => s.number === n);
}
