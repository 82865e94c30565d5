import type {
  ImportedShare,
  LegacyShareChanged,
  ShareEvent,
  SharePayoutEvent,
  ShareState,
} from '../../domain/shares/events.js';
import { importedInterval, isHeldState } from '../../domain/shares/share-capital.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import { defineProjection, int, type Row, type Rows } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

const SHARES = 'g2_rm_shares';
const MOVEMENTS = 'g2_rm_share_movements';
const DAYS = 'g2_rm_capital_days';
const REQUESTS = 'g2_rm_share_redemption_requests';
const PAYOUTS = 'g2_rm_share_payouts';
const CHEQUES = 'g2_rm_share_cheques';

/** Movement kinds of the register (French words, as the register prints them). */
export type MovementKind =
  'souscription' | 'liberation' | 'cession' | 'remboursement' | 'annulation';

const EXIT_KIND: Partial<Record<ShareState, MovementKind>> = {
  cedee: 'cession',
  remboursee: 'remboursement',
  annulee: 'annulation',
};

interface Movement {
  id: string;
  /** Order within the event (0 unless it records several movements). */
  seq?: number;
  on: string;
  dayKnown?: boolean;
  kind: MovementKind;
  tiersId: string;
  counterpart?: string | null;
  numbers: readonly number[];
  newNumbers?: readonly number[];
  amountCents: bigint;
  reference: string;
  source: 'g2' | 'gloux';
}

/**
 * The share capital's read models: every share (g2_rm_shares), the register of movements
 * (g2_rm_share_movements), the end-of-day capital on each day it changed (g2_rm_capital_days)
 * and the queued redemptions (g2_rm_share_redemption_requests).
 */
export const sharesProjection = () =>
  defineProjection<ShareEvent | SharePayoutEvent, CapitalDays>({
    name: 'shares',
    tables: [
      { name: SHARES, key: ['number'], lookup: true },
      { name: MOVEMENTS, key: ['movement_id'] },
      { name: DAYS, key: ['day'], lookup: true },
      { name: REQUESTS, key: ['request_id'], lookup: true },
      { name: PAYOUTS, key: ['redemption_id'] },
      { name: CHEQUES, key: ['payment_id'] },
    ],
    handles: {
      SharesSubscribed: true,
      SharesPaidUp: true,
      SharePaymentReceived: true,
      SharesTransferred: true,
      ShareRedemptionQueued: true,
      SharesRedeemed: true,
      ShareRedemptionWithdrawn: true,
      SharesCancelled: true,
      LegacySharesImported: true,
      LegacyShareChanged: true,
      ShareRedemptionPaid: true,
    },
    memo: (): CapitalDays => ({ last: undefined }),
    async apply(rows, event, days) {
      const position = event.position;
      switch (event.type) {
        case 'SharesSubscribed': {
          const d = event.data;
          const cents = BigInt(toCents(d.nominal));
          for (const number of d.numbers)
            putShare(rows, {
              number,
              tiersId: d.tiersId,
              nominalCents: cents,
              state: 'souscrite',
              subscribedOn: d.on,
              paidOn: null,
              legacyPaymentId: 0,
              exitOn: null,
              transfereeTiersId: null,
              heldFrom: d.on,
              heldUntil: null,
              source: 'g2',
              position,
            });
          const amount = cents * BigInt(d.numbers.length);
          movement(rows, position, {
            id: d.subscriptionId,
            on: d.on,
            kind: 'souscription',
            tiersId: d.tiersId,
            numbers: d.numbers,
            amountCents: amount,
            reference: d.reference,
            source: 'g2',
          });
          return addCapital(rows, days, d.on, amount, d.numbers.length);
        }
        case 'SharesPaidUp': {
          const d = event.data;
          for (const number of d.numbers)
            await rows.update(SHARES, [number], () => ({
              state: 'liberee',
              paid_on: d.on,
              legacy_payment_id: d.legacyPaymentId ?? 0,
              last_position: position,
            }));
          movement(rows, position, {
            id: d.liberationId,
            on: d.on,
            kind: 'liberation',
            tiersId: d.tiersId,
            numbers: d.numbers,
            amountCents: await nominalOf(rows, d.numbers),
            reference: d.reference,
            source: 'g2',
          });
          return;
        }
        case 'SharesTransferred': {
          const d = event.data;
          const before = new Map<number, Row>();
          for (const number of d.numbers) {
            const row = await rows.get(SHARES, [number]);
            if (row) before.set(number, row);
          }
          await leave(rows, d.numbers, d.on, 'cedee', position, d.toTiersId);
          d.numbers.forEach((old, i) => {
            const paid = before.get(old)?.['state'] === 'liberee';
            putShare(rows, {
              number: d.newNumbers[i]!,
              tiersId: d.toTiersId,
              nominalCents: int(before.get(old)?.['nominal_cents']),
              state: paid ? 'liberee' : 'souscrite',
              subscribedOn: d.on,
              paidOn: paid ? d.on : null,
              legacyPaymentId: 0,
              exitOn: null,
              transfereeTiersId: null,
              heldFrom: d.on,
              heldUntil: null,
              source: 'g2',
              position,
            });
          });
          movement(rows, position, {
            id: d.transferId,
            on: d.on,
            kind: 'cession',
            tiersId: d.fromTiersId,
            counterpart: d.toTiersId,
            numbers: d.numbers,
            newNumbers: d.newNumbers,
            amountCents: await nominalOf(rows, d.numbers),
            reference: d.reference,
            source: 'g2',
          });
          return;
        }
        case 'ShareRedemptionQueued': {
          const d = event.data;
          for (const number of d.numbers)
            await rows.update(SHARES, [number], () => ({
              pending_request_id: d.requestId,
              last_position: position,
            }));
          rows.put(REQUESTS, {
            request_id: d.requestId,
            position,
            tiers_id: d.tiersId,
            numbers: formatNumberRanges(d.numbers),
            share_count: d.numbers.length,
            amount_cents: toCents(d.amount),
            requested_on: d.requestedOn,
            reason: d.reason.slice(0, 255),
            status: 'pending',
            closed_on: null,
          });
          return;
        }
        case 'SharePaymentReceived': {
          // A cheque waits for a deposit slip; money by transfer or cash is at the bank already.
          const d = event.data;
          if (d.method === 'cheque')
            rows.put(CHEQUES, {
              payment_id: d.paymentId,
              tiers_id: d.tiersId,
              amount_cents: toCents(d.amount),
              received_on: d.receivedOn,
              reference: d.reference,
              bank: d.bank,
              position,
            });
          return;
        }
        case 'ShareRedemptionPaid': {
          const d = event.data;
          rows.put(PAYOUTS, {
            redemption_id: d.redemptionId,
            payout_id: d.payoutId,
            tiers_id: d.tiersId,
            amount_cents: toCents(d.amount),
            on_day: d.on,
            method: d.method,
            reference: d.reference,
            position,
          });
          return;
        }
        case 'SharesRedeemed': {
          const d = event.data;
          const amount = BigInt(toCents(d.amount));
          await leave(rows, d.numbers, d.on, 'remboursee', position, null);
          if (d.requestId !== null) await closeRequest(rows, d.requestId, 'executed', d.on);
          movement(rows, position, {
            id: d.redemptionId,
            on: d.on,
            kind: 'remboursement',
            tiersId: d.tiersId,
            numbers: d.numbers,
            amountCents: amount,
            reference: d.reason,
            source: 'g2',
          });
          return addCapital(rows, days, d.on, -amount, -d.numbers.length);
        }
        case 'ShareRedemptionWithdrawn': {
          const d = event.data;
          const pending = await rows.select(SHARES, {
            where: [{ column: 'pending_request_id', op: '=', value: d.requestId }],
          });
          for (const share of pending)
            await rows.update(SHARES, [share['number']!], () => ({
              pending_request_id: null,
              last_position: position,
            }));
          return closeRequest(rows, d.requestId, 'withdrawn', d.on);
        }
        case 'SharesCancelled': {
          const d = event.data;
          const amount = await nominalOf(rows, d.numbers);
          await leave(rows, d.numbers, d.on, 'annulee', position, null);
          movement(rows, position, {
            id: d.cancellationId,
            on: d.on,
            kind: 'annulation',
            tiersId: d.tiersId,
            numbers: d.numbers,
            amountCents: amount,
            reference: d.reason,
            source: 'g2',
          });
          return addCapital(rows, days, d.on, -amount, -d.numbers.length);
        }
        case 'LegacySharesImported':
          return imported(rows, days, event.data.shares, event.data.importedOn, position);
        case 'LegacyShareChanged':
          return changed(rows, days, event.data, position);
      }
    },
  });

/** Gloux changed a row the register holds: the row follows it, and its movement is listed. */
async function changed(
  rows: Rows,
  days: CapitalDays,
  d: LegacyShareChanged['data'],
  position: number,
): Promise<void> {
  const s = d.share;
  const leaves = d.movement !== null && d.movement !== 'liberation' && d.on !== null;
  await rows.update(SHARES, [s.number], (r) => ({
    state: s.state,
    subscribed_on: s.subscribedOn,
    paid_on: s.paidOn,
    legacy_payment_id: s.legacyPaymentId,
    exit_on: s.exitOn,
    transferee_tiers_id: s.transfereeTiersId,
    held_until: leaves ? d.on : (r['held_until'] ?? null),
    pending_request_id: leaves ? null : (r['pending_request_id'] ?? null),
    last_position: position,
  }));
  if (d.movement === null || d.on === null) return;
  const cents = await nominalOf(rows, [s.number]);
  movement(rows, position, {
    id: d.changeId,
    on: d.on,
    kind: d.movement,
    tiersId: s.tiersId,
    counterpart: d.movement === 'cession' ? s.transfereeTiersId : null,
    numbers: [s.number],
    amountCents: cents,
    reference:
      d.movement === 'liberation' && s.legacyPaymentId
        ? `Paiement Gloux n° ${s.legacyPaymentId}`
        : 'Gloux',
    source: 'gloux',
  });
  // A transfer's exit counts first in its day, as in the domain (share-capital.ts).
  if (leaves) await addCapital(rows, days, d.on, -cents, -1, d.movement === 'cession');
}

/** Gloux's rows: each share, its subscription (and paid-up, exit) in the register, the capital. */
async function imported(
  rows: Rows,
  days: CapitalDays,
  shares: readonly ImportedShare[],
  importedOn: string,
  position: number,
): Promise<void> {
  const capital = new Map<string, { cents: bigint; shares: number }>();
  const add = (day: string, cents: bigint, count: number) => {
    const c = capital.get(day) ?? { cents: 0n, shares: 0 };
    capital.set(day, { cents: c.cents + cents, shares: c.shares + count });
  };
  const held = shares.map((s) => ({ s, ...importedInterval(s, importedOn) }));
  for (const { s, heldFrom, heldUntil } of held)
    putShare(rows, {
      number: s.number,
      tiersId: s.tiersId,
      nominalCents: BigInt(toCents(s.nominal)),
      state: s.state,
      subscribedOn: s.subscribedOn,
      paidOn: s.paidOn,
      legacyPaymentId: s.legacyPaymentId,
      exitOn: s.exitOn,
      transfereeTiersId: s.transfereeTiersId,
      heldFrom,
      heldUntil,
      source: 'gloux',
      position,
    });
  let seq = 0;
  for (const { s, heldFrom, heldUntil } of held) {
    const cents = BigInt(toCents(s.nominal));
    const base = { tiersId: s.tiersId, numbers: [s.number], amountCents: cents };
    const known = (d: string | null) => d !== null && d <= importedOn;
    movement(rows, position, {
      ...base,
      id: `gloux-${s.number}-subscribed`,
      seq: seq++,
      on: heldFrom,
      dayKnown: known(s.subscribedOn),
      kind: 'souscription',
      reference: 'Gloux',
      source: 'gloux',
    });
    if (s.paidOn !== null) {
      movement(rows, position, {
        ...base,
        id: `gloux-${s.number}-paid`,
        seq: seq++,
        on: known(s.paidOn) ? s.paidOn : heldFrom,
        dayKnown: known(s.paidOn),
        kind: 'liberation',
        reference: s.legacyPaymentId ? `Paiement Gloux n° ${s.legacyPaymentId}` : 'Gloux',
        source: 'gloux',
      });
    }
    const exit = EXIT_KIND[s.state];
    if (exit && heldUntil !== null) {
      movement(rows, position, {
        ...base,
        id: `gloux-${s.number}-${exit}`,
        seq: seq++,
        on: heldUntil,
        dayKnown: known(s.exitOn) && s.exitOn === heldUntil,
        kind: exit,
        counterpart: s.transfereeTiersId,
        reference: 'Gloux',
        source: 'gloux',
      });
    }
    if (heldUntil !== heldFrom) {
      add(heldFrom, cents, 1);
      if (heldUntil !== null) add(heldUntil, -cents, -1);
    }
  }
  for (const [day, c] of [...capital].sort(([a], [b]) => (a < b ? -1 : 1)))
    await addCapital(rows, days, day, c.cents, c.shares);
}

function putShare(
  rows: Rows,
  r: {
    number: number;
    tiersId: string;
    nominalCents: bigint;
    state: ShareState;
    subscribedOn: string | null;
    paidOn: string | null;
    legacyPaymentId: number;
    exitOn: string | null;
    transfereeTiersId: string | null;
    heldFrom: string;
    heldUntil: string | null;
    source: 'g2' | 'gloux';
    position: number;
  },
): void {
  rows.put(SHARES, {
    number: r.number,
    tiers_id: r.tiersId,
    nominal_cents: r.nominalCents.toString(),
    state: r.state,
    subscribed_on: r.subscribedOn,
    paid_on: r.paidOn,
    legacy_payment_id: r.legacyPaymentId,
    exit_on: r.exitOn,
    transferee_tiers_id: r.transfereeTiersId,
    held_from: r.heldFrom,
    held_until: r.heldUntil,
    pending_request_id: null,
    source: r.source,
    last_position: r.position,
  });
}

async function leave(
  rows: Rows,
  numbers: readonly number[],
  on: string,
  state: ShareState,
  position: number,
  transferee: string | null,
): Promise<void> {
  if (isHeldState(state)) throw new Error(`${state} is not an exit`);
  for (const number of numbers)
    await rows.update(SHARES, [number], () => ({
      state,
      exit_on: on,
      held_until: on,
      transferee_tiers_id: transferee,
      pending_request_id: null,
      last_position: position,
    }));
}

async function nominalOf(rows: Rows, numbers: readonly number[]): Promise<bigint> {
  let total = 0n;
  for (const number of numbers) total += int((await rows.get(SHARES, [number]))?.['nominal_cents']);
  return total;
}

async function closeRequest(
  rows: Rows,
  requestId: string,
  status: 'executed' | 'withdrawn',
  on: string,
): Promise<void> {
  await rows.update(REQUESTS, [requestId], () => ({ status, closed_on: on }));
}

function movement(rows: Rows, position: number, m: Movement): void {
  rows.put(MOVEMENTS, {
    movement_id: m.id,
    position,
    seq: m.seq ?? 0,
    on_day: m.on,
    day_known: m.dayKnown === false ? 0 : 1,
    kind: m.kind,
    tiers_id: m.tiersId,
    counterpart_tiers_id: m.counterpart ?? null,
    numbers: formatNumberRanges(m.numbers),
    new_numbers: m.newNumbers ? formatNumberRanges(m.newNumbers) : null,
    share_count: m.numbers.length,
    amount_cents: m.amountCents.toString(),
    reference: m.reference.slice(0, 255),
    source: m.source,
  });
}

/**
 * Appends a change of the capital to `day` (possibly before days already recorded, for a
 * Gloux share imported late): that day's capital and peak, then every later day's running
 * figures. A day's peak starts at the capital it opens with (the previous day's close).
 * `first` (a decrease): the change goes before the day's others, so every running figure of
 * the day moves by it, down to no lower than the opening.
 */
async function addCapital(
  rows: Rows,
  days: CapitalDays,
  day: string,
  cents: bigint,
  shares: number,
  first = false,
): Promise<void> {
  const last = await lastDay(rows, days);
  // Days almost always come in order: then the day before is the last one, and none is later.
  const inOrder = last === null || day >= last;
  let row = await rows.get(DAYS, [day]);
  if (!row) {
    const [previous] = inOrder
      ? last === null
        ? []
        : [await rows.get(DAYS, [last])]
      : await rows.select(DAYS, {
          where: [{ column: 'day', op: '<', value: day }],
          orderBy: { column: 'day', desc: true },
          limit: 1,
        });
    const opening = int(previous?.['capital_cents']).toString();
    row = {
      day,
      delta_cents: 0,
      capital_cents: opening,
      peak_cents: opening,
      shares_delta: 0,
      shares: Number(previous?.['shares'] ?? 0),
    };
  }
  const capital = int(row['capital_cents']) + cents;
  const opening = int(row['capital_cents']) - int(row['delta_cents']);
  const shifted = int(row['peak_cents']) + cents;
  const peak = first ? (shifted > opening ? shifted : opening) : int(row['peak_cents']);
  rows.put(DAYS, {
    ...row,
    delta_cents: (int(row['delta_cents']) + cents).toString(),
    shares_delta: Number(row['shares_delta']) + shares,
    capital_cents: capital.toString(),
    peak_cents: (capital > peak ? capital : peak).toString(),
    shares: Number(row['shares']) + shares,
  });
  if (inOrder) {
    days.last = day;
    return;
  }
  const later = await rows.select(DAYS, { where: [{ column: 'day', op: '>', value: day }] });
  for (const r of later)
    rows.put(DAYS, {
      ...r,
      capital_cents: (int(r['capital_cents']) + cents).toString(),
      peak_cents: (int(r['peak_cents']) + cents).toString(),
      shares: Number(r['shares']) + shares,
    });
}

/** The latest day of the capital in this run (read once: later days are written through it). */
interface CapitalDays {
  last: string | null | undefined;
}

async function lastDay(rows: Rows, days: CapitalDays): Promise<string | null> {
  if (days.last === undefined) {
    const [latest] = await rows.select(DAYS, {
      where: [],
      orderBy: { column: 'day', desc: true },
      limit: 1,
    });
    days.last = latest ? String(latest['day']) : null;
  }
  return days.last;
}
