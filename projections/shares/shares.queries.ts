import type { Day } from '../../domain/shared/day.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import { compareNames, findTiersByIds } from '../../legacy-sync/legacy-shares.js';
import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents, toCents } from '../../domain/shared/cents.js';

/** Reads of the share capital read models (projections/shares), for pages, exports and AGs. */

/** A member holding shares at the end of a day (the AG's list of members with voting rights). */
export interface MemberHolding {
  tiersId: string;
  /** Gloux's tiers: "Raison sociale", or "Nom Prénom" for a person (latin1 decoded). */
  name: string;
  /** One line: Gloux's address lines, postal code and town, joined by ", ". */
  address: string;
  /** Shares held (souscrite or libérée) at the end of the day. */
  shares: number;
  /** Their numbers as ranges: "2207, 10398–10399". */
  numbers: string;
}

const big = (v: unknown) => BigInt(String(v ?? 0).split('.')[0] || '0');

/** Shares held at the end of `day`, by tiers: numbers and nominal total (cents). */
async function holdingsOn(
  q: Queryable,
  day: Day,
): Promise<Map<string, { numbers: number[]; cents: bigint }>> {
  const rows = await q.query<{ tiers_id: string; number: unknown; nominal_cents: unknown }>(
    `SELECT tiers_id, number, nominal_cents FROM g2_rm_shares
      WHERE held_from <= ? AND (held_until IS NULL OR held_until > ?) ORDER BY number`,
    [day, day],
  );
  const out = new Map<string, { numbers: number[]; cents: bigint }>();
  for (const r of rows) {
    const h = out.get(r.tiers_id) ?? { numbers: [], cents: 0n };
    h.numbers.push(Number(r.number));
    h.cents += big(r.nominal_cents);
    out.set(r.tiers_id, h);
  }
  return out;
}

/**
 * Tiers holding at least one share (souscrite or libérée) at the end of `day`, ordered by name
 * (French order), with their name and address from Gloux's tiers and their numbers as ranges.
 * One member, one vote: `shares` is for the attendance sheet, not for weighting votes.
 */
export async function membersWithVotingRights(q: Queryable, day: string): Promise<MemberHolding[]> {
  return (await holdersOn(q, day)).map(({ amount: _amount, ...m }) => m);
}

export interface Holder extends MemberHolding {
  /** Nominal value of the shares held, two decimals. */
  amount: string;
}

async function holdersOn(q: Queryable, day: Day): Promise<Holder[]> {
  const holdings = await holdingsOn(q, day);
  const tiers = await findTiersByIds(q, [...holdings.keys()]);
  return [...holdings]
    .map(([tiersId, h]) => ({
      tiersId,
      name: tiers.get(tiersId)?.name ?? `Tiers ${tiersId} (absent de Gloux)`,
      address: tiers.get(tiersId)?.address ?? '',
      shares: h.numbers.length,
      numbers: formatNumberRanges(h.numbers),
      amount: fromCents(h.cents),
    }))
    .sort((a, b) => compareNames(a.name, b.name) || Number(a.tiersId) - Number(b.tiersId));
}

/** The capital listing (liste des associés et du capital) at the end of `day`. */
export interface CapitalListing {
  day: Day;
  members: Holder[];
  totalShares: number;
  /** Sum of the members' amounts; equals the daily capital of that day. */
  totalAmount: string;
}

export async function capitalListing(q: Queryable, day: Day): Promise<CapitalListing> {
  const members = await holdersOn(q, day);
  const cents = members.reduce((s, m) => s + BigInt(toCents(m.amount)), 0n);
  return {
    day,
    members,
    totalShares: members.reduce((s, m) => s + m.shares, 0),
    totalAmount: fromCents(cents),
  };
}

export interface CapitalOnDay {
  day: Day;
  capital: string;
  shares: number;
}

/** The end-of-day capital on `day` (the last change on or before it). */
export async function capitalOnDay(q: Queryable, day: Day): Promise<CapitalOnDay> {
  const [row] = await q.query<{ capital_cents: unknown; shares: unknown }>(
    `SELECT capital_cents, shares FROM g2_rm_capital_days WHERE day <= ? ORDER BY day DESC LIMIT 1`,
    [day],
  );
  return { day, capital: fromCents(row?.capital_cents ?? 0), shares: Number(row?.shares ?? 0) };
}

/** Every day the capital changed, in date order: the history the chart draws. */
export async function capitalHistory(
  q: Queryable,
): Promise<{ day: Day; delta: string; capital: string; shares: number }[]> {
  const rows = await q.query<{
    day: string;
    delta_cents: unknown;
    capital_cents: unknown;
    shares: unknown;
  }>(`SELECT day, delta_cents, capital_cents, shares FROM g2_rm_capital_days ORDER BY day`);
  return rows.map((r) => ({
    day: r.day,
    delta: fromCents(r.delta_cents),
    capital: fromCents(r.capital_cents),
    shares: Number(r.shares),
  }));
}

/** The highest capital ever reached (after any movement), and the first day it was reached. */
export async function highestCapital(q: Queryable): Promise<{ capital: string; day: Day | null }> {
  const [row] = await q.query<{ day: string; peak_cents: unknown }>(
    `SELECT day, peak_cents FROM g2_rm_capital_days ORDER BY peak_cents DESC, day LIMIT 1`,
  );
  return row && big(row.peak_cents) > 0n
    ? { capital: fromCents(row.peak_cents), day: row.day }
    : { capital: '0.00', day: null };
}

/** The current capital (after the latest movement) and the number of shares held. */
export async function currentCapital(q: Queryable): Promise<{ capital: string; shares: number }> {
  const [row] = await q.query<{ capital_cents: unknown; shares: unknown }>(
    `SELECT capital_cents, shares FROM g2_rm_capital_days ORDER BY day DESC LIMIT 1`,
  );
  return { capital: fromCents(row?.capital_cents ?? 0), shares: Number(row?.shares ?? 0) };
}

export interface RegisterRow {
  movementId: string;
  day: Day;
  dayKnown: boolean;
  kind: string;
  tiersId: string;
  counterpartTiersId: string | null;
  numbers: string;
  newNumbers: string | null;
  count: number;
  amount: string;
  reference: string;
  source: string;
}

/** The register of movements of titles, in date order (then recording order). */
export async function shareRegister(
  q: Queryable,
  filter: { tiersId?: string } = {},
): Promise<RegisterRow[]> {
  const where = filter.tiersId ? `WHERE tiers_id = ? OR counterpart_tiers_id = ?` : '';
  const rows = await q.query<{
    movement_id: string;
    on_day: string;
    day_known: unknown;
    kind: string;
    tiers_id: string;
    counterpart_tiers_id: string | null;
    numbers: string;
    new_numbers: string | null;
    share_count: unknown;
    amount_cents: unknown;
    reference: string;
    source: string;
  }>(
    `SELECT movement_id, on_day, day_known, kind, tiers_id, counterpart_tiers_id, numbers, new_numbers, share_count,
            amount_cents, reference, source
       FROM g2_rm_share_movements ${where} ORDER BY on_day, position, seq`,
    filter.tiersId ? [filter.tiersId, filter.tiersId] : [],
  );
  return rows.map((r) => ({
    movementId: r.movement_id,
    day: r.on_day,
    dayKnown: Number(r.day_known) === 1,
    kind: r.kind,
    tiersId: r.tiers_id,
    counterpartTiersId: r.counterpart_tiers_id,
    numbers: r.numbers,
    newNumbers: r.new_numbers,
    count: Number(r.share_count),
    amount: fromCents(r.amount_cents),
    reference: r.reference,
    source: r.source,
  }));
}

export interface ShareRow {
  number: number;
  tiersId: string;
  nominal: string;
  state: string;
  subscribedOn: Day | null;
  paidOn: Day | null;
  legacyPaymentId: number;
  exitOn: Day | null;
  transfereeTiersId: string | null;
  heldFrom: Day;
  heldUntil: Day | null;
  pendingRequestId: string | null;
  source: string;
}

function toShareRow(r: Record<string, unknown>): ShareRow {
  const day = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    number: Number(r.number),
    tiersId: String(r.tiers_id),
    nominal: fromCents(r.nominal_cents),
    state: String(r.state),
    subscribedOn: day(r.subscribed_on),
    paidOn: day(r.paid_on),
    legacyPaymentId: Number(r.legacy_payment_id ?? 0),
    exitOn: day(r.exit_on),
    transfereeTiersId: day(r.transferee_tiers_id),
    heldFrom: String(r.held_from),
    heldUntil: day(r.held_until),
    pendingRequestId: day(r.pending_request_id),
    source: String(r.source),
  };
}

const SHARE_COLUMNS = `number, tiers_id, nominal_cents, state, subscribed_on, paid_on, legacy_payment_id, exit_on,
  transferee_tiers_id, held_from, held_until, pending_request_id, source`;

/** Every share a tiers ever had (held or gone), by number. */
export async function sharesOfTiers(q: Queryable, tiersId: string): Promise<ShareRow[]> {
  const rows = await q.query(
    `SELECT ${SHARE_COLUMNS} FROM g2_rm_shares WHERE tiers_id = ? ORDER BY number`,
    [tiersId],
  );
  return rows.map(toShareRow);
}

/** The shares with these numbers (for the mirror and checks), by number. */
export async function sharesByNumber(
  q: Queryable,
  numbers: readonly number[],
): Promise<ShareRow[]> {
  const out: ShareRow[] = [];
  for (let i = 0; i < numbers.length; i += 500) {
    const part = numbers.slice(i, i + 500);
    const rows = await q.query(
      `SELECT ${SHARE_COLUMNS} FROM g2_rm_shares WHERE number IN (${part.map(() => '?').join(', ')}) ORDER BY number`,
      part,
    );
    out.push(...rows.map(toShareRow));
  }
  return out;
}

/** Held shares whose subscription day Gloux left unset (counted from the import day). */
export async function undatedShares(q: Queryable): Promise<ShareRow[]> {
  const rows = await q.query(
    `SELECT ${SHARE_COLUMNS} FROM g2_rm_shares WHERE subscribed_on IS NULL ORDER BY number`,
  );
  return rows.map(toShareRow);
}

export interface RedemptionRequestRow {
  requestId: string;
  tiersId: string;
  numbers: string;
  count: number;
  amount: string;
  requestedOn: Day;
  reason: string;
  status: 'pending' | 'executed' | 'withdrawn';
  closedOn: Day | null;
}

/** Queued redemptions, first in first out (pending only unless `all`). */
export async function redemptionRequests(
  q: Queryable,
  options: { all?: boolean } = {},
): Promise<RedemptionRequestRow[]> {
  const rows = await q.query<{
    request_id: string;
    tiers_id: string;
    numbers: string;
    share_count: unknown;
    amount_cents: unknown;
    requested_on: string;
    reason: string;
    status: string;
    closed_on: string | null;
  }>(
    `SELECT request_id, tiers_id, numbers, share_count, amount_cents, requested_on, reason, status, closed_on
       FROM g2_rm_share_redemption_requests ${options.all ? '' : `WHERE status = 'pending'`} ORDER BY position`,
  );
  return rows.map((r) => ({
    requestId: r.request_id,
    tiersId: r.tiers_id,
    numbers: r.numbers,
    count: Number(r.share_count),
    amount: fromCents(r.amount_cents),
    requestedOn: r.requested_on,
    reason: r.reason,
    status: r.status as RedemptionRequestRow['status'],
    closedOn: r.closed_on,
  }));
}

/** A redemption decided in gloux2 and its payout, if made. */
export interface RedemptionPayoutRow {
  redemptionId: string;
  tiersId: string;
  numbers: string;
  amount: string;
  on: Day;
  paidOn: Day | null;
}

/**
 * gloux2's redemptions not paid back yet (or one of them, any state, with `redemptionId`);
 * Gloux's own exits are paid through Gloux.
 */
export async function redemptionPayouts(
  q: Queryable,
  options: { redemptionId?: string } = {},
): Promise<RedemptionPayoutRow[]> {
  const one = options.redemptionId !== undefined;
  const rows = await q.query<{
    movement_id: string;
    tiers_id: string;
    numbers: string;
    amount_cents: unknown;
    on_day: string;
    paid_on: string | null;
  }>(
    `SELECT m.movement_id, m.tiers_id, m.numbers, m.amount_cents, m.on_day, p.on_day AS paid_on
       FROM g2_rm_share_movements m LEFT JOIN g2_rm_share_payouts p ON p.redemption_id = m.movement_id
      WHERE m.kind = 'remboursement' AND m.source = 'g2'
        AND ${one ? 'm.movement_id = ?' : 'p.redemption_id IS NULL'}
      ORDER BY m.on_day, m.position`,
    one ? [options.redemptionId] : [],
  );
  return rows.map((r) => ({
    redemptionId: r.movement_id,
    tiersId: r.tiers_id,
    numbers: r.numbers,
    amount: fromCents(r.amount_cents),
    on: r.on_day,
    paidOn: r.paid_on ?? null,
  }));
}
