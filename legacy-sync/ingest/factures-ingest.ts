import {
  customerStream,
  invoiceStream,
  type InvoiceEvent,
  type InvoiceIssued,
  type LegacyInvoiceLinesCorrected,
} from '../../domain/billing/events.js';
import { foldInvoice } from '../../domain/billing/invoice.js';
import {
  creditNoteFromGloux,
  IMPORTABLE_INVOICE_STATUSES,
  INCOMPLETE_LINES,
  invoiceCorrectionFromGloux,
  invoiceFromGloux,
  LINES_CHANGED,
  type GlouxInvoiceRow,
  type GlouxLineRow,
  type IngestIssue,
} from '../../domain/legacy/gloux-ingest.js';
import type { Db, Queryable, Tx } from '../../src/kernel/database/db.js';
import { readStream, sqlTimestamp } from '../../src/kernel/event-store/event-store.js';
import { recordNumberGap } from '../../src/kernel/event-store/number-gaps.js';
import { recordIssue } from '../legacy-issues.js';
import {
  legacyUuid,
  linesFingerprintSql,
  readLegacyInvoices,
  readLegacyLines,
} from '../legacy-rows.js';
import {
  emptyCounts,
  fingerprintDiffers,
  fingerprintsOf,
  invoiceIdsByLegacy,
  notBlocked,
  type Appends,
  type BatchContext,
  type IngestCounts,
} from './ingest-batch.js';

/**
 * Gloux → gloux2 for factures: Gloux's invoices (InvoiceIssued, source gloux) and avoirs
 * (CreditNoteIssued on the stream of the invoice they cite), and the invoices Gloux shows
 * cancelled by hand while gloux2 holds them due (reported, never followed).
 */

const HAND_CANCELLED = 'cancelled_without_credit_note';

/** Avoirs were set aside with this code before they were imported: they are tried again. */
const OLD_CREDIT_NOTE_BLOCK = 'credit_note';

/** Gloux invoices gloux2 does not have: not written by it, not imported, not blocked. */
export async function invoiceCandidates(
  q: Queryable,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const rows = await q.query<{ id: unknown }>(
    `SELECT f.id_facture AS id FROM factures f
      WHERE f.id_facture > ? AND f.statut IN (${IMPORTABLE_INVOICE_STATUSES.map((s) => `'${s}'`).join(', ')})
        AND NOT EXISTS (SELECT 1 FROM g2_legacy_map m WHERE m.kind IN ('invoice', 'credit_note') AND m.legacy_id = f.id_facture)
        AND ${notBlocked('factures', 'f', 'id_facture', ` AND i.code <> '${OLD_CREDIT_NOTE_BLOCK}'`)}
      ORDER BY f.id_facture LIMIT ${Math.floor(limit)}`,
    [afterId],
  );
  return rows.map((r) => Number(r.id));
}

/** One batch of Gloux invoices and avoirs, in the runner's transaction. */
export async function importInvoices({
  tx,
  ids,
  appends,
  now,
  linesDelayMs,
}: BatchContext): Promise<IngestCounts> {
  const counts = emptyCounts();
  const rows = await readLegacyInvoices(tx, ids);
  const lines = await readLegacyLines(tx, ids);
  const fingerprints = await linesFingerprints(tx, ids);
  const issue = async (id: number, i: IngestIssue, blocking: boolean) => {
    counts.issues += 1;
    await recordIssue(tx, 'factures', id, i, blocking, now);
  };
  for (const row of rows) {
    // Written by gloux2 meanwhile (the mirror commits the row and its map entry together).
    const [mine] = await tx.query(
      `SELECT 1 AS x FROM g2_legacy_map WHERE kind IN ('invoice', 'credit_note') AND legacy_id = ?`,
      [row.id],
    );
    if (mine || !IMPORTABLE_INVOICE_STATUSES.includes(row.status)) continue;
    const [twin] = await tx.query<{ invoice_id: string }>(
      `SELECT invoice_id FROM g2_rm_invoices WHERE number = ?`,
      [row.number],
    );
    if (twin) {
      await issue(
        row.id,
        {
          code: 'duplicate_number',
          message: `Facture n° ${row.id} : le numéro ${row.number} est déjà celui d’un autre document de gloux2.`,
        },
        true,
      );
      continue;
    }
    if (row.kind === 'avoir') {
      const own = lines.filter((l) => l.invoiceId === row.id);
      counts.creditNotes += await importCreditNote(tx, row, own, appends, issue, now);
      continue;
    }
    const invoiceId = legacyUuid('facture', row.id);
    const r = invoiceFromGloux(
      row,
      lines.filter((l) => l.invoiceId === row.id),
      {
        invoiceId,
        lineId: (id) => legacyUuid('ligne', id),
        adjustmentLineId: legacyUuid('facture-ajustement', row.id),
      },
    );
    if ('issue' in r) {
      await issue(row.id, r.issue, true);
      continue;
    }
    if ('pending' in r) {
      await linesPending(tx, row, r.pending, linesDelayMs, now);
      counts.issues += 1;
      continue;
    }
    for (const n of r.notes) await issue(row.id, n, false);
    await tx.execute(
      `DELETE FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ? AND code = ?`,
      [row.id, INCOMPLETE_LINES],
    );
    await appends.add(tx, invoiceStream(invoiceId), [r.event]);
    await tx.execute(
      `INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('invoice', ?, ?)`,
      [invoiceId, row.id],
    );
    // Its lines as taken: a later change in Gloux is a correction (importCorrections).
    await tx.execute(
      `INSERT INTO g2_legacy_ingested (source_table, legacy_id, g2_id, fingerprint, ingested_at) VALUES ('factures', ?, ?, ?, ?)`,
      [row.id, invoiceId, fingerprints.get(row.id) ?? '', sqlTimestamp(now)],
    );
    counts.invoices += 1;
  }
  return counts;
}

/** The lines' fingerprint (linesFingerprintSql) of these Gloux invoices, by id. */
const linesFingerprints = (q: Queryable, ids: readonly number[]) =>
  fingerprintsOf(
    q,
    { table: 'factures', alias: 'f', key: 'id_facture' },
    linesFingerprintSql(q, 'f.id_facture'),
    ids,
  );

/** Issues of Gloux line changes are kept per invoice, apart from the invoice's own. */
const CORRECTIONS = 'factures_lignes';

/**
 * Gloux invoices gloux2 took in whose lines changed in Gloux since (rows updated, added or
 * deleted): their fingerprint differs from the one kept when they were last reconciled.
 */
export async function correctionCandidates(
  q: Queryable,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const differs = fingerprintDiffers(q, 'g.fingerprint', linesFingerprintSql(q, 'g.legacy_id'));
  const rows = await q.query<{ id: unknown }>(
    `SELECT g.legacy_id AS id FROM g2_legacy_ingested g
       JOIN g2_legacy_map m ON m.kind = 'invoice' AND m.legacy_id = g.legacy_id
      WHERE g.source_table = 'factures' AND g.legacy_id > ? AND ${differs}
        AND ${notBlocked(CORRECTIONS, 'g', 'legacy_id')}
      ORDER BY g.legacy_id LIMIT ${Math.floor(limit)}`,
    [afterId],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * One batch of Gloux invoices whose lines changed after gloux2 took them in: each becomes a
 * LegacyInvoiceLinesCorrected dated today, the day gloux2 sees it (the period lock moves it to
 * the first open day and lists it for the treasurer), or stays named in the import report.
 */
export async function importCorrections({
  tx,
  ids,
  appends,
  now,
  today,
}: BatchContext): Promise<IngestCounts> {
  const counts = emptyCounts();
  const rows = await readLegacyInvoices(tx, ids);
  const lines = await readLegacyLines(tx, ids);
  const fingerprints = await linesFingerprints(tx, ids);
  const invoiceIds = await invoiceIdsByLegacy(tx, ids);
  const keep = (id: number) =>
    tx.execute(
      `UPDATE g2_legacy_ingested SET fingerprint = ? WHERE source_table = 'factures' AND legacy_id = ?`,
      [fingerprints.get(id) ?? '', id],
    );
  const reconciled = async (id: number) => {
    await keep(id);
    await tx.execute(
      `DELETE FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ? AND code = ?`,
      [id, LINES_CHANGED],
    );
  };
  for (const row of rows) {
    const invoiceId = invoiceIds.get(row.id);
    if (invoiceId === undefined) continue;
    const stream = invoiceStream(invoiceId);
    const history = [
      ...(await readStream(tx, stream)),
      ...appends.pending(stream),
    ] as unknown as InvoiceEvent[];
    const documents = history.filter(
      (e): e is InvoiceIssued | LegacyInvoiceLinesCorrected =>
        e.type === 'InvoiceIssued' || e.type === 'LegacyInvoiceLinesCorrected',
    );
    const holds = documents[documents.length - 1];
    if (!holds) continue;
    const { lines: held, totalNet, totalVat, total } = holds.data;
    const r = invoiceCorrectionFromGloux(
      row,
      lines.filter((l) => l.invoiceId === row.id),
      { state: foldInvoice(history), holds: { lines: held, totalNet, totalVat, total } },
      {
        correctionId: legacyUuid('facture-correction', `${row.id}:${documents.length}`),
        lineId: (id) => legacyUuid('ligne', id),
        adjustmentLineId: legacyUuid('facture-ajustement', row.id),
      },
      today,
    );
    if ('unchanged' in r) {
      await reconciled(row.id);
      continue;
    }
    counts.issues += 'event' in r ? 0 : 1;
    if ('pending' in r) {
      // Gloux is still writing them: looked at again at the next poll.
      await recordIssue(
        tx,
        'factures',
        row.id,
        {
          code: LINES_CHANGED,
          message: `Facture ${row.number} : ses lignes changent dans Gloux après sa prise en compte et ne font pas encore son total ; la correction est prise dès qu’elles le font.`,
        },
        false,
        now,
      );
      continue;
    }
    if ('issue' in r) {
      // Looked at again when Gloux changes the lines once more.
      await keep(row.id);
      await recordIssue(
        tx,
        'factures',
        row.id,
        { code: LINES_CHANGED, message: r.issue.message },
        false,
        now,
      );
      continue;
    }
    await appends.add(tx, stream, [r.event]);
    await reconciled(row.id);
    for (const n of r.notes) await recordIssue(tx, 'factures', row.id, n, false, now);
    counts.invoices += 1;
  }
  return counts;
}

/**
 * An invoice whose lines do not make its total yet: Gloux is still writing them (50–800 ms
 * after the factures row), so it is looked at again at every poll, never taken with made-up
 * lines. Named in the import report; past the delay, as something for a person to settle.
 */
async function linesPending(
  tx: Tx,
  row: GlouxInvoiceRow,
  pending: IngestIssue,
  delayMs: number,
  now: Date,
): Promise<void> {
  const [seen] = await tx.query<{ first_seen: unknown }>(
    `SELECT first_seen FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ? AND code = ?`,
    [row.id, INCOMPLETE_LINES],
  );
  const since = seen ? new Date(`${String(seen.first_seen).slice(0, 19).replace(' ', 'T')}Z`) : now;
  const overdue = now.getTime() - since.getTime() > delayMs;
  const message = overdue
    ? `${pending.message} Toujours incomplète après ${Math.round(delayMs / 60_000)} min : compléter ses lignes dans Gloux (ou l’annuler par un avoir).`
    : pending.message;
  await recordIssue(tx, 'factures', row.id, { code: INCOMPLETE_LINES, message }, false, now);
}

/**
 * An avoir written in Gloux: a CreditNoteIssued (source gloux) on the stream of the invoice it
 * cites, with its Gloux number, and the paid part it releases as the customer's credit, as
 * gloux2's own credit notes do. Returns 1 when imported. An avoir citing an invoice gloux2
 * will never have is set aside (blocking issue); one whose invoice may still come is looked
 * at again next time.
 */
async function importCreditNote(
  tx: Tx,
  row: GlouxInvoiceRow,
  lines: readonly GlouxLineRow[],
  appends: Appends,
  issue: (id: number, i: IngestIssue, blocking: boolean) => Promise<void>,
  now: Date,
): Promise<number> {
  const originId = row.originId ?? 0;
  const name = `Avoir ${row.number || `n° ${row.id}`}`;
  if (row.status === 'annulee') {
    await issue(
      row.id,
      { code: 'credit_note_cancelled', message: `${name} annulé dans Gloux : rien à importer.` },
      true,
    );
    return 0;
  }
  const originG2 = (await invoiceIdsByLegacy(tx, [originId])).get(originId);
  if (originG2 === undefined) {
    const [f] = await tx.query<{ statut: string; type_facture: string; blocked: unknown }>(
      `SELECT f.statut, f.type_facture, (SELECT COUNT(*) FROM g2_legacy_issues i WHERE i.source_table = 'factures' AND i.legacy_id = f.id_facture AND i.blocking = 1) AS blocked
           FROM factures f WHERE f.id_facture = ?`,
      [originId],
    );
    const never =
      !f || f.type_facture !== 'facture' || f.statut === 'brouillon' || Number(f.blocked) > 0;
    await issue(
      row.id,
      originId === 0
        ? {
            code: 'credit_note_orphan',
            message: `${name} sans facture d’origine (id_facture_origine = 0) : non importé.`,
          }
        : !f
          ? {
              code: 'credit_note_orphan',
              message: `${name} : sa facture d’origine n° ${originId} est absente de Gloux ; non importé.`,
            }
          : never
            ? {
                code: 'credit_note_origin',
                message: `${name} : sa facture d’origine n° ${originId} (${f.type_facture}, ${f.statut}) n’est pas dans gloux2 (voir le rapport d’import) ; non importé.`,
              }
            : {
                code: 'credit_note_pending',
                message: `${name} : sa facture d’origine n° ${originId} n’est pas encore importée ; repris ensuite.`,
              },
      originId === 0 || !f || never,
    );
    return 0;
  }
  // The invoice as it stands, this batch's events included (it may have been imported just now).
  const stream = invoiceStream(originG2);
  const history = [...(await readStream(tx, stream)), ...appends.pending(stream)];
  const origin = foldInvoice(history as unknown as InvoiceEvent[]);
  const creditNoteId = legacyUuid('avoir', row.id);
  const r = creditNoteFromGloux(row, lines, origin, {
    creditNoteId,
    lineId: (i) => legacyUuid('avoir-ligne', `${row.id}:${i}`),
    adjustmentLineId: legacyUuid('facture-ajustement', originId),
  });
  if ('issue' in r) {
    await issue(row.id, r.issue, true);
    return 0;
  }
  for (const n of r.notes) await issue(row.id, n, false);
  const d = r.event.data;
  await appends.add(tx, stream, [r.event]);
  if (d.toCredit !== '0.00')
    await appends.add(tx, customerStream(d.customerId), [
      {
        type: 'CustomerCredited',
        data: {
          customerId: d.customerId,
          amount: d.toCredit,
          on: d.issuedOn,
          source: 'credit_note',
          sourceId: creditNoteId,
        },
      },
    ]);
  await tx.execute(
    `INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('credit_note', ?, ?)`,
    [creditNoteId, row.id],
  );
  await tx.execute(
    `INSERT INTO g2_legacy_ingested (source_table, legacy_id, g2_id, fingerprint, ingested_at) VALUES ('factures', ?, ?, '', ?)`,
    [row.id, creditNoteId, sqlTimestamp(now)],
  );
  await tx.execute(
    `DELETE FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ? AND code IN (?, ?)`,
    [row.id, OLD_CREDIT_NOTE_BLOCK, 'credit_note_pending'],
  );
  await reserveCreditNoteNumber(tx, d.number, now);
  return 1;
}

/**
 * An avoir Gloux numbered in gloux2's own credit-note series (A<year>-NNNNNN, a counter Gloux
 * never draws from: typed by hand) keeps its number, and the counter moves past it so gloux2
 * never draws it again; the numbers it jumps over are recorded as gaps, with their reason
 * (docs/legacy-contract.md rule 1). F-series avoirs come from Gloux's facture_<year> counter (G1)
 * like its invoices, and the series' chronology already reads them from factures.
 */
async function reserveCreditNoteNumber(tx: Tx, number: string, now: Date): Promise<void> {
  const m = /^A(\d{4})-(\d{6})$/.exec(number);
  if (!m) return;
  const counter = `avoir_${m[1]}`;
  const typed = Number(m[2]);
  const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  await tx.execute(`${insert} INTO compteurs (nom, valeur) VALUES (?, 0)`, [counter]);
  const [c] = await tx.query<{ valeur: unknown }>(`SELECT valeur FROM compteurs WHERE nom = ?`, [
    counter,
  ]);
  const { affected } = await tx.execute(
    `UPDATE compteurs SET valeur = ? WHERE nom = ? AND valeur < ?`,
    [typed, counter, typed],
  );
  if (affected === 0) return;
  for (let v = Number(c?.valeur ?? 0) + 1; v < typed; v++)
    await recordNumberGap(
      tx,
      now,
      { counter, value: v, number: `A${m[1]}-${String(v).padStart(6, '0')}` },
      `sauté : l’avoir ${number} a été numéroté à la main dans Gloux`,
    );
}

/**
 * Invoices Gloux shows 'annulee' while gloux2 holds them due: cancelled by hand, without an
 * avoir covering them. An issued invoice is only cancelled by a credit note (docs/accounting.md
 * §1), so gloux2 does not follow: the import report names each one until a credit note
 * (gloux2's, or an avoir written in Gloux) cancels it or Gloux's status is put back.
 */
export async function reportHandCancelled(db: Db, now: Date): Promise<IngestCounts> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: unknown; numero: string; invoice_id: string }>(
      `SELECT f.id_facture AS id, f.numero, r.invoice_id FROM factures f
           JOIN g2_legacy_map m ON m.kind = 'invoice' AND m.legacy_id = f.id_facture
           JOIN g2_rm_invoices r ON r.invoice_id = m.g2_id
          WHERE f.statut = 'annulee' AND f.type_facture = 'facture' AND r.status <> 'cancelled'
          ORDER BY f.id_facture`,
    );
    const open = new Set(rows.map((r) => Number(r.id)));
    const known = await tx.query<{ legacy_id: unknown }>(
      `SELECT legacy_id FROM g2_legacy_issues WHERE source_table = 'factures' AND code = ?`,
      [HAND_CANCELLED],
    );
    for (const k of known)
      if (!open.has(Number(k.legacy_id)))
        await tx.execute(
          `DELETE FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ? AND code = ?`,
          [k.legacy_id, HAND_CANCELLED],
        );
    const seen = new Set(known.map((k) => Number(k.legacy_id)));
    const counts = emptyCounts();
    for (const r of rows) {
      if (seen.has(Number(r.id))) continue;
      counts.issues += 1;
      await recordIssue(
        tx,
        'factures',
        Number(r.id),
        {
          code: HAND_CANCELLED,
          message: `Facture ${r.numero} annulée à la main dans Gloux, sans avoir : une facture émise ne s’annule que par un avoir, gloux2 la garde due. Établir l’avoir dans gloux2 (/admin/avoirs/nouveau?facture=${r.invoice_id}) ou rétablir son statut dans Gloux.`,
        },
        false,
        now,
      );
    }
    return counts;
  });
}
