import { invoiceStream, paymentStream } from '../../domain/billing/events.js';
import {
  paymentFromGloux,
  type IngestIssue,
  type KnownInvoice,
  type KnownPayment,
} from '../../domain/legacy/gloux-ingest.js';
import { fromCents } from '../../domain/shared/cents.js';
import { Money } from '../../domain/shared/money.js';
import type { Queryable } from '../../src/kernel/database/db.js';
import { sqlTimestamp } from '../../src/kernel/event-store/event-store.js';
import { recordIssue } from '../legacy-issues.js';
import {
  legacyUuid,
  paymentFingerprintSql,
  readLegacyAllocations,
  readLegacyPayments,
} from '../legacy-rows.js';
import {
  emptyCounts,
  fingerprintDiffers,
  fingerprintsOf,
  invoiceIdsByLegacy,
  notBlocked,
  type BatchContext,
  type IngestCounts,
} from './ingest-batch.js';

/**
 * Gloux → gloux2 for paiements and paiements_factures: Gloux's payments (G9) and their
 * allocations, and the later changes of a payment already taken in (etat, amount, allocations:
 * its fingerprint differs from the one recorded when it was reconciled).
 */

/** Gloux payments to import (not gloux2's own, not pending) or whose state changed since. */
export async function paymentCandidates(
  q: Queryable,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const differs = fingerprintDiffers(q, 'g.fingerprint', paymentFingerprintSql(q));
  const rows = await q.query<{ id: unknown }>(
    `SELECT p.id_paiement AS id FROM paiements p
       LEFT JOIN g2_legacy_ingested g ON g.source_table = 'paiements' AND g.legacy_id = p.id_paiement
      WHERE p.id_paiement > ?
        AND ((g.legacy_id IS NULL AND p.etat <> 'attente'
              AND NOT EXISTS (SELECT 1 FROM g2_legacy_map m WHERE m.kind = 'payment' AND m.legacy_id = p.id_paiement))
          OR (g.legacy_id IS NOT NULL AND ${differs}))
        AND ${notBlocked('paiements', 'p', 'id_paiement')}
      ORDER BY p.id_paiement LIMIT ${Math.floor(limit)}`,
    [afterId],
  );
  return rows.map((r) => Number(r.id));
}

/** One batch of Gloux payments, in the runner's transaction. */
export async function importPayments({
  tx,
  ids,
  appends,
  now,
  today,
}: BatchContext): Promise<IngestCounts> {
  const counts = emptyCounts();
  const rows = await readLegacyPayments(tx, ids);
  const allocations = await readLegacyAllocations(tx, ids);
  const fingerprints = await fingerprintsOf(
    tx,
    { table: 'paiements', alias: 'p', key: 'id_paiement' },
    paymentFingerprintSql(tx),
    ids,
  );
  const invoiceIds = await invoiceIdsByLegacy(tx, [
    ...new Set(allocations.map((a) => a.invoiceId)),
  ]);
  // What this batch already allocated, per invoice (the read models see it after commit).
  const pendingPaid = new Map<string, Money>();
  for (const row of rows) {
    const paymentId = legacyUuid('paiement', row.id);
    const [ingested] = await tx.query(
      `SELECT 1 AS x FROM g2_legacy_ingested WHERE source_table = 'paiements' AND legacy_id = ?`,
      [row.id],
    );
    if (!ingested) {
      const [mine] = await tx.query(
        `SELECT 1 AS x FROM g2_legacy_map WHERE kind = 'payment' AND legacy_id = ?`,
        [row.id],
      );
      if (mine) continue; // gloux2's own payment, mirrored meanwhile
    }
    let retry = false;
    const resolved: { invoice: KnownInvoice; amount: Money }[] = [];
    for (const a of allocations.filter((x) => x.paymentId === row.id)) {
      const invoiceId = invoiceIds.get(a.invoiceId);
      if (!invoiceId) {
        const [f] = await tx.query<{ statut: string; type_facture: string }>(
          `SELECT statut, type_facture FROM factures WHERE id_facture = ?`,
          [a.invoiceId],
        );
        const i: IngestIssue = !f
          ? {
              code: `orphan_allocation_${a.invoiceId}`,
              message: `Paiement n° ${row.id} : ${a.amount} affectés à la facture n° ${a.invoiceId}, absente de Gloux ; affectation ignorée.`,
            }
          : {
              code: `allocation_pending_${a.invoiceId}`,
              message: `Paiement n° ${row.id} : ${a.amount} affectés à la facture n° ${a.invoiceId} (${f.type_facture}, ${f.statut}) que gloux2 n’a pas ; reprise quand elle sera importée.`,
            };
        // An invoice that may still be imported: look at this payment again next time.
        if (f) retry = true;
        counts.issues += 1;
        await recordIssue(tx, 'paiements', row.id, i, false, now);
        continue;
      }
      const [inv] = await tx.query<{ number: string; bal: unknown }>(
        `SELECT number, total_cents - credited_cents - paid_cents AS bal FROM g2_rm_invoices WHERE invoice_id = ?`,
        [invoiceId],
      );
      const balance = Money.of(fromCents(inv?.bal ?? 0)).minus(
        pendingPaid.get(invoiceId) ?? Money.ZERO,
      );
      resolved.push({
        invoice: { invoiceId, number: inv?.number ?? String(a.invoiceId), balance },
        amount: Money.of(a.amount),
      });
    }
    const known = ingested ? await knownPayment(tx, paymentId) : null;
    const r = paymentFromGloux(
      row,
      resolved,
      known,
      { paymentId, reversalId: legacyUuid('paiement-contrepassation', row.id) },
      today,
    );
    const blocking = r.payment.length === 0 && known === null && r.issues.length > 0;
    for (const i of r.issues) {
      counts.issues += 1;
      await recordIssue(tx, 'paiements', row.id, i, blocking, now);
    }
    if (blocking) continue;
    await appends.add(tx, paymentStream(paymentId), r.payment);
    for (const [invoiceId, events] of r.invoices) {
      await appends.add(tx, invoiceStream(invoiceId), events);
      const paid = Money.sum(events.map((e) => Money.of(e.data.amount)));
      pendingPaid.set(invoiceId, (pendingPaid.get(invoiceId) ?? Money.ZERO).plus(paid));
    }
    const fingerprint = retry ? '' : (fingerprints.get(row.id) ?? '');
    if (known === null) {
      if (r.payment.length === 0) continue; // still 'attente'
      await tx.execute(
        `INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('payment', ?, ?)`,
        [paymentId, row.id],
      );
      await tx.execute(
        `INSERT INTO g2_legacy_ingested (source_table, legacy_id, g2_id, fingerprint, ingested_at) VALUES ('paiements', ?, ?, ?, ?)`,
        [row.id, paymentId, fingerprint, sqlTimestamp(now)],
      );
      counts.payments += 1;
    } else {
      await tx.execute(
        `UPDATE g2_legacy_ingested SET fingerprint = ? WHERE source_table = 'paiements' AND legacy_id = ?`,
        [fingerprint, row.id],
      );
      if (r.payment.length > 0 || r.invoices.size > 0) counts.payments += 1;
    }
  }
  return counts;
}

/** What gloux2 holds of an imported payment, from its read models. */
async function knownPayment(q: Queryable, paymentId: string): Promise<KnownPayment | null> {
  const [p] = await q.query<{ status: string; amount_cents: unknown; reversed_cents: unknown }>(
    `SELECT status, amount_cents, reversed_cents FROM g2_rm_payments WHERE payment_id = ?`,
    [paymentId],
  );
  if (!p) return null;
  const own = await q.query<{ invoice_id: string; c: unknown }>(
    `SELECT invoice_id, SUM(amount_cents) AS c FROM g2_rm_invoice_payments WHERE payment_id = ? GROUP BY invoice_id ORDER BY MIN(seq)`,
    [paymentId],
  );
  const back = await q.query<{ invoice_id: string; c: unknown }>(
    `SELECT ip.invoice_id, SUM(ip.amount_cents) AS c FROM g2_rm_invoice_payments ip
       JOIN g2_rm_payment_reversals r ON r.reversal_id = ip.payment_id
      WHERE r.payment_id = ? GROUP BY ip.invoice_id`,
    [paymentId],
  );
  const allocated = new Map(own.map((r) => [r.invoice_id, Money.of(fromCents(r.c))]));
  const allocations = new Map(allocated);
  for (const r of back)
    allocations.set(
      r.invoice_id,
      (allocations.get(r.invoice_id) ?? Money.ZERO).plus(Money.of(fromCents(r.c))),
    );
  return {
    status: p.status === 'bounced' ? 'bounced' : 'valid',
    amount: Money.of(fromCents(p.amount_cents)),
    reversed: Money.of(fromCents(p.reversed_cents)),
    allocated,
    allocations,
  };
}
