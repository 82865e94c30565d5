import type { InvoiceLine } from '../domain/billing/events.js';
import type { Queryable, Tx } from '../src/kernel/database/db.js';

/**
 * Gloux's pending lines (factures_lignes.id_facture = 0) taken over by a gloux2 invoice.
 * The billing run claims them before issuing (invoice idempotency key + line index → Gloux
 * row); when the mirror writes that invoice it attaches the pending row to it (UPDATE
 * id_facture) instead of inserting a copy, so Gloux shows the line once, on the new invoice.
 */

export interface LineClaim {
  readonly lineNo: number;
  readonly legacyLineId: string;
}

/**
 * Sets the claims of an invoice not issued yet (a retry may plan other pending lines). The
 * usual case is a plain insert: no DELETE, whose gap locks would make concurrent runs on
 * MariaDB deadlock each other.
 */
export async function replaceLineClaims(
  tx: Tx,
  idempotencyKey: string,
  claims: readonly LineClaim[],
  at: string,
): Promise<void> {
  const existing = await claimedLines(tx, idempotencyKey);
  const same =
    existing.size === claims.length &&
    claims.every((c) => existing.get(c.lineNo) === Number(c.legacyLineId));
  if (same) return;
  if (existing.size > 0)
    await tx.execute(`DELETE FROM g2_legacy_line_claims WHERE idempotency_key = ?`, [
      idempotencyKey,
    ]);
  if (claims.length === 0) return;
  await tx.execute(
    `INSERT INTO g2_legacy_line_claims (idempotency_key, line_no, legacy_line_id, claimed_at) VALUES ${claims.map(() => '(?, ?, ?, ?)').join(', ')}`,
    claims.flatMap((c) => [idempotencyKey, c.lineNo, Number(c.legacyLineId), at]),
  );
}

/** Line index → Gloux row id claimed by the invoice issued under `idempotencyKey`. */
export async function claimedLines(
  q: Queryable,
  idempotencyKey: string | undefined,
): Promise<Map<number, number>> {
  if (!idempotencyKey) return new Map();
  const rows = await q.query<{ line_no: number | string; legacy_line_id: number | string }>(
    `SELECT line_no, legacy_line_id FROM g2_legacy_line_claims WHERE idempotency_key = ?`,
    [idempotencyKey],
  );
  return new Map(rows.map((r) => [Number(r.line_no), Number(r.legacy_line_id)]));
}

/**
 * Attaches a claimed pending row to invoice `idFacture`, with the invoice's VAT snapshot and
 * exact net. False when the row is gone or Gloux invoiced it meanwhile: the caller then
 * inserts the line as usual (the Gloux invoice stays complete; the double charge shows in
 * the drift report rather than vanishing).
 */
export async function attachClaimedLine(
  tx: Tx,
  legacyLineId: number,
  idFacture: number,
  customerId: string,
  line: InvoiceLine,
): Promise<boolean> {
  const { affected } = await tx.execute(
    `UPDATE factures_lignes SET id_facture = ?, taux_tva = ?, montant_ht = ?, periode_debut = ?, periode_fin = ?
      WHERE id_ligne = ? AND id_client = ? AND id_facture IN (0, ?)`,
    [
      idFacture,
      line.vatRate,
      line.net,
      line.serviceStart,
      line.serviceEnd,
      legacyLineId,
      Number(customerId),
      idFacture,
    ],
  );
  return affected > 0;
}
