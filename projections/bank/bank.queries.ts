import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents } from '../../domain/shared/cents.js';

export interface BankLineRow {
  lineId: string;
  account: string;
  importId: string;
  bookedOn: string;
  valueOn: string;
  amount: string;
  label: string;
  reference: string;
}

export interface CardDay {
  day: string;
  count: number;
  /** Card payments received that day. */
  received: string;
  /** Card payments reversed (refunds) that day. */
  reversed: string;
  /** What the bank should credit: received − reversed. */
  total: string;
}

export interface MatchRow {
  matchId: string;
  lineId: string;
  targetKind: 'card_day' | 'deposit_slip';
  targetKey: string;
  slipNumber: number | null;
  lineAmount: string;
  expected: string;
  difference: string;
  matchedOn: string;
}

export interface ImportRow {
  importId: string;
  account: string;
  format: string;
  fileName: string;
  importedOn: string;
  lineCount: number;
  skipped: number;
}

const lineOf = (r: Record<string, unknown>): BankLineRow => ({
  lineId: String(r.line_id),
  account: String(r.account),
  importId: String(r.import_id),
  bookedOn: String(r.booked_on),
  valueOn: String(r.value_on),
  amount: fromCents(r.amount_cents),
  label: String(r.label ?? ''),
  reference: String(r.reference ?? ''),
});

const LINE_COLUMNS = `line_id, account, import_id, booked_on, value_on, amount_cents, label, reference`;

/** Bank lines booked in [from, to], in date order. */
export async function bankLines(q: Queryable, from: string, to: string): Promise<BankLineRow[]> {
  const rows = await q.query(
    `SELECT ${LINE_COLUMNS} FROM g2_rm_bank_lines WHERE booked_on >= ? AND booked_on <= ? ORDER BY booked_on, position, line_id`,
    [from, to],
  );
  return rows.map(lineOf);
}

export async function bankLine(q: Queryable, lineId: string): Promise<BankLineRow | null> {
  const [row] = await q.query(`SELECT ${LINE_COLUMNS} FROM g2_rm_bank_lines WHERE line_id = ?`, [
    lineId,
  ]);
  return row ? lineOf(row) : null;
}

/**
 * Card receipts per Europe/Paris day in [from, to] (payments are dated with their Paris day),
 * net of the card refunds dated that day: what the bank credits as one line.
 */
export async function cardDays(q: Queryable, from: string, to: string): Promise<CardDay[]> {
  const received = await q.query(
    `SELECT received_on AS day, COUNT(*) AS n, SUM(amount_cents) AS cents FROM g2_rm_payments
      WHERE method = 'card' AND received_on >= ? AND received_on <= ? GROUP BY received_on`,
    [from, to],
  );
  const reversed = await q.query(
    `SELECT r.on_day AS day, SUM(r.amount_cents) AS cents FROM g2_rm_payment_reversals r
       JOIN g2_rm_payments p ON p.payment_id = r.payment_id
      WHERE p.method = 'card' AND r.on_day >= ? AND r.on_day <= ? GROUP BY r.on_day`,
    [from, to],
  );
  const days = new Map<string, { n: number; in: bigint; out: bigint }>();
  const at = (day: string) => {
    const d = days.get(day) ?? { n: 0, in: 0n, out: 0n };
    days.set(day, d);
    return d;
  };
  const big = (v: unknown) => BigInt(String(v ?? '0').split('.')[0] || '0');
  for (const r of received) {
    const d = at(String(r.day));
    d.n = Number(r.n);
    d.in = big(r.cents);
  }
  for (const r of reversed) at(String(r.day)).out = big(r.cents);
  return [...days]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, d]) => ({
      day,
      count: d.n,
      received: fromCents(d.in),
      reversed: fromCents(d.out),
      total: fromCents(d.in - d.out),
    }));
}

export async function bankMatches(q: Queryable): Promise<MatchRow[]> {
  const rows = await q.query(
    `SELECT match_id, line_id, target_kind, target_key, slip_number, line_cents, expected_cents, difference_cents, matched_on FROM g2_rm_bank_matches ORDER BY position`,
  );
  return rows.map((r) => ({
    matchId: String(r.match_id),
    lineId: String(r.line_id),
    targetKind: r.target_kind === 'deposit_slip' ? 'deposit_slip' : 'card_day',
    targetKey: String(r.target_key),
    slipNumber:
      r.slip_number === null || r.slip_number === undefined ? null : Number(r.slip_number),
    lineAmount: fromCents(r.line_cents),
    expected: fromCents(r.expected_cents),
    difference: fromCents(r.difference_cents),
    matchedOn: String(r.matched_on),
  }));
}

export interface BookingRow {
  bookingId: string;
  lineId: string;
  kind: string;
  amount: string;
  on: string;
  reason: string;
}

/** The lines the treasurer booked (fees, transfers) or ignored, in force. */
export async function bankBookings(q: Queryable): Promise<BookingRow[]> {
  const rows = await q.query(
    `SELECT booking_id, line_id, kind, amount_cents, on_day, reason FROM g2_rm_bank_bookings ORDER BY position`,
  );
  return rows.map((r) => ({
    bookingId: String(r.booking_id),
    lineId: String(r.line_id),
    kind: String(r.kind),
    amount: fromCents(r.amount_cents),
    on: String(r.on_day),
    reason: String(r.reason ?? ''),
  }));
}

/** Closing balances statements stated for days in [from, to]. */
export async function bankClosings(
  q: Queryable,
  from: string,
  to: string,
): Promise<{ account: string; on: string; amount: string }[]> {
  const rows = await q.query(
    `SELECT account, on_day, amount_cents FROM g2_rm_bank_balances WHERE kind = 'closing' AND on_day >= ? AND on_day <= ? ORDER BY account, on_day, position`,
    [from, to],
  );
  return rows.map((r) => ({
    account: String(r.account),
    on: String(r.on_day),
    amount: fromCents(r.amount_cents),
  }));
}

export async function bankImports(q: Queryable, limit = 50): Promise<ImportRow[]> {
  const rows = await q.query(
    `SELECT import_id, account, format, file_name, imported_on, line_count, skipped FROM g2_rm_bank_imports ORDER BY position DESC LIMIT ${Math.floor(limit)}`,
  );
  return rows.map((r) => ({
    importId: String(r.import_id),
    account: String(r.account),
    format: String(r.format),
    fileName: String(r.file_name),
    importedOn: String(r.imported_on),
    lineCount: Number(r.line_count),
    skipped: Number(r.skipped),
  }));
}

/**
 * Bank lines booked in [from, to] that nothing accounts for yet (no match, not booked as fees,
 * transfer or ignored): how many, and their sum.
 */
export async function unmatchedLinesSummary(
  q: Queryable,
  from: string,
  to: string,
): Promise<{ count: number; total: string }> {
  const [row] = await q.query(
    `SELECT COUNT(*) AS n, COALESCE(SUM(l.amount_cents), 0) AS cents FROM g2_rm_bank_lines l
      WHERE l.booked_on >= ? AND l.booked_on <= ?
        AND NOT EXISTS (SELECT 1 FROM g2_rm_bank_matches m WHERE m.line_id = l.line_id)
        AND NOT EXISTS (SELECT 1 FROM g2_rm_bank_bookings b WHERE b.line_id = l.line_id)`,
    [from, to],
  );
  return { count: Number(row?.n ?? 0), total: fromCents(row?.cents ?? 0) };
}

/** The card days in [from, to] a bank line was matched to. */
export async function matchedCardDays(
  q: Queryable,
  from: string,
  to: string,
): Promise<Set<string>> {
  const rows = await q.query(
    `SELECT target_key FROM g2_rm_bank_matches
      WHERE target_kind = 'card_day' AND target_key >= ? AND target_key <= ?`,
    [from, to],
  );
  return new Set(rows.map((r) => String(r.target_key)));
}
