import { compareDays, formatDayFr, maxDay, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { Dec, formatEuros, Money } from '../shared/money.js';
import type {
  ImportedShare,
  ShareEvent,
  ShareRedemptionQueued,
  SharesRedeemed,
  ShareState,
} from './events.js';
import { MAX_SHARES_PER_REQUEST, parseShareNumbers } from './share-numbers.js';

/**
 * The share capital (ACCOUNTING.md §5): every share with its holder and state, the capital's
 * change per day, and the queue of redemptions waiting for the capital to allow them.
 *
 * Days: a share counts in the capital at the end of each day from `heldFrom` (its subscription
 * day) until the day before `heldUntil` (the day it was transferred, redeemed or cancelled).
 * "Capital on day D" = nominal × shares held at the end of D; the highest capital ever reached
 * is the highest capital after any movement.
 */

export interface Share {
  readonly number: number;
  readonly tiersId: string;
  readonly nominal: Money;
  readonly state: ShareState;
  /** Null only for a Gloux row with a zero date (unknown). */
  readonly subscribedOn: Day | null;
  readonly paidOn: Day | null;
  /** Gloux's paiements.id_paiement when known. */
  readonly legacyPaymentId: number | null;
  readonly exitOn: Day | null;
  readonly transfereeTiersId: string | null;
  readonly heldFrom: Day;
  readonly heldUntil: Day | null;
  /** The queued redemption holding it, if any. */
  readonly pendingRequestId: string | null;
  readonly source: 'g2' | 'gloux';
}

export interface PendingRedemption {
  readonly requestId: string;
  readonly tiersId: string;
  readonly numbers: readonly number[];
  readonly requestedOn: Day;
  readonly amount: Money;
  readonly reason: string;
}

export interface ShareCapitalState {
  readonly shares: ReadonlyMap<number, Share>;
  /**
   * Changes of the capital per day, in register order (one per event and day): their sum up
   * to a day is that day's end-of-day capital, and their running total its intraday peaks.
   */
  readonly changes: ReadonlyMap<Day, readonly Money[]>;
  /** Queued redemptions, first in first out. */
  readonly queue: readonly PendingRedemption[];
  /** The latest day of any movement of titles (the register is kept in date order). */
  readonly lastMovementOn: Day | null;
}

export const initialShareCapital: ShareCapitalState = {
  shares: new Map(),
  changes: new Map(),
  queue: [],
  lastMovementOn: null,
};

export function isHeldState(state: ShareState): boolean {
  return state === 'souscrite' || state === 'liberee';
}

/**
 * The days a Gloux share counts in the capital. An unknown subscription day (zero date) counts
 * from the import day, never "long ago"; an exit with no date (or one before the subscription)
 * leaves nothing in the dated history. Dates after the import day are taken as the import day.
 * Both are reported by the import (legacyShareAnomalies).
 */
export function importedInterval(
  s: ImportedShare,
  importedOn: Day,
): { heldFrom: Day; heldUntil: Day | null } {
  const known = (d: string | null) => (d !== null && d <= importedOn ? d : null);
  const heldFrom = known(s.subscribedOn) ?? importedOn;
  if (isHeldState(s.state)) return { heldFrom, heldUntil: null };
  const exit = known(s.exitOn);
  return { heldFrom, heldUntil: exit !== null && exit >= heldFrom ? exit : heldFrom };
}

/** What the import reports about one Gloux row (French, for the treasurer). */
export function legacyShareAnomalies(s: ImportedShare, importedOn: Day): string[] {
  const out: string[] = [];
  const { heldFrom } = importedInterval(s, importedOn);
  const at = `Part n° ${s.number} (tiers ${s.tiersId})`;
  if (s.subscribedOn === null) {
    out.push(
      isHeldState(s.state)
        ? `${at} : date de souscription inconnue (0000-00-00) ; comptée dans le capital à partir du ${formatDayFr(importedOn)}, jour de l’import.`
        : `${at} : date de souscription inconnue (0000-00-00) ; absente de l’historique daté du capital.`,
    );
  } else if (s.subscribedOn > importedOn) {
    out.push(
      `${at} : date de souscription future (${formatDayFr(s.subscribedOn)}) ; comptée à partir du ${formatDayFr(importedOn)}.`,
    );
  }
  if (s.state === 'liberee' && s.paidOn === null)
    out.push(`${at} : libérée sans date de libération (0000-00-00).`);
  if (!isHeldState(s.state)) {
    if (s.exitOn === null)
      out.push(
        `${at} : ${s.state} sans date de sortie (0000-00-00) ; absente de l’historique daté du capital.`,
      );
    else if (s.exitOn < heldFrom || s.exitOn > importedOn)
      out.push(
        `${at} : date de sortie incohérente (${formatDayFr(s.exitOn)}) ; absente de l’historique daté du capital.`,
      );
  }
  if (s.state === 'cedee' && s.transfereeTiersId === null)
    out.push(`${at} : cédée sans cessionnaire (id_tiers_cessionnaire = 0).`);
  if (s.tiersId === '0') out.push(`${at} : aucun tiers (id_tiers = 0).`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// evolve

interface Draft {
  shares: Map<number, Share>;
  changes: Map<Day, readonly Money[]>;
  queue: PendingRedemption[];
  lastMovementOn: Day | null;
}

function change(d: Draft, day: Day, amount: Money): void {
  d.changes.set(day, [...(d.changes.get(day) ?? []), amount]);
}

function moved(d: Draft, day: Day): void {
  d.lastMovementOn = d.lastMovementOn === null ? day : maxDay(d.lastMovementOn, day);
}

function update(d: Draft, number: number, patch: Partial<Share>): Share {
  const share = d.shares.get(number);
  if (!share) throw new Error(`Share ${number} is not in the state`);
  const next = { ...share, ...patch };
  d.shares.set(number, next);
  return next;
}

function leave(d: Draft, numbers: readonly number[], on: Day, state: ShareState): void {
  let amount = Money.ZERO;
  for (const n of numbers) {
    const share = update(d, n, { state, exitOn: on, heldUntil: on, pendingRequestId: null });
    amount = amount.plus(share.nominal);
  }
  change(d, on, amount.negate());
  moved(d, on);
}

/** Applies one event to a draft the caller owns (evolve and replay copy the state first). */
function apply(d: Draft, event: ShareEvent): void {
  switch (event.type) {
    case 'SharesSubscribed': {
      const e = event.data;
      const nominal = Money.of(e.nominal);
      let amount = Money.ZERO;
      for (const number of e.numbers) {
        d.shares.set(number, {
          number,
          tiersId: e.tiersId,
          nominal,
          state: 'souscrite',
          subscribedOn: e.on,
          paidOn: null,
          legacyPaymentId: null,
          exitOn: null,
          transfereeTiersId: null,
          heldFrom: e.on,
          heldUntil: null,
          pendingRequestId: null,
          source: 'g2',
        });
        amount = amount.plus(nominal);
      }
      change(d, e.on, amount);
      moved(d, e.on);
      return;
    }
    case 'SharesPaidUp': {
      const e = event.data;
      for (const n of e.numbers)
        update(d, n, { state: 'liberee', paidOn: e.on, legacyPaymentId: e.legacyPaymentId });
      return;
    }
    case 'SharesTransferred': {
      const e = event.data;
      e.numbers.forEach((old, i) => {
        const before = d.shares.get(old)!;
        update(d, old, {
          state: 'cedee',
          exitOn: e.on,
          heldUntil: e.on,
          transfereeTiersId: e.toTiersId,
        });
        const paid = before.state === 'liberee';
        d.shares.set(e.newNumbers[i]!, {
          number: e.newNumbers[i]!,
          tiersId: e.toTiersId,
          nominal: before.nominal,
          state: paid ? 'liberee' : 'souscrite',
          subscribedOn: e.on,
          paidOn: paid ? e.on : null,
          legacyPaymentId: null,
          exitOn: null,
          transfereeTiersId: null,
          heldFrom: e.on,
          heldUntil: null,
          pendingRequestId: null,
          source: 'g2',
        });
      });
      moved(d, e.on);
      return;
    }
    case 'ShareRedemptionQueued': {
      const e = event.data;
      for (const n of e.numbers) update(d, n, { pendingRequestId: e.requestId });
      d.queue.push({
        requestId: e.requestId,
        tiersId: e.tiersId,
        numbers: e.numbers,
        requestedOn: e.requestedOn,
        amount: Money.of(e.amount),
        reason: e.reason,
      });
      moved(d, e.requestedOn);
      return;
    }
    case 'SharesRedeemed': {
      const e = event.data;
      leave(d, e.numbers, e.on, 'remboursee');
      if (e.requestId !== null) d.queue = d.queue.filter((r) => r.requestId !== e.requestId);
      return;
    }
    case 'ShareRedemptionWithdrawn': {
      const e = event.data;
      const request = d.queue.find((r) => r.requestId === e.requestId);
      for (const n of request?.numbers ?? []) update(d, n, { pendingRequestId: null });
      d.queue = d.queue.filter((r) => r.requestId !== e.requestId);
      return;
    }
    case 'SharesCancelled': {
      const e = event.data;
      leave(d, e.numbers, e.on, 'annulee');
      return;
    }
    case 'LegacySharesImported': {
      const e = event.data;
      // One change per day for the whole event, as the read model records it.
      const perDay = new Map<Day, Money>();
      const add = (day: Day, amount: Money) =>
        perDay.set(day, (perDay.get(day) ?? Money.ZERO).plus(amount));
      for (const s of e.shares) {
        const { heldFrom, heldUntil } = importedInterval(s, e.importedOn);
        const nominal = Money.of(s.nominal);
        d.shares.set(s.number, {
          number: s.number,
          tiersId: s.tiersId,
          nominal,
          state: s.state,
          subscribedOn: s.subscribedOn,
          paidOn: s.paidOn,
          legacyPaymentId: s.legacyPaymentId === 0 ? null : s.legacyPaymentId,
          exitOn: s.exitOn,
          transfereeTiersId: s.transfereeTiersId,
          heldFrom,
          heldUntil,
          pendingRequestId: null,
          source: 'gloux',
        });
        if (heldUntil !== heldFrom) {
          add(heldFrom, nominal);
          moved(d, heldFrom);
        }
        if (heldUntil !== null && heldUntil !== heldFrom) {
          add(heldUntil, nominal.negate());
          moved(d, heldUntil);
        }
      }
      for (const [day, amount] of perDay) change(d, day, amount);
      return;
    }
  }
}

function draftOf(state: ShareCapitalState): Draft {
  return {
    shares: new Map(state.shares),
    changes: new Map(state.changes),
    queue: [...state.queue],
    lastMovementOn: state.lastMovementOn,
  };
}

export function evolveShareCapital(state: ShareCapitalState, event: ShareEvent): ShareCapitalState {
  const d = draftOf(state);
  apply(d, event);
  return d;
}

/** Folds a whole history, copying the state once (a stream may hold thousands of shares). */
export function replayShareCapital(
  events: readonly ShareEvent[],
  from: ShareCapitalState = initialShareCapital,
): ShareCapitalState {
  const d = draftOf(from);
  for (const event of events) apply(d, event);
  return d;
}

// ---------------------------------------------------------------------------------------------
// reading the state

/** Capital at the end of `day`. */
export function capitalOn(state: ShareCapitalState, day: Day): Money {
  let total = Money.ZERO;
  for (const [d, amounts] of state.changes) if (d <= day) total = total.plus(Money.sum(amounts));
  return total;
}

/** Capital after every movement recorded (no movement is ever dated in the future). */
export function currentCapital(state: ShareCapitalState): Money {
  return Money.sum([...state.changes.values()].flat());
}

/**
 * The highest capital ever reached: after any movement, in register order (date, then the
 * order recorded), so a subscription redeemed the same day still counts (0 before any share).
 */
export function highestCapital(state: ShareCapitalState): Money {
  let running = Money.ZERO;
  let highest = Money.ZERO;
  for (const day of [...state.changes.keys()].sort()) {
    for (const amount of state.changes.get(day)!) {
      running = running.plus(amount);
      if (running.compare(highest) > 0) highest = running;
    }
  }
  return highest;
}

export type FloorPolicy = 'refuse' | 'queue';

export interface ShareRules {
  /** Nominal value of a new share (SHARES_NOMINAL). */
  readonly nominal: Money;
  /** Statutory minimum capital (SHARES_STATUTORY_FLOOR). */
  readonly statutoryFloor: Money;
  /** What happens to a redemption the floor does not allow (SHARES_FLOOR_POLICY). */
  readonly policy: FloorPolicy;
}

export interface CapitalFloor {
  readonly highest: Money;
  /** A quarter of the highest capital, rounded up to the cent (capital ≥ it ⇔ 4 × capital ≥ highest). */
  readonly quarter: Money;
  readonly statutory: Money;
  readonly floor: Money;
  /** Which rule sets the floor. */
  readonly binding: 'quarter' | 'statutory';
}

/** Loi du 10 septembre 1947, art. 13: capital ≥ ¼ of the highest ever reached, and ≥ the statutes' floor. */
export function floorOf(highest: Money, statutory: Money): CapitalFloor {
  const quarter = Money.of(
    highest.toDecimal().dividedBy(4).toDecimalPlaces(2, Dec.ROUND_CEIL).toFixed(2),
  );
  const binding = statutory.compare(quarter) > 0 ? 'statutory' : 'quarter';
  return {
    highest,
    quarter,
    statutory,
    floor: binding === 'statutory' ? statutory : quarter,
    binding,
  };
}

export function capitalFloor(state: ShareCapitalState, statutory: Money): CapitalFloor {
  return floorOf(highestCapital(state), statutory);
}

/** Shares a tiers holds now, by number. */
export function heldBy(state: ShareCapitalState, tiersId: string): Share[] {
  const out: Share[] = [];
  for (const s of state.shares.values())
    if (s.tiersId === tiersId && s.heldUntil === null) out.push(s);
  return out.sort((a, b) => a.number - b.number);
}

export function isMember(state: ShareCapitalState, tiersId: string): boolean {
  for (const s of state.shares.values())
    if (s.tiersId === tiersId && s.heldUntil === null) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// decide

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

export interface SubscribeShares {
  tiersId: string;
  count: number | string;
  on: string;
  reference?: string;
  /** Paid up on the same day (libération at subscription). */
  paid?: boolean;
}

/** Checks a subscription before numbers are drawn (bad input must not burn numbers). */
export function validateSubscription(
  state: ShareCapitalState,
  input: SubscribeShares,
  ctx: ShareContext,
): { tiersId: string; count: number; on: Day; reference: string } {
  const tiersId = knownTiers(checkedTiersId(input?.tiersId), ctx, 'tiersId');
  const count = checkedCount(input.count);
  const on = movementDay(state, input.on, ctx);
  const reference = text(input.reference, 'reference', 64, 'La référence');
  return { tiersId, count, on, reference };
}

export function decideSubscription(
  state: ShareCapitalState,
  input: SubscribeShares,
  ctx: ShareContext & { numbers: readonly number[] },
): ShareEvent[] {
  const v = validateSubscription(state, input, ctx);
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
    events.push({
      type: 'SharesPaidUp',
      data: {
        liberationId: ctx.newId(),
        tiersId: v.tiersId,
        numbers,
        on: v.on,
        reference: v.reference,
        legacyPaymentId: null,
      },
    });
  }
  // More capital: queued redemptions may now fit.
  return [...events, ...executeQueue(replayShareCapital(events, state), v.on, ctx)];
}

export interface PayUpShares {
  tiersId: string;
  numbers: unknown;
  on: string;
  reference?: string;
  /** Gloux's paiements.id_paiement, when the payment is one of Gloux's rows. */
  legacyPaymentId?: number | string | null;
}

export function decidePayUp(
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
  return [
    {
      type: 'SharesPaidUp',
      data: {
        liberationId: ctx.newId(),
        tiersId,
        numbers: shares.map((s) => s.number),
        on,
        reference: text(input.reference, 'reference', 64, 'La référence'),
        legacyPaymentId,
      },
    },
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
export function validateTransfer(
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
      'not_member',
      `Le cessionnaire (tiers n° ${toTiersId}) n’est pas sociétaire : il doit d’abord souscrire au moins une part.`,
      'toTiersId',
    );
  }
  const on = movementDay(state, input.on, ctx);
  const reference = text(input.reference, 'reference', 64, 'La référence');
  return { fromTiersId, toTiersId, shares, on, reference };
}

export function decideTransfer(
  state: ShareCapitalState,
  input: TransferShares,
  ctx: ShareContext & { numbers: readonly number[] },
): ShareEvent[] {
  const v = validateTransfer(state, input, ctx);
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
function floorRefusal(
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
export function decideRedemption(
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
export function decideCancellation(
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
