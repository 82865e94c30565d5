import { compareDays, formatDayFr, maxDay, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { formatEuros, Money } from '../shared/money.js';
import type {
  ImportedShare,
  ShareEvent,
  SharePaymentMethod,
  SharePaymentReceived,
  ShareRedemptionQueued,
  SharesRedeemed,
  ShareState,
} from './events.js';
import {
  capitalFloor,
  currentCapital,
  evolveShareCapital,
  isHeldState,
  isMember,
  foldShareCapital,
  type PendingRedemption,
  type Share,
  type ShareCapitalState,
  type ShareRules,
} from './share-capital.js';
import { MAX_SHARES_PER_REQUEST, parseShareNumbers } from './share-numbers.js';

/**
 * Share movements decided on the share capital's state (share-capital.ts): each checks its
 * input and returns the events to record, or throws a DomainError in French. Time and the
 * tiers known to Gloux come from the context.
 */

export interface ShareContext {
  readonly today: Day;
  readonly rules: ShareRules;
  /** True when Gloux's `tiers` table has this id. */
  readonly tiersExists: (tiersId: string) => boolean;
  /** A fresh id for a movement or a request. */
  readonly newId: () => string;
}

function invalid(message: string, field: string): never {
  throw new DomainError('invalid_input', message, field);
}

/** A Gloux tiers id: digits only (id_tiers is an INT UNSIGNED, 0 means none). */
export function checkedTiersId(input: unknown, field = 'tiersId'): string {
  const s = typeof input === 'number' ? String(input) : String(input ?? '').trim();
  if (!/^\d{1,10}$/.test(s) || Number(s) === 0) invalid('Numéro de tiers invalide.', field);
  return String(Number(s));
}

function knownTiers(id: string, ctx: ShareContext, field: string): string {
  if (!ctx.tiersExists(id))
    throw new DomainError('not_found', `Tiers n° ${id} inconnu dans Gloux.`, field);
  return id;
}

/** A movement's day: a real day, not in the future, and not before the register's last movement. */
function movementDay(state: ShareCapitalState, input: unknown, ctx: ShareContext): Day {
  const on = parseField('on', () => parseDay(input), 'La date est invalide (AAAA-MM-JJ).');
  if (compareDays(on, ctx.today) > 0) invalid('La date ne peut pas être dans le futur.', 'on');
  if (state.lastMovementOn !== null && compareDays(on, state.lastMovementOn) < 0) {
    throw new DomainError(
      'invalid_input',
      `Le registre des mouvements de titres est tenu dans l’ordre des dates : la date ne peut pas précéder le dernier mouvement (${formatDayFr(state.lastMovementOn)}).`,
      'on',
      { lastMovementOn: state.lastMovementOn },
    );
  }
  return on;
}

function checkedCount(input: unknown): number {
  const s = typeof input === 'number' ? String(input) : String(input ?? '').trim();
  if (!/^-?\d+$/.test(s)) invalid('Le nombre de parts doit être un nombre entier.', 'count');
  const n = Number(s);
  if (n <= 0) invalid('Le nombre de parts doit être d’au moins 1.', 'count');
  if (n > MAX_SHARES_PER_REQUEST)
    invalid(`Au plus ${MAX_SHARES_PER_REQUEST} parts par souscription.`, 'count');
  return n;
}

function text(input: unknown, field: string, max: number, label: string): string {
  const s = String(input ?? '').trim();
  if (s.length > max) invalid(`${label} fait au plus ${max} caractères.`, field);
  return s;
}

/**
 * The shares named, all held now by `tiersId` and free of any queued redemption. Unknown
 * numbers are 'not_found'; someone else's, already gone or locked shares are refused by number.
 */
function ownShares(
  state: ShareCapitalState,
  tiersId: string,
  input: unknown,
  field = 'numbers',
): Share[] {
  const numbers = parseShareNumbers(input, field);
  return numbers.map((n) => {
    const share = state.shares.get(n);
    if (!share) throw new DomainError('not_found', `La part n° ${n} n’existe pas.`, field);
    if (share.tiersId !== tiersId)
      invalid(`La part n° ${n} n’appartient pas au tiers n° ${tiersId}.`, field);
    if (share.heldUntil !== null || !isHeldState(share.state))
      invalid(`La part n° ${n} n’est plus détenue (${stateLabel(share.state)}).`, field);
    if (share.pendingRequestId !== null)
      invalid(`La part n° ${n} est en attente de remboursement.`, field);
    return share;
  });
}

export function stateLabel(state: ShareState): string {
  return {
    souscrite: 'souscrite',
    liberee: 'libérée',
    cedee: 'cédée',
    remboursee: 'remboursée',
    annulee: 'annulée',
  }[state];
}

/** New numbers from the counter: never a number the register already knows. */
function freshNumbers(state: ShareCapitalState, numbers: readonly number[], count: number): void {
  if (numbers.length !== count)
    throw new Error(`${count} share numbers needed, ${numbers.length} drawn`);
  const seen = new Set<number>();
  for (const n of numbers) {
    if (state.shares.has(n) || seen.has(n)) {
      throw new DomainError(
        'conflict',
        `Le compteur part_sociale a donné le numéro ${n}, déjà attribué : il n’est jamais réutilisé. Vérifiez le compteur dans Gloux.`,
        'count',
      );
    }
    seen.add(n);
  }
}

/** How the money for shares came in; absent: not said (money at the bank, as before). */
export interface SharePaymentInput {
  method?: string;
  /** The cheque's bank. */
  bank?: string;
}

const SHARE_PAYMENT_METHODS: readonly SharePaymentMethod[] = ['cheque', 'transfer', 'cash'];

/** The payment's method and bank, checked before any number is drawn (null: none given). */
export function checkedSharePayment(
  input: SharePaymentInput,
): { method: SharePaymentMethod; bank: string } | null {
  const raw = String(input?.method ?? '').trim();
  if (raw === '') return null;
  if (!(SHARE_PAYMENT_METHODS as readonly string[]).includes(raw))
    invalid('Mode de paiement invalide : chèque, virement ou espèces.', 'method');
  const bank = raw === 'cheque' ? text(input.bank, 'bank', 64, 'La banque') : '';
  return { method: raw as SharePaymentMethod, bank };
}

/** The money of a paying-up, when its method was given (docs/accounting.md §7: 5112 for a cheque). */
function sharePayment(
  input: SharePaymentInput,
  paid: { liberationId: string; tiersId: string; amount: Money; on: Day; reference: string },
  ctx: ShareContext,
): SharePaymentReceived[] {
  const payment = checkedSharePayment(input);
  if (payment === null) return [];
  return [
    {
      type: 'SharePaymentReceived',
      data: {
        paymentId: ctx.newId(),
        liberationId: paid.liberationId,
        tiersId: paid.tiersId,
        method: payment.method,
        amount: paid.amount.toString(),
        receivedOn: paid.on,
        reference: paid.reference,
        bank: payment.bank,
      },
    },
  ];
}

export interface SubscribeShares extends SharePaymentInput {
  tiersId: string;
  count: number | string;
  on: string;
  reference?: string;
  /** Paid up on the same day (libération at subscription). */
  paid?: boolean;
}

/** Checks a subscription before numbers are drawn (bad input must not burn numbers). */
export function validateSubscribeShares(
  state: ShareCapitalState,
  input: SubscribeShares,
  ctx: ShareContext,
): { tiersId: string; count: number; on: Day; reference: string } {
  const tiersId = knownTiers(checkedTiersId(input?.tiersId), ctx, 'tiersId');
  const count = checkedCount(input.count);
  const on = movementDay(state, input.on, ctx);
  const reference = text(input.reference, 'reference', 64, 'La référence');
  if (input.paid === true) checkedSharePayment(input);
  return { tiersId, count, on, reference };
}

export function decideSubscribeShares(
  state: ShareCapitalState,
  input: SubscribeShares,
  ctx: ShareContext & { numbers: readonly number[] },
): ShareEvent[] {
  const v = validateSubscribeShares(state, input, ctx);
  freshNumbers(state, ctx.numbers, v.count);
  const numbers = [...ctx.numbers].sort((a, b) => a - b);
  const events: ShareEvent[] = [
    {
      type: 'SharesSubscribed',
      data: {
        subscriptionId: ctx.newId(),
        tiersId: v.tiersId,
        numbers,
        nominal: ctx.rules.nominal.toString(),
        on: v.on,
        reference: v.reference,
      },
    },
  ];
  if (input.paid === true) {
    const liberationId = ctx.newId();
    events.push({
      type: 'SharesPaidUp',
      data: {
        liberationId,
        tiersId: v.tiersId,
        numbers,
        on: v.on,
        reference: v.reference,
        legacyPaymentId: null,
      },
    });
    const amount = Money.round(ctx.rules.nominal.times(String(numbers.length)));
    events.push(
      ...sharePayment(
        input,
        { liberationId, tiersId: v.tiersId, amount, on: v.on, reference: v.reference },
        ctx,
      ),
    );
  }
  // More capital: queued redemptions may now fit.
  return [...events, ...executeQueue(foldShareCapital(events, state), v.on, ctx)];
}

export interface PayUpShares extends SharePaymentInput {
  tiersId: string;
  numbers: unknown;
  on: string;
  reference?: string;
  /** Gloux's paiements.id_paiement, when the payment is one of Gloux's rows. */
  legacyPaymentId?: number | string | null;
}

export function decidePayUpShares(
  state: ShareCapitalState,
  input: PayUpShares,
  ctx: ShareContext,
): ShareEvent[] {
  const tiersId = checkedTiersId(input?.tiersId);
  const shares = ownShares(state, tiersId, input.numbers);
  const on = parseField('on', () => parseDay(input.on), 'La date est invalide (AAAA-MM-JJ).');
  if (compareDays(on, ctx.today) > 0) invalid('La date ne peut pas être dans le futur.', 'on');
  for (const s of shares) {
    if (s.state === 'liberee')
      throw new DomainError('already_paid', `La part n° ${s.number} est déjà libérée.`, 'numbers');
    if (s.subscribedOn !== null && compareDays(on, s.subscribedOn) < 0)
      invalid(
        `La libération ne peut pas précéder la souscription de la part n° ${s.number} (${formatDayFr(s.subscribedOn)}).`,
        'on',
      );
  }
  const raw = input.legacyPaymentId;
  let legacyPaymentId: number | null = null;
  if (raw !== undefined && raw !== null && String(raw).trim() !== '') {
    const s = String(raw).trim();
    if (!/^\d{1,10}$/.test(s) || Number(s) === 0)
      invalid('Le numéro de paiement Gloux est invalide.', 'legacyPaymentId');
    legacyPaymentId = Number(s);
  }
  const reference = text(input.reference, 'reference', 64, 'La référence');
  const liberationId = ctx.newId();
  const amount = Money.sum(shares.map((s) => s.nominal));
  return [
    {
      type: 'SharesPaidUp',
      data: {
        liberationId,
        tiersId,
        numbers: shares.map((s) => s.number),
        on,
        reference,
        legacyPaymentId,
      },
    },
    ...sharePayment(input, { liberationId, tiersId, amount, on, reference }, ctx),
  ];
}

export interface TransferShares {
  fromTiersId: string;
  toTiersId: string;
  numbers: unknown;
  on: string;
  reference?: string;
}

/** Checks a transfer before new numbers are drawn; returns how many are needed. */
export function validateTransferShares(
  state: ShareCapitalState,
  input: TransferShares,
  ctx: ShareContext,
): { fromTiersId: string; toTiersId: string; shares: Share[]; on: Day; reference: string } {
  const fromTiersId = checkedTiersId(input?.fromTiersId, 'fromTiersId');
  const toTiersId = checkedTiersId(input.toTiersId, 'toTiersId');
  const shares = ownShares(state, fromTiersId, input.numbers);
  if (toTiersId === fromTiersId)
    invalid('Le cédant et le cessionnaire sont le même tiers.', 'toTiersId');
  knownTiers(toTiersId, ctx, 'toTiersId');
  if (!isMember(state, toTiersId)) {
    throw new DomainError(
      'not_a_member',
      `Le cessionnaire (tiers n° ${toTiersId}) n’est pas sociétaire : il doit d’abord souscrire au moins une part.`,
      'toTiersId',
    );
  }
  const on = movementDay(state, input.on, ctx);
  const reference = text(input.reference, 'reference', 64, 'La référence');
  return { fromTiersId, toTiersId, shares, on, reference };
}

export function decideTransferShares(
  state: ShareCapitalState,
  input: TransferShares,
  ctx: ShareContext & { numbers: readonly number[] },
): ShareEvent[] {
  const v = validateTransferShares(state, input, ctx);
  freshNumbers(state, ctx.numbers, v.shares.length);
  return [
    {
      type: 'SharesTransferred',
      data: {
        transferId: ctx.newId(),
        fromTiersId: v.fromTiersId,
        toTiersId: v.toTiersId,
        numbers: v.shares.map((s) => s.number),
        newNumbers: [...ctx.numbers].sort((a, b) => a - b),
        on: v.on,
        reference: v.reference,
      },
    },
  ];
}

/** Why the capital may not lose `amount` now (null: it may). */
export function floorRefusal(
  state: ShareCapitalState,
  after: ShareCapitalState,
  amount: Money,
  rules: ShareRules,
  what: string,
): DomainError | null {
  const capitalAfter = currentCapital(after);
  const floor = capitalFloor(after, rules.statutoryFloor);
  if (capitalAfter.compare(floor.floor) >= 0) return null;
  const capital = currentCapital(state);
  const rule =
    floor.binding === 'statutory'
      ? `le capital minimum fixé par les statuts (${formatEuros(floor.statutory)})`
      : `le quart du capital le plus élevé atteint (${formatEuros(floor.highest)} ÷ 4 = ${formatEuros(floor.quarter)}, loi du 10 septembre 1947, art. 13)`;
  return new DomainError(
    'capital_floor',
    `${what} refusé : le capital passerait de ${formatEuros(capital)} à ${formatEuros(capitalAfter)}, sous ${rule}.`,
    'numbers',
    {
      capital: capital.toString(),
      amount: amount.toString(),
      capitalAfter: capitalAfter.toString(),
      highest: floor.highest.toString(),
      quarter: floor.quarter.toString(),
      statutoryFloor: floor.statutory.toString(),
      floor: floor.floor.toString(),
    },
  );
}

function redeemed(
  request: Omit<PendingRedemption, 'requestId'> & { requestId: string | null },
  on: Day,
  ctx: ShareContext,
): SharesRedeemed {
  return {
    type: 'SharesRedeemed',
    data: {
      redemptionId: ctx.newId(),
      requestId: request.requestId,
      tiersId: request.tiersId,
      numbers: request.numbers,
      on,
      requestedOn: request.requestedOn,
      amount: request.amount.toString(),
      reason: request.reason,
    },
  };
}

/**
 * Executes queued redemptions on `on`, first in first out, while the capital allows: a request
 * that does not fit stops the queue (no later, smaller request overtakes it).
 */
export function executeQueue(
  state: ShareCapitalState,
  on: Day,
  ctx: ShareContext,
): SharesRedeemed[] {
  const out: SharesRedeemed[] = [];
  let current = state;
  for (const request of state.queue) {
    const event = redeemed(request, on, ctx);
    const after = evolveShareCapital(current, event);
    if (floorRefusal(current, after, request.amount, ctx.rules, 'Remboursement') !== null) break;
    out.push(event);
    current = after;
  }
  return out;
}

export interface RedeemShares {
  tiersId: string;
  numbers: unknown;
  on: string;
  reason?: string;
}

/**
 * A redemption (remboursement) at nominal value. If the capital would fall below its floor:
 * refused with the figures (policy 'refuse'), or queued (policy 'queue'). Under 'queue' a new
 * request also waits behind the ones already queued.
 */
export function decideRedeemShares(
  state: ShareCapitalState,
  input: RedeemShares,
  ctx: ShareContext,
): ShareEvent[] {
  const tiersId = checkedTiersId(input?.tiersId);
  const shares = ownShares(state, tiersId, input.numbers);
  const on = movementDay(state, input.on, ctx);
  const reason = text(input.reason, 'reason', 255, 'Le motif');
  const request = {
    requestId: null,
    tiersId,
    numbers: shares.map((s) => s.number),
    requestedOn: on,
    amount: Money.sum(shares.map((s) => s.nominal)),
    reason,
  };
  const event = redeemed(request, on, ctx);
  const refusal = floorRefusal(
    state,
    evolveShareCapital(state, event),
    request.amount,
    ctx.rules,
    'Remboursement',
  );
  if (ctx.rules.policy === 'refuse') {
    if (refusal) throw refusal;
    return [event];
  }
  if (refusal === null && state.queue.length === 0) return [event];
  const queued: ShareRedemptionQueued = {
    type: 'ShareRedemptionQueued',
    data: {
      requestId: ctx.newId(),
      tiersId,
      numbers: request.numbers,
      requestedOn: on,
      amount: request.amount.toString(),
      reason,
    },
  };
  return [queued];
}

export interface WithdrawRedemption {
  requestId: string;
  on: string;
}

export function decideWithdrawRedemption(
  state: ShareCapitalState,
  input: WithdrawRedemption,
  ctx: ShareContext,
): ShareEvent[] {
  const request = state.queue.find((r) => r.requestId === input?.requestId);
  if (!request)
    throw new DomainError(
      'not_found',
      'Demande de remboursement introuvable (déjà exécutée ou retirée ?).',
      'requestId',
    );
  const on = parseField('on', () => parseDay(input.on), 'La date est invalide (AAAA-MM-JJ).');
  if (compareDays(on, ctx.today) > 0) invalid('La date ne peut pas être dans le futur.', 'on');
  const withdrawn: ShareEvent = {
    type: 'ShareRedemptionWithdrawn',
    data: { requestId: request.requestId, tiersId: request.tiersId, on },
  };
  // The next request may fit now that this one no longer blocks the queue.
  const day = state.lastMovementOn === null ? on : maxDay(on, state.lastMovementOn);
  return [withdrawn, ...executeQueue(evolveShareCapital(state, withdrawn), day, ctx)];
}

export interface CancelShares {
  tiersId: string;
  numbers: unknown;
  on: string;
  reason?: string;
}

/**
 * Cancels subscribed shares never paid up (a paid-up share is redeemed, not cancelled). The
 * capital loses them on `on`, so the floor applies; a cancellation is never queued.
 */
export function decideCancelShares(
  state: ShareCapitalState,
  input: CancelShares,
  ctx: ShareContext,
): ShareEvent[] {
  const tiersId = checkedTiersId(input?.tiersId);
  const shares = ownShares(state, tiersId, input.numbers);
  for (const s of shares) {
    if (s.state === 'liberee')
      invalid(
        `La part n° ${s.number} est libérée : elle ne peut pas être annulée, seulement remboursée.`,
        'numbers',
      );
  }
  const on = movementDay(state, input.on, ctx);
  const event: ShareEvent = {
    type: 'SharesCancelled',
    data: {
      cancellationId: ctx.newId(),
      tiersId,
      numbers: shares.map((s) => s.number),
      on,
      reason: text(input.reason, 'reason', 255, 'Le motif'),
    },
  };
  const amount = Money.sum(shares.map((s) => s.nominal));
  const refusal = floorRefusal(
    state,
    evolveShareCapital(state, event),
    amount,
    ctx.rules,
    'Annulation',
  );
  if (refusal) throw refusal;
  return [event];
}

/** Gloux rows not yet in the register (keyed by share number), in number order. */
export function newLegacyShares(
  state: ShareCapitalState,
  rows: readonly ImportedShare[],
): ImportedShare[] {
  const seen = new Set<number>();
  return rows
    .filter((r) => {
      if (state.shares.has(r.number) || seen.has(r.number)) return false;
      seen.add(r.number);
      return true;
    })
    .sort((a, b) => a.number - b.number);
}
