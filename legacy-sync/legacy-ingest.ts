import type { Clock } from '../src/kernel/clock.js';
import { isDuplicateKey, type Db, type Queryable, type Tx } from '../src/kernel/database/db.js';
import type { CommandPipeline } from '../src/kernel/event-store/command-pipeline.js';
import { ConcurrencyError, sqlTimestamp } from '../src/kernel/event-store/event-store.js';
import { defaultShareRules } from '../src/kernel/config.js';
import { isTransientDatabaseError } from '../src/kernel/errors.js';
import type { ShareRules } from '../domain/shares/share-capital.js';
import { recordCounterBaselines } from './legacy-drift.js';
import { recordIssue } from './legacy-issues.js';
import { recordAbandonedDraws } from './legacy-number-gaps.js';
import { SingleFlight } from './single-flight.js';
import {
  correctionCandidates,
  importCorrections,
  importInvoices,
  invoiceCandidates,
  reportHandCancelled,
} from './ingest/factures-ingest.js';
import { LegacyAccountAdoption } from './ingest/hebergements-ingest.js';
import {
  addCounts as add,
  Appends,
  emptyCounts,
  type BatchContext,
  type IngestCounts,
} from './ingest/ingest-batch.js';
import { importPayments, paymentCandidates } from './ingest/paiements-ingest.js';
import { LegacyShareIngest } from './ingest/parts-sociales-ingest.js';

export type { IngestCounts } from './ingest/ingest-batch.js';

/**
 * Gloux → gloux2: Gloux's own writes (its invoices, G9 payments and their allocations, a
 * cheque marked 'rejete' by hand, its shares, its account states…) become events of gloux2's
 * log with metadata source 'gloux'. This file is the runner (poll, batches, retry, checkpoints);
 * each Gloux table has its importer in ingest/.
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

/** factures_lignes: the lines of invoices already taken in, changed in Gloux since. */
export type IngestTable = keyof typeof INGEST_CHECKPOINT | 'factures_lignes';

export interface BackfillProgress {
  readonly table: keyof typeof INGEST_CHECKPOINT;
  readonly done: number;
  readonly total: number;
}

/** The id-ordered tables the runner walks in batches, with their importer. */
const TABLES: Record<
  IngestTable,
  {
    readonly key: string;
    readonly commandType: string;
    readonly candidates: (q: Queryable, afterId: number, limit: number) => Promise<number[]>;
    readonly importBatch: (batch: BatchContext) => Promise<IngestCounts>;
  }
> = {
  factures: {
    key: 'id_facture',
    commandType: 'IngestGlouxInvoices',
    candidates: invoiceCandidates,
    importBatch: importInvoices,
  },
  factures_lignes: {
    key: 'id_facture',
    commandType: 'IngestGlouxInvoiceLines',
    candidates: correctionCandidates,
    importBatch: importCorrections,
  },
  paiements: {
    key: 'id_paiement',
    commandType: 'IngestGlouxPayments',
    candidates: paymentCandidates,
    importBatch: importPayments,
  },
};

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
  private readonly accounts: LegacyAccountAdoption;

  constructor(
    private readonly db: Db,
    private readonly pipeline: CommandPipeline,
    private readonly clock: Clock,
    private readonly batchSize = 200,
    shareRules: ShareRules = defaultShareRules,
    private readonly linesDelayMs = 600_000,
  ) {
    this.shareIngest = new LegacyShareIngest(db, pipeline, clock, shareRules);
    this.accounts = new LegacyAccountAdoption(db, pipeline, clock);
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
    // First poll of a start (the backfill ends with one): what a killed process drew is a gap.
    await recordAbandonedDraws(this.db, this.clock.now());
    await this.db.run((q) => recordCounterBaselines(q, sqlTimestamp(this.clock.now())));
    let total = emptyCounts();
    for (const table of ['factures', 'factures_lignes', 'paiements'] as const) {
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
    total = add(total, await this.shareIngest.poll());
    total = add(total, await this.accounts.poll());
    return add(total, await reportHandCancelled(this.db, this.clock.now()));
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
      const key = TABLES[table].key;
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
    return TABLES[table].candidates(q, afterId, this.batchSize);
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
    const today = this.clock.today();
    const outcome = await this.pipeline.execute<IngestCounts>({
      commandType: TABLES[table].commandType,
      actor: 'gloux',
      source: 'gloux',
      now,
      request: { table, ids },
      decide: async (tx) => {
        const appends = new Appends();
        const counts = await TABLES[table].importBatch({
          tx,
          ids,
          appends,
          now,
          today,
          linesDelayMs: this.linesDelayMs,
        });
        if (checkpoint) await setCheckpoint(tx, checkpoint, ids[ids.length - 1]!, now);
        return { appends: appends.list, result: { ...counts, events: appends.eventCount } };
      },
    });
    return outcome.result;
  }
}
