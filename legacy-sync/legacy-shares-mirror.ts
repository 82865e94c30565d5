import type { ShareEvent } from '../domain/shares/events.js';
import { sharesByNumber } from '../projections/shares/shares.queries.js';
import type { Tx } from '../src/kernel/database/db.js';

/**
 * gloux2 → Gloux for share movements: each share touched is written into parts_sociales from
 * the read model (its state now, so a replay after a crash writes the same row), then the
 * tiers concerned get tiers.nb_parts and tiers.societaire recomputed from parts_sociales, never
 * incremented. Gloux's G8 (COUNT(*) of 'souscrite'/'liberee' rows, nb_parts, societaire)
 * then says what the read models say.
 */
export async function mirrorShareEvent(tx: Tx, e: ShareEvent): Promise<void> {
  switch (e.type) {
    case 'SharesSubscribed':
    case 'SharesPaidUp':
    case 'SharesCancelled':
    case 'SharesRedeemed':
      return writeShares(tx, e.data.numbers, [e.data.tiersId]);
    case 'SharesTransferred':
      return writeShares(
        tx,
        [...e.data.numbers, ...e.data.newNumbers],
        [e.data.fromTiersId, e.data.toTiersId],
      );
    case 'ShareRedemptionQueued':
    case 'ShareRedemptionWithdrawn':
      return; // Gloux has no queue: the shares stay as they are until redeemed.
    case 'LegacySharesImported':
    case 'LegacyShareChanged':
      return; // Gloux's own rows (never mirrored: their events come with source 'gloux').
  }
}

const ZERO_DATE = '0000-00-00';

export async function writeShares(
  tx: Tx,
  numbers: readonly number[],
  tiersIds: readonly string[],
): Promise<void> {
  for (const s of await sharesByNumber(tx, numbers)) {
    const values = [
      Number(s.tiersId),
      s.nominal,
      s.subscribedOn ?? ZERO_DATE,
      s.paidOn ?? ZERO_DATE,
      s.legacyPaymentId,
      s.state,
      s.exitOn ?? ZERO_DATE,
      Number(s.transfereeTiersId ?? 0),
    ];
    const { affected } = await tx.execute(
      `UPDATE parts_sociales SET id_tiers = ?, valeur_nominale = ?, date_souscription = ?, date_liberation = ?, id_paiement = ?,
              etat = ?, date_sortie = ?, id_tiers_cessionnaire = ?
        WHERE numero = ?`,
      [...values, s.number],
    );
    // MySQL counts changed rows: 0 also when the row is already as written, hence the check.
    if (affected === 0) {
      const [row] = await tx.query(`SELECT 1 AS x FROM parts_sociales WHERE numero = ?`, [
        s.number,
      ]);
      if (!row) {
        await tx.execute(
          `INSERT INTO parts_sociales (numero, id_tiers, valeur_nominale, date_souscription, date_liberation, id_paiement, etat,
             date_sortie, id_tiers_cessionnaire)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [s.number, ...values],
        );
      }
    }
  }
  for (const tiersId of new Set(tiersIds)) await refreshTiersShares(tx, tiersId);
}

const HELD = `(SELECT COUNT(*) FROM parts_sociales p WHERE p.id_tiers = tiers.id_tiers AND p.etat IN ('souscrite', 'liberee'))`;

/** tiers.nb_parts and tiers.societaire from the rows of parts_sociales (MyISAM: recomputed, idempotent). */
export async function refreshTiersShares(tx: Tx, tiersId: string): Promise<void> {
  await tx.execute(
    `UPDATE tiers SET nb_parts = ${HELD}, societaire = CASE WHEN ${HELD} > 0 THEN 'O' ELSE 'N' END WHERE id_tiers = ?`,
    [Number(tiersId)],
  );
}
