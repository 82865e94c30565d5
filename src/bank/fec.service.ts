import { Inject, Injectable } from '@nestjs/common';
import {
  ACCOUNTS,
  exportFileName,
  fecRows,
  GeneralLedger,
  isBalanced,
  journalTotals,
  type Account,
  type LedgerEntry,
} from '../../domain/bank/fec.js';
import type { ClosedJournal } from '../../domain/books/events.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import { DomainError } from '../../domain/shared/errors.js';
import { fiscalYearBounds, fiscalYearOf } from '../../domain/shared/fiscal-year.js';
import { Money } from '../../domain/shared/money.js';
import { listProducts } from '../../legacy-sync/legacy-catalogue.js';
import { findCustomers } from '../../legacy-sync/legacy-gateway.js';
import { findTiersByIds } from '../../legacy-sync/legacy-shares.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, SELLER_IDENTITY, type AppConfig } from '../kernel/config.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { readAllBatches } from '../kernel/event-store/event-store.js';

/** ISO-8859-15 differs from Latin-1 at eight places; anything else outside it becomes "?". */
const LATIN9: Record<string, number> = {
  '€': 0xa4,
  Š: 0xa6,
  š: 0xa8,
  Ž: 0xb4,
  ž: 0xb8,
  Œ: 0xbc,
  œ: 0xbd,
  Ÿ: 0xbe,
};
const LATIN1_ONLY = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);

/** The FEC's text in ISO-8859-15 (the encodings art. A47 A-1 accepts are ASCII, ISO 8859-15, EBCDIC). */
export function latin9(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text.normalize('NFC').replace(/[‘’]/g, "'").replace(/[“”]/g, '"')) {
    const code = ch.codePointAt(0)!;
    out[n++] = LATIN9[ch] ?? (code < 0x100 && !LATIN1_ONLY.has(code) ? code : 0x3f);
  }
  return out.subarray(0, n);
}

export interface FecSummary {
  fiscalYear: number;
  first: string;
  last: string;
  fileName: string;
  entries: number;
  lines: number;
  debit: string;
  credit: string;
  balanced: boolean;
  accounts: { account: string; label: string; debit: string; credit: string }[];
  years: number[];
  /** The closing of the year (null: open, its entries provisional and not validated). */
  closing: { closedOn: string; journals: readonly ClosedJournal[] } | null;
  /** False when a closed year's entries no longer add up to what its closing persisted. */
  closingHolds: boolean;
  journals: ClosedJournal[];
}

export interface FecExport {
  summary: FecSummary;
  content: Buffer;
}

/** The persisted export of a closed year (`g2_closed_exports`), if its closing wrote one. */
async function closedExport(q: Queryable, fiscalYear: number): Promise<FecExport | null> {
  const [row] = await q.query<{ content: string; summary: string }>(
    `SELECT content, summary FROM g2_closed_exports WHERE fiscal_year = ?`,
    [fiscalYear],
  );
  return row
    ? {
        content: Buffer.from(row.content, 'base64'),
        summary: JSON.parse(row.summary) as FecSummary,
      }
    : null;
}

/** Persists a closed year's export, in the closing's transaction: written once, never changed. */
export async function persistClosedExport(
  q: Queryable,
  closingId: string,
  file: FecExport,
  at: string,
): Promise<void> {
  await q.execute(
    `INSERT INTO g2_closed_exports (fiscal_year, closing_id, file_name, content, summary, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [
      file.summary.fiscalYear,
      closingId,
      file.summary.fileName,
      file.content.toString('base64'),
      JSON.stringify(file.summary),
      at,
    ],
  );
}

/** The entries of a fiscal year for the accounting software, from the whole log (docs/fec.md). */
@Injectable()
export class FecService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SELLER_IDENTITY) private readonly seller: SellerIdentity,
  ) {}

  fiscalYear(input?: string | number): number {
    if (input === undefined || input === '')
      return fiscalYearOf(this.clock.today(), this.config.fiscalYearStart) - 1;
    const fy = Number(input);
    if (!Number.isInteger(fy) || fy < 1990 || fy > 2200)
      throw new DomainError('invalid_input', 'Exercice invalide (ex. 2026).', 'exercice');
    return fy;
  }

  /** Replays the log into the ledger, reporting progress (events read so far). */
  private ledger(onProgress?: (events: number) => void): Promise<GeneralLedger> {
    return this.db.run((q) => this.ledgerIn(q, onProgress));
  }

  /** The ledger of the log as `q` sees it (the closing reads it in its own transaction). */
  async ledgerIn(q: Queryable, onProgress?: (events: number) => void): Promise<GeneralLedger> {
    // Gloux's catalogue gives each line its revenue account (706x, docs/accounting.md §7).
    const productTypes = new Map((await listProducts(q)).map((p) => [p.productId, p.type]));
    const ledger = new GeneralLedger(this.config.fiscalYearStart, productTypes);
    let count = 0;
    for await (const batch of readAllBatches(q, 0, 2000)) {
      for (const e of batch) ledger.apply(e);
      count += batch.length;
      onProgress?.(count);
    }
    return ledger;
  }

  private async auxLabels(
    q: Queryable,
    entries: readonly LedgerEntry[],
  ): Promise<Map<string, string>> {
    const aux = new Set(entries.flatMap((x) => x.lines.map((l) => l.aux)).filter((a) => a));
    const customers = [...aux].filter((a) => a.startsWith('C')).map((a) => a.slice(1));
    const tiers = [...aux].filter((a) => a.startsWith('T')).map((a) => a.slice(1));
    const labels = new Map<string, string>();
    for (const c of await findCustomers(q, customers)) labels.set(`C${c.customerId}`, c.name);
    for (const [id, t] of await findTiersByIds(q, tiers)) labels.set(`T${id}`, t.name);
    return labels;
  }

  /** The file and summary of a fiscal year from `ledger` (names of the accounts read by `q`). */
  async render(q: Queryable, ledger: GeneralLedger, fiscalYear: number): Promise<FecExport> {
    const entries = ledger.entriesOf(fiscalYear);
    const labels = await this.auxLabels(q, entries);
    const rows = [...fecRows(entries, (aux) => labels.get(aux) ?? aux)];
    return {
      summary: this.summary(fiscalYear, entries, ledger),
      content: latin9(`${rows.join('\r\n')}\r\n`),
    };
  }

  /**
   * A fiscal year's file: a closed year's as its closing persisted it (a later fact, code
   * change or renamed member never alters it), an open year's from the log as it is now.
   */
  async export(input?: string | number, onProgress?: (events: number) => void): Promise<FecExport> {
    const fiscalYear = this.fiscalYear(input);
    const ledger = await this.ledger(onProgress);
    const frozen = await this.db.run((q) => closedExport(q, fiscalYear));
    if (!frozen) return this.db.run((q) => this.render(q, ledger, fiscalYear));
    const live = journalTotals(ledger.entriesOf(fiscalYear));
    return {
      content: frozen.content,
      summary: {
        ...frozen.summary,
        years: this.years(ledger, fiscalYear),
        // The file is the closing's; the flag says the log, replayed today, disagrees with it.
        closingHolds: JSON.stringify(frozen.summary.journals) === JSON.stringify(live),
      },
    };
  }

  /** The years the page offers: those with entries, and the one asked for. */
  private years(ledger: GeneralLedger, fiscalYear: number): number[] {
    const years = ledger.years();
    return years.includes(fiscalYear) ? years : [...years, fiscalYear].sort();
  }

  private summary(fiscalYear: number, entries: LedgerEntry[], ledger: GeneralLedger): FecSummary {
    const closing = ledger.closingOf(fiscalYear);
    const journals = journalTotals(entries);
    const { first, last } = fiscalYearBounds(fiscalYear, this.config.fiscalYearStart);
    const byAccount = new Map<Account, { debit: Money; credit: Money }>();
    for (const x of entries)
      for (const l of x.lines) {
        const a = byAccount.get(l.account) ?? { debit: Money.ZERO, credit: Money.ZERO };
        byAccount.set(l.account, { debit: a.debit.plus(l.debit), credit: a.credit.plus(l.credit) });
      }
    const lines = entries.flatMap((x) =>
      x.lines.filter((l) => !l.debit.isZero() || !l.credit.isZero()),
    );
    const debit = Money.sum(lines.map((l) => l.debit));
    const credit = Money.sum(lines.map((l) => l.credit));
    return {
      fiscalYear,
      first,
      last,
      fileName: exportFileName(this.seller.siren, last),
      entries: entries.length,
      lines: lines.length,
      debit: debit.toString(),
      credit: credit.toString(),
      balanced: entries.every(isBalanced) && debit.equals(credit),
      accounts: [...byAccount]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([account, t]) => ({
          account,
          label: ACCOUNTS[account],
          debit: t.debit.toString(),
          credit: t.credit.toString(),
        })),
      years: this.years(ledger, fiscalYear),
      closing: closing && { closedOn: closing.closedOn, journals: closing.journals },
      closingHolds:
        closing === null || JSON.stringify(closing.journals) === JSON.stringify(journals),
      journals,
    };
  }
}
