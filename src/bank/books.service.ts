import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { journalTotals } from '../../domain/bank/fec.js';
import {
  BOOKS_STREAM,
  type ClosedJournal,
  type FiscalYearClosed,
  type VatMonthDeclared,
} from '../../domain/books/events.js';
import {
  decideCloseFiscalYear,
  decideDeclareVatMonth,
  type PeriodLocks,
} from '../../domain/books/period-lock.js';
import { formatMonthFr, monthOf, monthsBetween } from '../../domain/overage/months.js';
import { DomainError } from '../../domain/shared/errors.js';
import { fiscalYearBounds } from '../../domain/shared/fiscal-year.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { Db, type Tx } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { lastPosition, sqlTimestamp } from '../kernel/event-store/event-store.js';
import { loadPeriodLocks, redatedWrites, type RedatedWrite } from '../kernel/period-lock.js';
import { FecService, persistClosedExport } from './fec.service.js';

export interface ClosingPreview {
  fiscalYear: number;
  first: string;
  last: string;
  closedOn: string | null;
  /** Why the year cannot be closed now (French), or null. */
  refusal: string | null;
  journals: ClosedJournal[];
  entries: number;
  /** Deferred revenue (487) booked on the last day, and taken back the next first day. */
  deferred: string;
  /** The VAT months of the year, declared or not. */
  vatMonths: { month: string; label: string; declared: boolean }[];
  redated: RedatedWrite[];
}

/** Blocks every append until the caller's transaction ends: nothing slips in while closing. */
async function holdAppends(tx: Tx): Promise<void> {
  if (tx.dialect === 'mysql')
    await tx.query(`SELECT last_position FROM g2_append_lock WHERE id = 1 FOR UPDATE`);
  else await tx.execute(`UPDATE g2_append_lock SET last_position = last_position WHERE id = 1`);
}

/** The closing act and the VAT declarations (docs/accounting.md §7). */
@Injectable()
export class BooksService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(FecService) private readonly fec: FecService,
  ) {}

  private decideCloseAssembly(
    locks: PeriodLocks,
    fiscalYear: number,
    through = 0,
    journals: ClosedJournal[] = [],
  ) {
    return decideCloseFiscalYear(locks, {
      closingId: randomUUID(),
      fiscalYear,
      today: this.clock.today(),
      fiscalYearStart: this.config.fiscalYearStart,
      throughPosition: through,
      journals,
    });
  }

  /** What closing the year would do (or did): the page's confirmation summary. */
  async preview(input?: string | number): Promise<ClosingPreview> {
    const fiscalYear = this.fec.fiscalYear(input);
    const { first, last } = fiscalYearBounds(fiscalYear, this.config.fiscalYearStart);
    return this.db.run(async (q) => {
      const locks = await loadPeriodLocks(q);
      const ledger = await this.fec.ledgerIn(q);
      const entries = ledger.entriesOf(fiscalYear);
      let refusal: string | null = null;
      try {
        this.decideCloseAssembly(locks, fiscalYear);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error.message;
      }
      return {
        fiscalYear,
        first,
        last,
        closedOn: ledger.closingOf(fiscalYear)?.closedOn ?? null,
        refusal,
        journals: journalTotals(entries),
        entries: entries.length,
        deferred: ledger.deferredRevenue(fiscalYear).toString(),
        vatMonths: monthsBetween(monthOf(first), monthOf(last)).map((month) => ({
          month,
          label: formatMonthFr(month),
          declared: locks.declaredMonths.includes(month),
        })),
        redated: await redatedWrites(q),
      };
    });
  }

  /**
   * Closes the fiscal year: its entries (those of the log so far, read while no append can
   * commit) are numbered for good, validated today, the deferred revenue booked, the year locked.
   */
  async close(input: string | number, actor: string): Promise<FiscalYearClosed['data']> {
    // Never a default year: closing is for good.
    if (input === '')
      throw new DomainError('invalid_input', 'Exercice manquant (ex. 2025).', 'exercice');
    const fiscalYear = this.fec.fiscalYear(input);
    const outcome = await this.pipeline.execute({
      commandType: 'CloseFiscalYear',
      actor,
      now: this.clock.now(),
      request: { fiscalYear },
      decide: async (tx) => {
        await holdAppends(tx);
        const locks = await loadPeriodLocks(tx);
        this.decideCloseAssembly(locks, fiscalYear); // refused before reading the whole log
        const through = await lastPosition(tx);
        const ledger = await this.fec.ledgerIn(tx);
        const event = this.decideCloseAssembly(
          locks,
          fiscalYear,
          through,
          journalTotals(ledger.entriesOf(fiscalYear)),
        );
        // The year's file as closed, kept as is: nothing later may change what was handed over.
        ledger.apply(event);
        const file = await this.fec.render(tx, ledger, fiscalYear);
        await persistClosedExport(tx, event.data.closingId, file, sqlTimestamp(this.clock.now()));
        return {
          appends: [{ streamId: BOOKS_STREAM, expectedVersion: 'any', events: [event] }],
          result: event.data,
        };
      },
    });
    return outcome.result;
  }

  /** The CA3 of `month` was filed: nothing may be dated in it any more. */
  async declareVatMonth(
    month: string,
    reference: string,
    actor: string,
  ): Promise<VatMonthDeclared['data']> {
    const outcome = await this.pipeline.execute({
      commandType: 'DeclareVatMonth',
      actor,
      now: this.clock.now(),
      request: { month, reference },
      decide: async (tx) => {
        const event = decideDeclareVatMonth(await loadPeriodLocks(tx), {
          month,
          today: this.clock.today(),
          reference,
        });
        return {
          appends: [{ streamId: BOOKS_STREAM, expectedVersion: 'any', events: [event] }],
          result: event.data,
        };
      },
    });
    return outcome.result;
  }
}
