import { Map as PersistentMap } from 'immutable';
import { formatDayFr, maxDay, type Day } from '../shared/day.js';
import { Dec, Money } from '../shared/money.js';
import type { ImportedShare, ShareEvent, ShareState } from './events.js';

/**
 * The share capital (docs/accounting.md §5): every share with its holder and state, the capital's
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
  /**
   * Every share by number. A persistent map: each event makes a new state sharing all but the
   * touched entries with the old one, where copying a Map cost every share at every command.
   * Iteration order is not the order of numbers.
   */
  readonly shares: PersistentMap<number, Share>;
  /**
   * Changes of the capital per day, in register order (one per event and day): their sum up
   * to a day is that day's end-of-day capital, and their running total its intraday peaks.
   */
  readonly changes: ReadonlyMap<Day, readonly Money[]>;
  /** Queued redemptions, first in first out. */
  readonly queue: readonly PendingRedemption[];
  /** The latest day of any movement of titles (the register is kept in date order). */
  readonly lastMovementOn: Day | null;
  /**
   * Kept as changes are folded, so a share command does not sum the whole history (quadratic
   * over the cooperative's life): the sum of `changes`, the highest running total in register
   * order, and the latest day in `changes` (a change dated before it means recomputing).
   */
  readonly capital: Money;
  readonly highest: Money;
  readonly lastChangeOn: Day | null;
}

export const initialShareCapitalState: ShareCapitalState = {
  shares: PersistentMap(),
  changes: new Map(),
  queue: [],
  lastMovementOn: null,
  capital: Money.ZERO,
  highest: Money.ZERO,
  lastChangeOn: null,
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
  /** Mutable in place (asMutable), sharing the state's structure until `settled`. */
  shares: PersistentMap<number, Share>;
  changes: Map<Day, readonly Money[]>;
  queue: PendingRedemption[];
  lastMovementOn: Day | null;
  capital: Money;
  /** null: a change was dated before the latest one; recomputed when the fold ends. */
  highest: Money | null;
  lastChangeOn: Day | null;
}

/** `first`: the change goes before the day's others (a Gloux transfer's exit, see apply). */
function change(d: Draft, day: Day, amount: Money, first = false): void {
  const earlier = d.changes.get(day) ?? [];
  d.changes.set(day, first ? [amount, ...earlier] : [...earlier, amount]);
  d.capital = d.capital.plus(amount);
  if ((d.lastChangeOn !== null && day < d.lastChangeOn) || (first && earlier.length > 0)) {
    d.highest = null;
    return;
  }
  // At the end of the register order: the running total after it is the capital.
  d.lastChangeOn = day;
  if (d.highest !== null && d.capital.compare(d.highest) > 0) d.highest = d.capital;
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

/** What a share takes from Gloux's row as is (`legacyPaymentId` 0 = none). */
function rowFields(s: ImportedShare) {
  return {
    state: s.state,
    subscribedOn: s.subscribedOn,
    paidOn: s.paidOn,
    legacyPaymentId: s.legacyPaymentId === 0 ? null : s.legacyPaymentId,
    exitOn: s.exitOn,
    transfereeTiersId: s.transfereeTiersId,
  };
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
    case 'SharePaymentReceived':
      return; // How a paying-up was paid (the books' side): the register does not change.
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
          ...rowFields(s),
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
    case 'LegacyShareChanged': {
      const e = event.data;
      const s = e.share;
      const before = d.shares.get(s.number);
      const leaves = e.movement !== null && e.movement !== 'liberation' && e.on !== null;
      update(d, s.number, {
        ...rowFields(s),
        ...(leaves ? { heldUntil: e.on, pendingRequestId: null } : {}),
      });
      if (leaves && before) {
        // A transfer leaves the capital as it was: Gloux's rows carry no time of day, and its
        // transferee's new row may come in at an earlier poll, so the old share's exit counts
        // first in its day; the highest capital never counts both shares (issue 16 item 8).
        change(d, e.on!, before.nominal.negate(), e.movement === 'cession');
        moved(d, e.on!);
      }
      return;
    }
  }
}

function draftOf(state: ShareCapitalState): Draft {
  return {
    shares: state.shares.asMutable(),
    changes: new Map(state.changes),
    queue: [...state.queue],
    lastMovementOn: state.lastMovementOn,
    capital: state.capital,
    highest: state.highest,
    lastChangeOn: state.lastChangeOn,
  };
}

function settled(d: Draft): ShareCapitalState {
  return {
    ...d,
    shares: d.shares.asImmutable(),
    highest: d.highest ?? highestOfChanges(d.changes),
  };
}

export function evolveShareCapital(state: ShareCapitalState, event: ShareEvent): ShareCapitalState {
  const d = draftOf(state);
  apply(d, event);
  return settled(d);
}

/** Folds a whole history, copying the state once (a stream may hold thousands of shares). */
export function foldShareCapital(
  events: readonly ShareEvent[],
  from: ShareCapitalState = initialShareCapitalState,
): ShareCapitalState {
  const d = draftOf(from);
  for (const event of events) apply(d, event);
  return settled(d);
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
  return state.capital;
}

/**
 * The highest capital ever reached: after any movement, in register order (date, then the
 * order recorded), so a subscription redeemed the same day still counts (0 before any share).
 */
export function highestCapital(state: ShareCapitalState): Money {
  return state.highest;
}

function highestOfChanges(changes: ReadonlyMap<Day, readonly Money[]>): Money {
  let running = Money.ZERO;
  let highest = Money.ZERO;
  for (const day of [...changes.keys()].sort()) {
    for (const amount of changes.get(day)!) {
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
