import {
  customerStream,
  invoiceStream,
  paymentStream,
  type InvoiceEvent,
} from '../domain/billing/events.js';
import { replayInvoice } from '../domain/billing/invoice.js';
import {
  creditNoteFromGloux,
  IMPORTABLE_INVOICE_STATUSES,
  type GlouxInvoiceRow,
  type GlouxLineRow,
  invoiceFromGloux,
  paymentFromGloux,
  type IngestIssue,
  type KnownInvoice,
  type KnownPayment,
} from '../domain/legacy/gloux-ingest.js';
import { accountStream } from '../domain/accounts/events.js';
import { initialAccountState } from '../domain/accounts/account.js';
import { accountFromGloux } from '../domain/legacy/gloux-accounts.js';
import { parisDateTimeOf } from '../domain/shared/day.js';
import { Money } from '../domain/shared/money.js';
import { fromCents } from '../domain/shared/cents.js';
import type { Clock } from '../src/kernel/clock.js';
import { isDuplicateKey, type Db, type Queryable, type Tx } from '../src/kernel/database/db.js';
import type { CommandPipeline } from '../src/kernel/event-store/command-pipeline.js';
import {
  ConcurrencyError,
  readStream,
  sqlTimestamp,
  type AppendRequest,
  type NewEvent,
} from '../src/kernel/event-store/event-store.js';
import {
  legacyUuid,
  paymentFingerprintSql,
  readLegacyAllocations,
  readLegacyInvoices,
  readLegacyLines,
  readLegacyPayments,
} from './legacy-rows.js';
import { accountStreams, readHostings, unmirroredAccountEvents } from './legacy-account-states.js';
import { recordCounterBaselines } from './legacy-drift.js';
import { SingleFlight } from './single-flight.js';
import { LegacyShareIngest } from './legacy-shares-ingest.js';
import { recordIssue } from './legacy-issues.js';
import { defaultShareRules } from '../src/kernel/config.js';
import { isTransientDatabaseError } from '../src/kernel/errors.js';
import type { ShareRules } from '../domain/shares/share-capital.js';

/**
 * Gloux → gloux2: Gloux's own writes (its invoices, G9 payments and their allocations, a
 * cheque marked 'rejete' by hand…) become events of gloux2's log with metadata source 'gloux'.
 *
 * Detection needs no trigger and no change to Gloux's schema (MyISAM has no transactions):
 * each poll asks, with one indexed query per table, for the rows gloux2 does not know yet
 * (neither written by gloux2 — g2_legacy_map — nor imported — g2_legacy_ingested) and for
 * imported payments whose mutable state (etat, amount, allocations: the fingerprint) changed
 * since it was reconciled. Each batch is one transaction: events, id map, fingerprints, issues
 * and the checkpoint commit together. Stream ids are derived from Gloux ids and every new
 * stream is appended at version -1, so a row is imported exactly once whatever crashes or
 * runs concurrently; a retry recomputes the difference and finds none.
 */

export const INGEST_CHECKPOINT = {
  factures: 'gloux-ingest:factures',
  paiements: 'gloux-ingest:paiements',
} as const;

export type IngestTable = keyof typeof INGEST_CHECKPOINT;

export interface IngestCounts {
  invoices: number;
  creditNotes: number;
  payments: number;
  accounts: number;
  /** parts_sociales rows added or changed in Gloux, taken in. */
  shares: number;
  events: number;
  issues: number;
}

export interface BackfillProgress {
  readonly table: IngestTable;
  readonly done: number;
  readonly total: number;
}

const emptyCounts = (): IngestCounts => ({
  invoices: 0,
  creditNotes: 0,
  payments: 0,
  accounts: 0,
  shares: 0,
  events: 0,
  issues: 0,
});

function add(a: IngestCounts, b: IngestCounts): IngestCounts {
  return {
    invoices: a.invoices + b.invoices,
    creditNotes: a.creditNotes + b.creditNotes,
    payments: a.payments + b.payments,
    accounts: a.accounts + b.accounts,
    shares: a.shares + b.shares,
    events: a.events + b.events,
    issues: a.issues + b.issues,
  };
}

/** Appends to several streams in one command, each at the version it has now (then +n). */
class Appends {
  readonly list: AppendRequest[] = [];
  private readonly versions = new Map<string, number>();

  async add(tx: Tx, streamId: string, events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    let version = this.versions.get(streamId);
    if (version === undefined) {
      const [row] = await tx.query<{ v: unknown }>(
        `SELECT MAX(stream_version) AS v FROM g2_events WHERE stream_id = ?`,
        [streamId],
      );
      version = row?.v === null || row?.v === undefined ? -1 : Number(row.v);
    }
    this.list.push({ streamId, expectedVersion: version, events });
    this.versions.set(streamId, version + events.length);
  }

  /** Events of this batch not committed yet on a stream (to fold them into its state). */
  pending(streamId: string): NewEvent[] {
    return this.list.filter((r) => r.streamId === streamId).flatMap((r) => [...r.events]);
  }

  get eventCount(): number {
    return this.list.reduce((n, r) => n + r.events.length, 0);
  }
}

async function checkpointOf(q: Queryable, name: string): Promise<number> {
  const [row] = await q.query<{ position: unknown }>(
    `SELECT position FROM g2_checkpoints WHERE name = ?`,
    [name],
  );
  return Number(row?.position ?? 0);
}

async function setCheckpoint(tx: Tx, name: string, position: number, at: Date): Promise<void> {
  const { affected } = await tx.execute(
    `UPDATE g2_checkpoints SET position = ?, updated_at = ? WHERE name = ?`,
    [position, sqlTimestamp(at), name],
  );
  if (affected > 0) return;
  const [row] = await tx.query(`SELECT 1 AS x FROM g2_checkpoints WHERE name = ?`, [name]);
  if (!row)
    await tx.execute(`INSERT INTO g2_checkpoints (name, position, updated_at) VALUES (?, ?, ?)`, [
      name,
      position,
      sqlTimestamp(at),
    ]);
}

/** gloux2 ids of Gloux invoices (written by gloux2 or imported), by Gloux id. */
async function invoiceIdsByLegacy(
  q: Queryable,
  legacyIds: readonly number[],
): Promise<Map<number, string>> {
  if (legacyIds.length === 0) return new Map();
  const rows = await q.query<{ g2_id: string; legacy_id: unknown }>(
    `SELECT g2_id, legacy_id FROM g2_legacy_map WHERE kind = 'invoice' AND legacy_id IN (${legacyIds.map(() => '?').join(', ')})`,
    legacyIds,
  );
  return new Map(rows.map((r) => [Number(r.legacy_id), r.g2_id]));
}

const BLOCKED = (table: string, alias: string, column: string, extra = '') =>
  `NOT EXISTS (SELECT 1 FROM g2_legacy_issues i WHERE i.source_table = '${table}' AND i.legacy_id = ${alias}.${column} AND i.blocking = 1${extra})`;

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
        AND ${BLOCKED('factures', 'f', 'id_facture', ` AND i.code <> '${OLD_CREDIT_NOTE_BLOCK}'`)}
      ORDER BY f.id_facture LIMIT ${Math.floor(limit)}`,
    [afterId],
  );
  return rows.map((r) => Number(r.id));
}

/** Gloux payments to import (not gloux2's own, not pending) or whose state changed since. */
export async function paymentCandidates(
  q: Queryable,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const fp = paymentFingerprintSql(q);
  const differs =
    q.dialect === 'mysql'
      ? `CAST(g.fingerprint AS BINARY) <> CAST(${fp} AS BINARY)`
      : `g.fingerprint <> ${fp}`;
  const rows = await q.query<{ id: unknown }>(
    `SELECT p.id_paiement AS id FROM paiements p
       LEFT JOIN g2_legacy_ingested g ON g.source_table = 'paiements' AND g.legacy_id = p.id_paiement
      WHERE p.id_paiement > ?
        AND ((g.legacy_id IS NULL AND p.etat <> 'attente'
              AND NOT EXISTS (SELECT 1 FROM g2_legacy_map m WHERE m.kind = 'payment' AND m.legacy_id = p.id_paiement))
          OR (g.legacy_id IS NOT NULL AND ${differs}))
        AND ${BLOCKED('paiements', 'p', 'id_paiement')}
      ORDER BY p.id_paiement LIMIT ${Math.floor(limit)}`,
    [afterId],
  );
  return rows.map((r) => Number(r.id));
}

export class LegacyIngester {
  /** The first pass after start-up is a backfill (resumable, from the checkpoints). */
  private started = false;
  onProgress: ((p: BackfillProgress) => void) | undefined;
  private readonly flight = new SingleFlight(
    async () => {
      const n = this.started ? await this.poll() : await this.backfill(this.onProgress);
      this.started = true;
      return n;
    },
    add,
    emptyCounts,
  );

  get lastError(): { at: string; message: string } | null {
    return this.flight.lastError;
  }

  private readonly shareIngest: LegacyShareIngest;

  constructor(
    private readonly db: Db,
    private readonly pipeline: CommandPipeline,
    private readonly clock: Clock,
    private readonly batchSize = 200,
    shareRules: ShareRules = defaultShareRules,
  ) {
    this.shareIngest = new LegacyShareIngest(db, pipeline, clock, shareRules);
  }

  /** Coalesces wake-ups like the mirror: one poll at a time, one more if woken meanwhile. */
  wake(): Promise<IngestCounts> {
    return this.flight.wake();
  }

  /** Resolves once the poll under way (if any) has finished. */
  settled(): Promise<void> {
    return this.flight.settled();
  }

  /** Imports everything Gloux wrote that gloux2 does not know yet (invoices before payments). */
  async poll(): Promise<IngestCounts> {
    await this.db.run((q) => recordCounterBaselines(q, sqlTimestamp(this.clock.now())));
    let total = emptyCounts();
    for (const table of ['factures', 'paiements'] as const) {
      // Onwards from the last batch: a row left for later (an avoir whose invoice is not in yet,
      // a payment to look at again) is not fetched twice in one poll, whatever their number.
      let after = 0;
      for (;;) {
        const ids = await this.db.run((q) => this.candidates(q, table, after));
        const last = ids[ids.length - 1];
        if (last === undefined) break;
        total = add(total, await this.batch(table, ids, null));
        if (ids.length < this.batchSize) break;
        after = last;
      }
    }
    total = add(total, await this.shares());
    total = add(total, await this.accounts());
    return add(total, await this.handCancelled());
  }

  /** parts_sociales: Gloux's new rows and its changes to rows gloux2 holds (legacy-shares-ingest.ts). */
  private async shares(): Promise<IngestCounts> {
    return { ...emptyCounts(), ...(await this.shareIngest.poll()) };
  }

  /**
   * Invoices Gloux shows 'annulee' while gloux2 holds them due: cancelled by hand, without an
   * avoir covering them. An issued invoice is only cancelled by a credit note (docs/accounting.md §1),
   * so gloux2 does not follow: the import report names each one until a credit note (gloux2's,
   * or an avoir written in Gloux) cancels it or Gloux's status is put back.
   */
  private async handCancelled(): Promise<IngestCounts> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
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

  /**
   * Hosting accounts: Gloux's etat (G3's suspensions, an admin's edits) against the account
   * streams. Skipped while gloux2's own account events are not yet mirrored (Gloux's row would
   * still show the state before them), and for a row created in the last minutes (sign-up
   * writes the Gloux rows, then opens the account itself).
   */
  private async accounts(): Promise<IngestCounts> {
    const now = this.clock.now();
    const todo = await this.db.run((q) => this.accountChanges(q, now));
    if (todo.length === 0) return emptyCounts();
    const outcome = await this.pipeline.execute<IngestCounts>({
      commandType: 'IngestGlouxAccounts',
      actor: 'gloux',
      source: 'gloux',
      now,
      request: { accounts: todo.map((t) => t.row.accountId) },
      decide: async (tx) => {
        const counts = emptyCounts();
        const appends: AppendRequest[] = [];
        for (const c of await this.accountChanges(tx, now)) {
          if (c.issue) {
            counts.issues += 1;
            await recordIssue(tx, 'hebergements', Number(c.row.accountId), c.issue, false, now);
          }
          if (c.events.length === 0) continue;
          appends.push({
            streamId: accountStream(c.row.accountId),
            expectedVersion: c.version,
            events: c.events,
          });
          counts.accounts += 1;
          counts.events += c.events.length;
        }
        return { appends, result: counts };
      },
    });
    return outcome.result;
  }

  private async accountChanges(q: Queryable, now: Date) {
    if ((await unmirroredAccountEvents(q)) > 0) return [];
    const streams = await accountStreams(q);
    const today = this.clock.today();
    const recentRow = parisDateTimeOf(new Date(now.getTime() - 5 * 60_000));
    const recentEvent = sqlTimestamp(new Date(now.getTime() - 10_000));
    const out = [];
    for (const row of await readHostings(q)) {
      const s = streams.get(row.accountId);
      if (!s && row.createdAt > recentRow) continue;
      if (s && s.lastSource === 'g2' && s.lastAt > recentEvent) continue;
      const r = accountFromGloux(s?.state ?? initialAccountState(row.accountId), row, today);
      if (r.events.length > 0 || r.issue)
        out.push({ row, events: r.events, issue: r.issue, version: s?.version ?? -1 });
    }
    return out;
  }

  /**
   * The whole history, table by table in id order, from each table's checkpoint (so an
   * interrupted backfill resumes where it stopped); then a poll for what changed meanwhile.
   */
  async backfill(onProgress?: (p: BackfillProgress) => void): Promise<IngestCounts> {
    await this.db.run((q) => recordCounterBaselines(q, sqlTimestamp(this.clock.now())));
    let total = emptyCounts();
    for (const table of ['factures', 'paiements'] as const) {
      const name = INGEST_CHECKPOINT[table];
      let from = await this.db.run((q) => checkpointOf(q, name));
      const key = table === 'factures' ? 'id_facture' : 'id_paiement';
      const [count] = await this.db.query<{ n: unknown; m: unknown }>(
        `SELECT COUNT(*) AS n, MAX(${key}) AS m FROM ${table}`,
      );
      const [before] = await this.db.query<{ n: unknown }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${key} <= ?`,
        [from],
      );
      let done = Number(before?.n ?? 0);
      const all = Number(count?.n ?? 0);
      onProgress?.({ table, done, total: all });
      for (;;) {
        const ids = await this.db.run((q) => this.candidates(q, table, from));
        const last = ids[ids.length - 1];
        if (last === undefined) break;
        total = add(total, await this.batch(table, ids, name));
        const [n] = await this.db.query<{ n: unknown }>(
          `SELECT COUNT(*) AS n FROM ${table} WHERE ${key} > ? AND ${key} <= ?`,
          [from, last],
        );
        done += Number(n?.n ?? 0);
        from = last;
        onProgress?.({ table, done: Math.min(done, all), total: all });
      }
      const max = Number(count?.m ?? 0);
      if (max > from) {
        await this.db.transaction((tx) => setCheckpoint(tx, name, max, this.clock.now()));
      }
      onProgress?.({ table, done: all, total: all });
    }
    return add(total, await this.poll());
  }

  private candidates(q: Queryable, table: IngestTable, afterId: number): Promise<number[]> {
    return table === 'factures'
      ? invoiceCandidates(q, afterId, this.batchSize)
      : paymentCandidates(q, afterId, this.batchSize);
  }

  /**
   * One batch in one transaction; if it fails, row by row, and a row that fails on its own
   * is set aside with its error (a blocking issue) so it never stops the others.
   */
  private async batch(
    table: IngestTable,
    ids: readonly number[],
    checkpoint: string | null,
  ): Promise<IngestCounts> {
    try {
      return await this.run(table, ids, checkpoint);
    } catch (error) {
      // Another process (the CLI beside the app) imported the same rows first: nothing to do.
      if (error instanceof ConcurrencyError || isDuplicateKey(error)) {
        if (ids.length === 1) return emptyCounts();
      } else if (isTransientDatabaseError(error)) {
        throw error; // says nothing about the row: the next poll tries again
      } else if (ids.length === 1) {
        await this.db.run((q) =>
          recordIssue(
            q,
            table,
            ids[0]!,
            { code: 'error', message: `Import impossible : ${(error as Error).message}` },
            true,
            this.clock.now(),
          ),
        );
        return { ...emptyCounts(), issues: 1 };
      }
      let total = emptyCounts();
      for (const id of ids) total = add(total, await this.batch(table, [id], null));
      if (checkpoint)
        await this.db.transaction((tx) =>
          setCheckpoint(tx, checkpoint, ids[ids.length - 1]!, this.clock.now()),
        );
      return total;
    }
  }

  private async run(
    table: IngestTable,
    ids: readonly number[],
    checkpoint: string | null,
  ): Promise<IngestCounts> {
    const now = this.clock.now();
    const outcome = await this.pipeline.execute<IngestCounts>({
      commandType: table === 'factures' ? 'IngestGlouxInvoices' : 'IngestGlouxPayments',
      actor: 'gloux',
      source: 'gloux',
      now,
      request: { table, ids },
      decide: async (tx) => {
        const appends = new Appends();
        const counts =
          table === 'factures'
            ? await this.invoices(tx, ids, appends, now)
            : await this.payments(tx, ids, appends, now);
        if (checkpoint) await setCheckpoint(tx, checkpoint, ids[ids.length - 1]!, now);
        return { appends: appends.list, result: { ...counts, events: appends.eventCount } };
      },
    });
    return outcome.result;
  }

  private async invoices(
    tx: Tx,
    ids: readonly number[],
    appends: Appends,
    now: Date,
  ): Promise<IngestCounts> {
    const counts = emptyCounts();
    const rows = await readLegacyInvoices(tx, ids);
    const lines = await readLegacyLines(tx, ids);
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
        counts.creditNotes += await this.creditNote(tx, row, own, appends, issue, now);
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
      for (const n of r.notes) await issue(row.id, n, false);
      await appends.add(tx, invoiceStream(invoiceId), [r.event]);
      await tx.execute(
        `INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('invoice', ?, ?)`,
        [invoiceId, row.id],
      );
      await tx.execute(
        `INSERT INTO g2_legacy_ingested (source_table, legacy_id, g2_id, fingerprint, ingested_at) VALUES ('factures', ?, ?, '', ?)`,
        [row.id, invoiceId, sqlTimestamp(now)],
      );
      counts.invoices += 1;
    }
    return counts;
  }

  /**
   * An avoir written in Gloux: a CreditNoteIssued (source gloux) on the stream of the invoice it
   * cites, with its Gloux number, and the paid part it releases as the customer's credit, as
   * gloux2's own credit notes do. Returns 1 when imported. An avoir citing an invoice gloux2
   * will never have is set aside (blocking issue); one whose invoice may still come is looked
   * at again next time.
   */
  private async creditNote(
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
    const origin = replayInvoice(history as unknown as InvoiceEvent[]);
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
    await reserveCreditNoteNumber(tx, d.number);
    return 1;
  }

  private async payments(
    tx: Tx,
    ids: readonly number[],
    appends: Appends,
    now: Date,
  ): Promise<IngestCounts> {
    const counts = emptyCounts();
    const rows = await readLegacyPayments(tx, ids);
    const allocations = await readLegacyAllocations(tx, ids);
    const fp = paymentFingerprintSql(tx);
    const fingerprints = new Map(
      (
        await tx.query<{ id: unknown; fp: unknown }>(
          `SELECT p.id_paiement AS id, ${fp} AS fp FROM paiements p WHERE p.id_paiement IN (${ids.map(() => '?').join(', ')})`,
          ids,
        )
      ).map((r) => [Number(r.id), String(r.fp ?? '')]),
    );
    const invoiceIds = await invoiceIdsByLegacy(tx, [
      ...new Set(allocations.map((a) => a.invoiceId)),
    ]);
    // What this batch already allocated, per invoice (the read models see it after commit).
    const pendingPaid = new Map<string, Money>();
    const today = this.clock.today();
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
}

/**
 * An avoir Gloux numbered in gloux2's own credit-note series (A<year>-NNNNNN, a counter Gloux
 * never draws from: typed by hand) keeps its number, and the counter moves past it so gloux2
 * never draws it again. F-series avoirs come from Gloux's facture_<year> counter (G1) like its
 * invoices, and the series' chronology already reads them from factures.
 */
async function reserveCreditNoteNumber(tx: Tx, number: string): Promise<void> {
  const m = /^A(\d{4})-(\d{6})$/.exec(number);
  if (!m) return;
  const counter = `avoir_${m[1]}`;
  const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  await tx.execute(`${insert} INTO compteurs (nom, valeur) VALUES (?, 0)`, [counter]);
  await tx.execute(`UPDATE compteurs SET valeur = ? WHERE nom = ? AND valeur < ?`, [
    Number(m[2]),
    counter,
    Number(m[2]),
  ]);
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
