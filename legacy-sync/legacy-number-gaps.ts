import type { Db, Queryable } from '../src/kernel/database/db.js';
import {
  drawsInProgress,
  recordNumberGap,
  type DrawInProgress,
} from '../src/kernel/event-store/number-gaps.js';
import { SHARE_COUNTER } from './legacy-shares.js';

/**
 * Numbers drawn from Gloux's counters by a gloux2 process that died before using them (kill -9,
 * power cut): found in the draw journal at the next start and recorded as gaps
 * (docs/legacy-contract.md rule 1), so neither the drift report nor a person has to find them.
 */

/** The number a counter's value stands for: F2026-000012, A2026-000003, or a share's number. */
export function numberOf(counter: string, value: number): string | null {
  if (counter === SHARE_COUNTER) return String(value);
  const m = /^(facture|avoir)_(\d{4})$/.exec(counter);
  if (!m) return null;
  return `${m[1] === 'facture' ? 'F' : 'A'}${m[2]}-${String(value).padStart(6, '0')}`;
}

/** True when the number is on a document or share (either side) or already a recorded gap. */
async function accountedFor(q: Queryable, counter: string, value: number): Promise<boolean> {
  const number = numberOf(counter, value);
  if (number === null) return true;
  const [row] = await q.query(
    counter === SHARE_COUNTER
      ? `SELECT 1 AS x FROM parts_sociales WHERE numero = ?
         UNION ALL SELECT 1 FROM g2_rm_shares WHERE number = ?
         UNION ALL SELECT 1 FROM g2_number_gaps WHERE counter = ? AND value = ?`
      : `SELECT 1 AS x FROM factures WHERE numero = ?
         UNION ALL SELECT 1 FROM g2_rm_invoices WHERE number = ?
         UNION ALL SELECT 1 FROM g2_number_gaps WHERE counter = ? AND value = ?`,
    counter === SHARE_COUNTER ? [value, value, counter, value] : [number, number, counter, value],
  );
  return row !== undefined;
}

/**
 * A dead draw whose value was never written (killed between the counter's UPDATE and the journal's
 * one statement later): the first number above its floor that nothing accounts for and no other
 * draw holds. Null when none is left (the draw never happened) or another draw of the same
 * counter has no value yet either (which number is whose cannot be told: left for later).
 */
async function lostValue(
  q: Queryable,
  draw: DrawInProgress,
  all: readonly DrawInProgress[],
): Promise<number | null> {
  const others = all.filter((d) => d.counter === draw.counter && d.id !== draw.id);
  if (others.some((d) => d.value === null)) return null;
  const held = new Set(others.map((d) => d.value));
  const [c] = await q.query<{ valeur: unknown }>(`SELECT valeur FROM compteurs WHERE nom = ?`, [
    draw.counter,
  ]);
  const top = Number(c?.valeur ?? 0);
  for (let v = draw.floorValue + 1; v <= top; v++)
    if (!held.has(v) && !(await accountedFor(q, draw.counter, v))) return v;
  return null;
}

const REASON =
  'tiré par un processus de gloux2 arrêté avant de l’utiliser (kill, panne) : enregistré au redémarrage';

/** Records as gaps the numbers of dead draws that nothing uses; returns how many. */
export async function recordAbandonedDraws(db: Db, now: Date): Promise<number> {
  const draws = await db.run((q) => drawsInProgress(q));
  let recorded = 0;
  for (const draw of draws.filter((d) => !d.alive)) {
    if (draw.value === null && draws.some((d) => d.alive && d.counter === draw.counter)) continue;
    recorded += await db.transaction(async (tx) => {
      const value = draw.value ?? (await lostValue(tx, draw, draws));
      // The row goes first: a process starting at the same time settles it only once.
      const { affected } = await tx.execute(`DELETE FROM g2_number_draws WHERE id = ?`, [draw.id]);
      if (affected === 0 || value === null || (await accountedFor(tx, draw.counter, value)))
        return 0;
      const number = numberOf(draw.counter, value)!;
      await recordNumberGap(tx, now, { counter: draw.counter, value, number }, REASON);
      return 1;
    });
  }
  return recorded;
}
