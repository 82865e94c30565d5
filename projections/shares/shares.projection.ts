import {
  isShareEvent,
  type ImportedShare,
  type LegacyShareChanged,
  type ShareEvent,
  type ShareState,
} from '../../domain/shares/events.js';
import { importedInterval, isHeldState } from '../../domain/shares/share-capital.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { type Projection } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

/** IN lists stay well under both databases' parameter limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

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
export class SharesProjection implements Projection {
  readonly name = 'shares';
  readonly tables = [
    'g2_rm_shares',
    'g2_rm_share_movements',
    'g2_rm_capital_days',
    'g2_rm_share_redemption_requests',
  ];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isShareEvent(event)) return;
    const e = event as unknown as ShareEvent;
    const position = event.position;
    switch (e.type) {
      case 'SharesSubscribed': {
        const d = e.data;
        const cents = BigInt(toCents(d.nominal));
        await this.insertShares(
          tx,
          d.numbers.map((number) => ({
            number,
            tiersId: d.tiersId,
            nominalCents: cents,
            state: 'souscrite' as const,
            subscribedOn: d.on,
            paidOn: null,
            legacyPaymentId: 0,
            exitOn: null,
            transfereeTiersId: null,
            heldFrom: d.on,
            heldUntil: null,
          })),
          'g2',
          position,
        );
        const amount = cents * BigInt(d.numbers.length);
        await this.movement(tx, position, {
          id: d.subscriptionId,
          on: d.on,
          kind: 'souscription',
          tiersId: d.tiersId,
          numbers: d.numbers,
          amountCents: amount,
          reference: d.reference,
          source: 'g2',
        });
        return this.addCapital(tx, d.on, amount, d.numbers.length);
      }
      case 'SharesPaidUp': {
        const d = e.data;
        for (const part of chunks(d.numbers)) {
          await tx.execute(
            `UPDATE g2_rm_shares SET state = 'liberee', paid_on = ?, legacy_payment_id = ?, last_position = ? WHERE number IN (${marks(part.length)})`,
            [d.on, d.legacyPaymentId ?? 0, position, ...part],
          );
        }
        return this.movement(tx, position, {
          id: d.liberationId,
          on: d.on,
          kind: 'liberation',
          tiersId: d.tiersId,
          numbers: d.numbers,
          amountCents: await this.nominalOf(tx, d.numbers),
          reference: d.reference,
          source: 'g2',
        });
      }
      case 'SharesTransferred': {
        const d = e.data;
        const before = new Map<number, { nominal_cents: unknown; state: string }>();
        for (const part of chunks(d.numbers)) {
          const rows = await tx.query<{ number: unknown; nominal_cents: unknown; state: string }>(
            `SELECT number, nominal_cents, state FROM g2_rm_shares WHERE number IN (${marks(part.length)})`,
            part,
          );
          for (const r of rows) before.set(Number(r.number), r);
        }
        await this.leave(tx, d.numbers, d.on, 'cedee', position, d.toTiersId);
        await this.insertShares(
          tx,
          d.numbers.map((old, i) => {
            const paid = before.get(old)?.state === 'liberee';
            return {
              number: d.newNumbers[i]!,
              tiersId: d.toTiersId,
              nominalCents: BigInt(String(before.get(old)?.nominal_cents ?? 0)),
              state: paid ? ('liberee' as const) : ('souscrite' as const),
              subscribedOn: d.on,
              paidOn: paid ? d.on : null,
              legacyPaymentId: 0,
              exitOn: null,
              transfereeTiersId: null,
              heldFrom: d.on,
              heldUntil: null,
            };
          }),
          'g2',
          position,
        );
        return this.movement(tx, position, {
          id: d.transferId,
          on: d.on,
          kind: 'cession',
          tiersId: d.fromTiersId,
          counterpart: d.toTiersId,
          numbers: d.numbers,
          newNumbers: d.newNumbers,
          amountCents: await this.nominalOf(tx, d.numbers),
          reference: d.reference,
          source: 'g2',
        });
      }
      case 'ShareRedemptionQueued': {
        const d = e.data;
        for (const part of chunks(d.numbers)) {
          await tx.execute(
            `UPDATE g2_rm_shares SET pending_request_id = ?, last_position = ? WHERE number IN (${marks(part.length)})`,
            [d.requestId, position, ...part],
          );
        }
        await tx.execute(
          `INSERT INTO g2_rm_share_redemption_requests (request_id, position, tiers_id, numbers, share_count, amount_cents, requested_on, reason, status, closed_on)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL)`,
          [
            d.requestId,
            position,
            d.tiersId,
            formatNumberRanges(d.numbers),
            d.numbers.length,
            toCents(d.amount),
            d.requestedOn,
            d.reason.slice(0, 255),
          ],
        );
        return;
      }
      case 'SharesRedeemed': {
        const d = e.data;
        const amount = BigInt(toCents(d.amount));
        await this.leave(tx, d.numbers, d.on, 'remboursee', position, null);
        if (d.requestId !== null) await this.closeRequest(tx, d.requestId, 'executed', d.on);
        await this.movement(tx, position, {
          id: d.redemptionId,
          on: d.on,
          kind: 'remboursement',
          tiersId: d.tiersId,
          numbers: d.numbers,
          amountCents: amount,
          reference: d.reason,
          source: 'g2',
        });
        return this.addCapital(tx, d.on, -amount, -d.numbers.length);
      }
      case 'ShareRedemptionWithdrawn': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_shares SET pending_request_id = NULL, last_position = ? WHERE pending_request_id = ?`,
          [position, d.requestId],
        );
        return this.closeRequest(tx, d.requestId, 'withdrawn', d.on);
      }
      case 'SharesCancelled': {
        const d = e.data;
        const amount = await this.nominalOf(tx, d.numbers);
        await this.leave(tx, d.numbers, d.on, 'annulee', position, null);
        await this.movement(tx, position, {
          id: d.cancellationId,
          on: d.on,
          kind: 'annulation',
          tiersId: d.tiersId,
          numbers: d.numbers,
          amountCents: amount,
          reference: d.reason,
          source: 'g2',
        });
        return this.addCapital(tx, d.on, -amount, -d.numbers.length);
      }
      case 'LegacySharesImported':
        return this.imported(tx, e.data.shares, e.data.importedOn, position);
      case 'LegacyShareChanged':
        return this.changed(tx, e.data, position);
    }
  }

  /** Gloux changed a row the register holds: the row follows it, and its movement is listed. */
  private async changed(tx: Tx, d: LegacyShareChanged['data'], position: number): Promise<void> {
    const s = d.share;
    const leaves = d.movement !== null && d.movement !== 'liberation' && d.on !== null;
    await tx.execute(
      `UPDATE g2_rm_shares SET state = ?, subscribed_on = ?, paid_on = ?, legacy_payment_id = ?, exit_on = ?, transferee_tiers_id = ?,
              held_until = ${leaves ? '?' : 'held_until'}, pending_request_id = ${leaves ? 'NULL' : 'pending_request_id'}, last_position = ?
        WHERE number = ?`,
      [
        s.state,
        s.subscribedOn,
        s.paidOn,
        s.legacyPaymentId,
        s.exitOn,
        s.transfereeTiersId,
        ...(leaves ? [d.on] : []),
        position,
        s.number,
      ],
    );
    if (d.movement === null || d.on === null) return;
    const cents = await this.nominalOf(tx, [s.number]);
    await this.movement(tx, position, {
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
    if (leaves) await this.addCapital(tx, d.on, -cents, -1);
  }

  /** Gloux's rows: each share, its subscription (and paid-up, exit) in the register, the capital. */
  private async imported(
    tx: Tx,
    shares: readonly ImportedShare[],
    importedOn: string,
    position: number,
  ): Promise<void> {
    const capital = new Map<string, { cents: bigint; shares: number }>();
    const add = (day: string, cents: bigint, count: number) => {
      const c = capital.get(day) ?? { cents: 0n, shares: 0 };
      capital.set(day, { cents: c.cents + cents, shares: c.shares + count });
    };
    const rows = shares.map((s) => ({ s, ...importedInterval(s, importedOn) }));
    await this.insertShares(
      tx,
      rows.map(({ s, heldFrom, heldUntil }) => ({
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
      })),
      'gloux',
      position,
    );
    let seq = 0;
    for (const { s, heldFrom, heldUntil } of rows) {
      const cents = BigInt(toCents(s.nominal));
      const base = { tiersId: s.tiersId, numbers: [s.number], amountCents: cents };
      const known = (d: string | null) => d !== null && d <= importedOn;
      await this.movement(tx, position, {
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
        await this.movement(tx, position, {
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
        await this.movement(tx, position, {
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
      await this.addCapital(tx, day, c.cents, c.shares);
  }

  private async insertShares(
    tx: Tx,
    rows: readonly {
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
    }[],
    source: 'g2' | 'gloux',
    position: number,
  ): Promise<void> {
    for (const part of chunks(rows)) {
      await tx.execute(
        `INSERT INTO g2_rm_shares (number, tiers_id, nominal_cents, state, subscribed_on, paid_on, legacy_payment_id, exit_on,
           transferee_tiers_id, held_from, held_until, pending_request_id, source, last_position)
         VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)').join(', ')}`,
        part.flatMap((r) => [
          r.number,
          r.tiersId,
          r.nominalCents.toString(),
          r.state,
          r.subscribedOn,
          r.paidOn,
          r.legacyPaymentId,
          r.exitOn,
          r.transfereeTiersId,
          r.heldFrom,
          r.heldUntil,
          source,
          position,
        ]),
      );
    }
  }

  private async leave(
    tx: Tx,
    numbers: readonly number[],
    on: string,
    state: ShareState,
    position: number,
    transferee: string | null,
  ): Promise<void> {
    if (isHeldState(state)) throw new Error(`${state} is not an exit`);
    for (const part of chunks(numbers)) {
      await tx.execute(
        `UPDATE g2_rm_shares SET state = ?, exit_on = ?, held_until = ?, transferee_tiers_id = ?, pending_request_id = NULL, last_position = ?
          WHERE number IN (${marks(part.length)})`,
        [state, on, on, transferee, position, ...part],
      );
    }
  }

  private async nominalOf(tx: Tx, numbers: readonly number[]): Promise<bigint> {
    let total = 0n;
    for (const part of chunks(numbers)) {
      const [row] = await tx.query<{ c: unknown }>(
        `SELECT COALESCE(SUM(nominal_cents), 0) AS c FROM g2_rm_shares WHERE number IN (${marks(part.length)})`,
        part,
      );
      total += BigInt(String(row?.c ?? 0).split('.')[0] || '0');
    }
    return total;
  }

  private async closeRequest(
    tx: Tx,
    requestId: string,
    status: 'executed' | 'withdrawn',
    on: string,
  ): Promise<void> {
    await tx.execute(
      `UPDATE g2_rm_share_redemption_requests SET status = ?, closed_on = ? WHERE request_id = ?`,
      [status, on, requestId],
    );
  }

  private async movement(tx: Tx, position: number, m: Movement): Promise<void> {
    await tx.execute(
      `INSERT INTO g2_rm_share_movements (movement_id, position, seq, on_day, day_known, kind, tiers_id, counterpart_tiers_id, numbers, new_numbers,
         share_count, amount_cents, reference, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        m.id,
        position,
        m.seq ?? 0,
        m.on,
        m.dayKnown === false ? 0 : 1,
        m.kind,
        m.tiersId,
        m.counterpart ?? null,
        formatNumberRanges(m.numbers),
        m.newNumbers ? formatNumberRanges(m.newNumbers) : null,
        m.numbers.length,
        m.amountCents.toString(),
        m.reference.slice(0, 255),
        m.source,
      ],
    );
  }

  /**
   * Appends a change of the capital to `day` (possibly before days already recorded, for a
   * Gloux share imported late): that day's capital and peak, then every later day's running
   * figures. A day's peak starts at the capital it opens with (the previous day's close).
   */
  private async addCapital(tx: Tx, day: string, cents: bigint, shares: number): Promise<void> {
    const [row] = await tx.query(`SELECT 1 AS x FROM g2_rm_capital_days WHERE day = ?`, [day]);
    if (!row) {
      const [previous] = await tx.query<{ capital_cents: unknown; shares: unknown }>(
        `SELECT capital_cents, shares FROM g2_rm_capital_days WHERE day < ? ORDER BY day DESC LIMIT 1`,
        [day],
      );
      const opening = String(previous?.capital_cents ?? 0);
      await tx.execute(
        `INSERT INTO g2_rm_capital_days (day, delta_cents, capital_cents, peak_cents, shares_delta, shares) VALUES (?, 0, ?, ?, 0, ?)`,
        [day, opening, opening, Number(previous?.shares ?? 0)],
      );
    }
    const c = cents.toString();
    await tx.execute(
      `UPDATE g2_rm_capital_days SET delta_cents = delta_cents + ?, shares_delta = shares_delta + ?,
              capital_cents = capital_cents + ?, shares = shares + ? WHERE day = ?`,
      [c, shares, c, shares, day],
    );
    await tx.execute(
      `UPDATE g2_rm_capital_days SET peak_cents = capital_cents WHERE day = ? AND capital_cents > peak_cents`,
      [day],
    );
    await tx.execute(
      `UPDATE g2_rm_capital_days SET capital_cents = capital_cents + ?, peak_cents = peak_cents + ?, shares = shares + ? WHERE day > ?`,
      [c, c, shares, day],
    );
  }
}
