import type { ShareEvent, ShareState } from '../domain/shares/events.js';
import { stateLabel } from '../domain/shares/share-movements.js';
import { recordIssue } from './legacy-issues.js';
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
      return writeShares(tx, e.data.numbers, [e.data.tiersId]);
    case 'SharesPaidUp':
      return writeShares(tx, e.data.numbers, [e.data.tiersId], {
        what: 'libération',
        states: ['souscrite'],
      });
    case 'SharesCancelled':
    case 'SharesRedeemed':
      return writeShares(tx, e.data.numbers, [e.data.tiersId], {
        what: e.type === 'SharesCancelled' ? 'annulation' : 'remboursement',
        states: HELD_STATES,
      });
    case 'SharesTransferred':
      await writeShares(tx, e.data.numbers, [e.data.fromTiersId], {
        what: 'cession',
        states: HELD_STATES,
      });
      return writeShares(tx, e.data.newNumbers, [e.data.fromTiersId, e.data.toTiersId]);
    case 'ShareRedemptionQueued':
    case 'ShareRedemptionWithdrawn':
      return; // Gloux has no queue: the shares stay as they are until redeemed.
    case 'SharePaymentReceived':
      return; // Gloux's parts_sociales has no payment method: SharesPaidUp wrote the row.
    case 'LegacySharesImported':
    case 'LegacyShareChanged':
      return; // Gloux's own rows (never mirrored: their events come with source 'gloux').
  }
}

const ZERO_DATE = '0000-00-00';

const HELD_STATES: readonly ShareState[] = ['souscrite', 'liberee'];

/**
 * Writes the register's shares into parts_sociales. `before`: the states Gloux's row holds
 * before this movement of gloux2's; a row Gloux changed meanwhile (marked 'remboursee' while
 * gloux2's pay-up waited for the mirror) is Gloux's and is left as it is (Gloux wins, contract
 * rule 4): said in the report, and the next poll takes the change in or refuses it there.
 */
export async function writeShares(
  tx: Tx,
  numbers: readonly number[],
  tiersIds: readonly string[],
  before?: { what: string; states: readonly ShareState[] },
): Promise<void> {
  for (const s of await sharesByNumber(tx, numbers)) {
    if (before) {
      const [gloux] = await tx.query<{ etat: string }>(
        `SELECT etat FROM parts_sociales WHERE numero = ?`,
        [s.number],
      );
      const etat = gloux?.etat as ShareState | undefined;
      if (etat !== undefined && etat !== s.state && !before.states.includes(etat)) {
        await recordIssue(
          tx,
          'parts_sociales',
          s.number,
          {
            code: 'share_mirror_conflict',
            message: `Part n° ${s.number} (tiers ${s.tiersId}) : passée à « ${stateLabel(etat)} » dans Gloux pendant que gloux2 y écrivait sa ${before.what} ; la ligne de Gloux est gardée (Gloux l’emporte), la prochaine lecture de Gloux la prend en compte ou la signale.`,
          },
          false,
          new Date(),
        );
        continue;
      }
    }
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
