import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents } from '../../domain/shared/cents.js';

/** A cheque not yet on an active slip (not bounced nor refunded). */
export interface PendingCheque {
  paymentId: string;
  customerId: string;
  amount: string;
  receivedOn: string;
  reference: string;
  bank: string;
}

export interface SlipSummary {
  slipId: string;
  number: number;
  depositOn: string;
  chequeCount: number;
  total: string;
  status: 'active' | 'cancelled';
  cancelledOn: string | null;
  cancelReason: string | null;
}

export interface SlipCheque extends PendingCheque {
  /** 'bounced' once the cheque came back unpaid: it stays on the slip, marked. */
  paymentStatus: string;
  reversed: string;
}

const NOT_ON_ACTIVE_SLIP = `NOT EXISTS (SELECT 1 FROM g2_rm_deposit_slip_cheques c
  JOIN g2_rm_deposit_slips s ON s.slip_id = c.slip_id AND s.status = 'active'
  WHERE c.payment_id = p.payment_id)`;

const chequeOf = (r: Record<string, unknown>): PendingCheque => ({
  paymentId: String(r.payment_id),
  customerId: String(r.customer_id),
  amount: fromCents(r.amount_cents),
  receivedOn: String(r.received_on),
  reference: String(r.reference ?? ''),
  bank: String(r.bank ?? ''),
});

/** Cheques to deposit, oldest first; `receivedOn` keeps those of one day. */
export async function pendingCheques(q: Queryable, receivedOn?: string): Promise<PendingCheque[]> {
  const day = receivedOn ? ' AND p.received_on = ?' : '';
  const params = receivedOn ? [receivedOn] : [];
  const rows = await q.query(
    `SELECT p.payment_id, p.customer_id, p.amount_cents, p.received_on, p.reference, p.bank
       FROM g2_rm_payments p
      WHERE p.method = 'cheque' AND p.status = 'valid' AND p.reversed_cents = 0
        AND ${NOT_ON_ACTIVE_SLIP}${day}`,
    params,
  );
  const shares = await q.query(
    `SELECT p.payment_id, p.tiers_id, p.amount_cents, p.received_on, p.reference, p.bank
       FROM g2_rm_share_cheques p WHERE ${NOT_ON_ACTIVE_SLIP}${day}`,
    params,
  );
  // A cheque for shares names its tiers where an invoice's names its customer.
  return [...rows, ...shares.map((r) => ({ ...r, customer_id: `T${String(r.tiers_id)}` }))]
    .map(chequeOf)
    .sort(
      (a, b) =>
        a.receivedOn.localeCompare(b.receivedOn) ||
        a.reference.localeCompare(b.reference) ||
        a.paymentId.localeCompare(b.paymentId),
    );
}

/** A cheque received for shares, as a slip needs it (null: no such cheque). */
export async function shareCheque(q: Queryable, paymentId: string): Promise<PendingCheque | null> {
  const [r] = await q.query(
    `SELECT payment_id, tiers_id, amount_cents, received_on, reference, bank
       FROM g2_rm_share_cheques WHERE payment_id = ?`,
    [paymentId],
  );
  return r ? chequeOf({ ...r, customer_id: `T${String(r.tiers_id)}` }) : null;
}

const summaryOf = (r: Record<string, unknown>): SlipSummary => ({
  slipId: String(r.slip_id),
  number: Number(r.number),
  depositOn: String(r.deposit_on),
  chequeCount: Number(r.cheque_count),
  total: fromCents(r.total_cents),
  status: r.status === 'cancelled' ? 'cancelled' : 'active',
  cancelledOn: r.cancelled_on ? String(r.cancelled_on) : null,
  cancelReason: r.cancel_reason ? String(r.cancel_reason) : null,
});

const SLIP_COLUMNS = `slip_id, number, deposit_on, cheque_count, total_cents, status, cancelled_on, cancel_reason`;

/** Slips, newest first (optionally those handed over in [from, to]). */
export async function depositSlips(
  q: Queryable,
  range: { from?: string; to?: string } = {},
): Promise<SlipSummary[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (range.from) {
    where.push('deposit_on >= ?');
    params.push(range.from);
  }
  if (range.to) {
    where.push('deposit_on <= ?');
    params.push(range.to);
  }
  const rows = await q.query(
    `SELECT ${SLIP_COLUMNS} FROM g2_rm_deposit_slips${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY number DESC`,
    params,
  );
  return rows.map(summaryOf);
}

/** One slip by number, with its cheques as printed and their current state. */
export async function depositSlip(
  q: Queryable,
  number: number,
): Promise<(SlipSummary & { cheques: SlipCheque[] }) | null> {
  if (!Number.isInteger(number) || number < 1) return null;
  const [row] = await q.query(`SELECT ${SLIP_COLUMNS} FROM g2_rm_deposit_slips WHERE number = ?`, [
    number,
  ]);
  if (!row) return null;
  const cheques = await q.query(
    `SELECT c.payment_id, c.customer_id, c.amount_cents, c.received_on, c.reference, c.bank,
            COALESCE(p.status, 'valid') AS payment_status, COALESCE(p.reversed_cents, 0) AS reversed_cents
       FROM g2_rm_deposit_slip_cheques c
       LEFT JOIN g2_rm_payments p ON p.payment_id = c.payment_id
      WHERE c.slip_id = ? ORDER BY c.seq`,
    [row.slip_id],
  );
  return {
    ...summaryOf(row),
    cheques: cheques.map((r) => ({
      ...chequeOf(r),
      paymentStatus: String(r.payment_status),
      reversed: fromCents(r.reversed_cents),
    })),
  };
}

/** A SUM of cents as the driver gives it (number, or a decimal string on MariaDB). */
const wholeCents = (v: unknown) => BigInt(String(v ?? '0').split('.')[0] || '0');

/** How many cheques wait for a slip, and their total (the treasurer's home). */
export async function pendingChequesSummary(
  q: Queryable,
): Promise<{ count: number; total: string }> {
  const [row] = await q.query(
    `SELECT COUNT(*) AS n, COALESCE(SUM(p.amount_cents), 0) AS cents FROM g2_rm_payments p
      WHERE p.method = 'cheque' AND p.status = 'valid' AND p.reversed_cents = 0 AND ${NOT_ON_ACTIVE_SLIP}`,
  );
  const [shares] = await q.query(
    `SELECT COUNT(*) AS n, COALESCE(SUM(p.amount_cents), 0) AS cents FROM g2_rm_share_cheques p
      WHERE ${NOT_ON_ACTIVE_SLIP}`,
  );
  return {
    count: Number(row?.n ?? 0) + Number(shares?.n ?? 0),
    total: fromCents(wholeCents(row?.cents) + wholeCents(shares?.cents)),
  };
}
