import { Inject, Injectable } from '@nestjs/common';
import { daysBetween, parseDay, type Day } from '../../domain/shared/day.js';
import { DomainError, parseField } from '../../domain/shared/errors.js';
import { fiscalYearBounds, fiscalYearOf } from '../../domain/shared/fiscal-year.js';
import { CASH_METHODS, type ReceiptMethod } from '../../domain/treasury/treasury.js';
import {
  isExportFormat,
  type ExportFormat,
  type ReportDocument,
} from '../../reports/report-document.js';
import {
  allocationDocument,
  allocationProducts,
  cardListing,
  cardListingDocument,
  receiptsDetail,
  receiptsDocument,
  receiptsRecap,
  revenueChartSvg,
  revenueDocument,
  revenueReport,
  vatDocument,
  vatRateHistory,
  vatRatesDocument,
  vatReport,
  type Period,
  type RecapBy,
} from '../../reports/treasury-reports.js';
import {
  revenueLines,
  type MovementRow,
  type RevenueLineRow,
} from '../../projections/treasury/treasury.queries.js';
import { Clock } from '../kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';

/** The treasurer's reports by name, as the CLI and the export routes call them. */
export const TREASURY_REPORTS = [
  'cartes',
  'encaissements',
  'chiffre-affaires',
  'repartition',
  'tva',
  'taux-tva',
] as const;
export type TreasuryReportName = (typeof TREASURY_REPORTS)[number];

export function isTreasuryReport(s: unknown): s is TreasuryReportName {
  return typeof s === 'string' && (TREASURY_REPORTS as readonly string[]).includes(s);
}

/** Raw query parameters (French names on pages; the CLI maps its flags onto them). */
export interface ReportQuery {
  du?: unknown;
  au?: unknown;
  exercice?: unknown;
  par?: unknown;
  mode?: unknown;
  produit?: unknown;
}

/** Movements listed on the receipts page (the export has every one). */
export const PAGE_DETAIL_LIMIT = 1000;

const METHOD_PARAMS: Readonly<Record<string, ReceiptMethod>> = {
  cheque: 'cheque',
  carte: 'card',
  virement: 'transfer',
  especes: 'cash',
  autre: 'other',
  credit: 'credit',
};

/** Input checks (French errors naming the field) and the data of each treasury page. */
@Injectable()
export class TreasuryPages {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The period asked (du, au), or the default: from `defaultFrom` to today. */
  period(query: ReportQuery, defaultFrom: 'month' | 'fiscal-year'): Period {
    const today = this.clock.today();
    const fallback =
      defaultFrom === 'month'
        ? `${today.slice(0, 8)}01`
        : fiscalYearBounds(
            fiscalYearOf(today, this.config.fiscalYearStart),
            this.config.fiscalYearStart,
          ).first;
    const day = (v: unknown, field: string, dflt: Day) =>
      v === undefined || v === ''
        ? dflt
        : parseField(
            field,
            () => parseDay(v),
            `La date « ${field} » doit être un jour réel au format AAAA-MM-JJ.`,
          );
    const from = day(query.du, 'du', fallback);
    const to = day(query.au, 'au', defaultFrom === 'month' ? today : this.fiscalYearEnd(today));
    if (to < from)
      throw new DomainError('invalid_input', 'La date de fin précède la date de début.', 'au');
    return { from, to };
  }

  private fiscalYearEnd(today: Day): Day {
    const start = this.config.fiscalYearStart;
    return fiscalYearBounds(fiscalYearOf(today, start), start).last;
  }

  fiscalYear(v: unknown): number {
    if (v === undefined || v === '')
      return fiscalYearOf(this.clock.today(), this.config.fiscalYearStart);
    if (typeof v !== 'string' || !/^\d{4}$/.test(v))
      throw new DomainError(
        'invalid_input',
        'L’exercice doit être une année sur quatre chiffres (ex. 2026).',
        'exercice',
      );
    return Number(v);
  }

  by(v: unknown, period: Period): RecapBy {
    if (v === undefined || v === '')
      return daysBetween(period.from, period.to) > 62 ? 'month' : 'day';
    if (v === 'jour') return 'day';
    if (v === 'mois') return 'month';
    throw new DomainError('invalid_input', 'Regroupement inconnu : « jour » ou « mois ».', 'par');
  }

  method(v: unknown): ReceiptMethod | null {
    if (v === undefined || v === '') return null;
    const m = METHOD_PARAMS[String(v)];
    if (!m)
      throw new DomainError(
        'invalid_input',
        'Mode inconnu : cheque, carte, virement, especes, autre ou credit.',
        'mode',
      );
    return m;
  }

  product(v: unknown): string | null {
    if (v === undefined || v === '') return null;
    if (typeof v !== 'string' || !/^[a-z0-9_]{1,20}$/.test(v))
      throw new DomainError('invalid_input', 'Produit inconnu.', 'produit');
    return v;
  }

  format(v: unknown): ExportFormat {
    if (!isExportFormat(v))
      throw new DomainError('invalid_input', 'Format inconnu : xlsx, ods ou csv.', 'format');
    return v;
  }

  async cards(query: ReportQuery) {
    return cardListing(this.db, this.period(query, 'month'));
  }

  async receipts(query: ReportQuery) {
    const period = this.period(query, 'month');
    const by = this.by(query.par, period);
    const method = this.method(query.mode);
    const recap = await receiptsRecap(this.db, period, by);
    // The page shows the first movements; the exports hold them all (streamed).
    const detail: MovementRow[] = [];
    let truncated = false;
    for await (const m of receiptsDetail(this.db, period, method ? [method] : undefined)) {
      if (detail.length === PAGE_DETAIL_LIMIT) {
        truncated = true;
        break;
      }
      detail.push(m);
    }
    return { ...recap, method, methods: [...CASH_METHODS, 'credit'], detail, truncated };
  }

  async revenue(query: ReportQuery) {
    const period = this.period(query, 'fiscal-year');
    const product = this.product(query.produit);
    const report = await revenueReport(this.db, period);
    let lines: RevenueLineRow[] | null = null;
    let truncated = false;
    if (product !== null) {
      if (!report.byProduct.some((p) => p.productKey === product))
        throw new DomainError('not_found', 'Aucune ligne de ce produit sur la période.', 'produit');
      lines = [];
      for await (const l of revenueLines(this.db, period, product)) {
        if (lines.length === PAGE_DETAIL_LIMIT) {
          truncated = true;
          break;
        }
        lines.push(l);
      }
    }
    return {
      ...report,
      chart: revenueChartSvg(report),
      product,
      productLabel: report.byProduct.find((p) => p.productKey === product)?.label ?? null,
      lines,
      truncated,
    };
  }

  async allocationProducts(query: ReportQuery) {
    return allocationProducts(this.db, this.fiscalYear(query.exercice));
  }

  async vat(query: ReportQuery) {
    return vatReport(this.db, this.period(query, 'fiscal-year'));
  }

  async vatRates() {
    return { rates: await vatRateHistory(this.db) };
  }

  /** A report as a file; inputs are checked before anything is written. */
  async document(report: TreasuryReportName, query: ReportQuery): Promise<ReportDocument> {
    switch (report) {
      case 'cartes':
        return cardListingDocument(this.db, this.period(query, 'month'));
      case 'encaissements': {
        const period = this.period(query, 'month');
        return receiptsDocument(this.db, period, this.by(query.par, period));
      }
      case 'chiffre-affaires':
        return revenueDocument(this.db, this.period(query, 'fiscal-year'));
      case 'repartition':
        return allocationDocument(
          this.db,
          this.fiscalYear(query.exercice),
          this.product(query.produit),
        );
      case 'tva':
        return vatDocument(this.db, this.period(query, 'fiscal-year'));
      case 'taux-tva':
        return vatRatesDocument(this.db);
    }
  }
}
