import { Controller, Get, Inject, Param, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { exportHeaders, writeReport } from '../../reports/export-report.js';
import type { AllocationDetailRow } from '../../projections/treasury/treasury.queries.js';
import type { RowSlice } from '../../projections/payment-allocation/payment-allocation.queries.js';
import { BillingQueries, type AllocationPage } from '../billing/billing-queries.js';
import { PAGE_SIZE, pageHref, pager, requestedPage, type Pager } from '../panel/pagination.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import { Clock } from '../kernel/clock.js';
import { daysBetween } from '../../domain/shared/day.js';
import {
  isTreasuryReport,
  TREASURY_REPORTS,
  TreasuryPages,
  type ReportQuery,
} from './treasury-pages.service.js';
import { Staff } from '../auth/access.decorators.js';

/**
 * The treasurer's pages under /tresorerie, their JSON under /api/tresorerie, and every report
 * as a file: /tresorerie/<report>.xlsx|.ods|.csv with the page's parameters (streamed).
 */
@Staff()
@Controller()
export class TreasuryController {
  constructor(
    @Inject(TreasuryPages) private readonly pages: TreasuryPages,
    @Inject(BillingQueries) private readonly billing: BillingQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Invoices past their due date and still due, the oldest due first, one page at a time. */
  private async overdue(pageInput: unknown) {
    const today = this.clock.today();
    const summary = await this.billing.overdueSummary(today);
    const paging = pager(
      requestedPage(pageInput),
      summary.count,
      pageHref('/tresorerie/impayes', {}),
    );
    const invoices = await this.billing.overdue(today, {
      limit: paging.pageSize,
      offset: paging.offset,
    });
    return {
      today,
      count: summary.count,
      total: summary.total,
      pager: paging,
      invoices: invoices.map((i) => ({ ...i, daysLate: daysBetween(i.dueOn, today) })),
    };
  }

  @Get('/tresorerie/impayes')
  @Render('treasury-overdue')
  async overduePage(@Query('page') page?: string) {
    return { title: 'Factures échues impayées', ...(await this.overdue(page)) };
  }

  @Get('/api/tresorerie/impayes')
  overdueData(@Query('page') page?: string) {
    return this.overdue(page);
  }

  @Get('/tresorerie/cartes')
  @Render('treasury-cards')
  async cardsPage(@Query() query: ReportQuery) {
    const data = await this.pages.cards(query);
    return { title: 'Paiements par carte par jour', query: queryString(data.period), ...data };
  }

  @Get('/api/tresorerie/cartes')
  cards(@Query() query: ReportQuery) {
    return this.pages.cards(query);
  }

  @Get('/tresorerie/encaissements')
  @Render('treasury-receipts')
  async receiptsPage(@Query() query: ReportQuery) {
    const data = await this.pages.receipts(query);
    return {
      title: 'Encaissements',
      query: `${queryString(data.period)}&par=${data.by === 'day' ? 'jour' : 'mois'}`,
      ...data,
    };
  }

  @Get('/api/tresorerie/encaissements')
  receipts(@Query() query: ReportQuery) {
    return this.pages.receipts(query);
  }

  @Get('/tresorerie/chiffre-affaires')
  @Render('treasury-revenue')
  async revenuePage(@Query() query: ReportQuery) {
    const data = await this.pages.revenue(query);
    return { title: 'Chiffre d’affaires par produit', query: queryString(data.period), ...data };
  }

  @Get('/api/tresorerie/chiffre-affaires')
  async revenue(@Query() query: ReportQuery) {
    // The chart is for the page; the JSON has its figures.
    return { ...(await this.pages.revenue(query)), chart: undefined };
  }

  @Get('/tresorerie/repartition')
  @Render('allocation')
  async allocationPage(@Query() query: ReportQuery & { page?: unknown }) {
    const data = await this.allocationData(query, requestedPage(query.page));
    return { title: `Répartition N-1 / N / N+1 — exercice ${data.fiscalYear}`, ...data };
  }

  /** Every row of the year, or one page of them with `?page=` (totals over the year either way). */
  @Get('/api/tresorerie/repartition')
  allocation(@Query() query: ReportQuery & { page?: unknown }) {
    const page = query.page === undefined ? null : requestedPage(query.page);
    return this.allocationData(query, page);
  }

  /**
   * The allocation page's data. With a page, the payments (or the chosen product's rows) are
   * that page only: a large year is read and rendered a hundred rows at a time; the totals
   * are over the whole year either way.
   */
  private async allocationData(query: ReportQuery, page: number | null) {
    const product = this.pages.product(query.produit);
    const fy = this.pages.fiscalYear(query.exercice);
    const year = String(fy);
    const byProduct = await this.pages.allocationProducts({ exercice: year });
    if (product !== null && !byProduct.products.some((p) => p.productKey === product))
      throw new DomainError(
        'not_found',
        `Aucun encaissement de ce produit sur l’exercice ${fy}.`,
        'produit',
      );
    const href = pageHref('/tresorerie/repartition', { exercice: year, produit: product });
    // A page past the end (the list shrank, a hand-typed link) shows the last one.
    const paged = async <T extends { rowCount: number }>(
      p: number,
      read: (slice: RowSlice) => Promise<T>,
    ): Promise<{ data: T; pager: Pager }> => {
      const size = this.config.pageSize ?? PAGE_SIZE;
      const first = await read({ offset: (p - 1) * size, limit: size });
      const at = pager(p, first.rowCount, href, size);
      const data = at.page === p ? first : await read({ offset: at.offset, limit: size });
      return { data, pager: at };
    };
    let all: AllocationPage;
    let productDetail: AllocationDetailRow[] | null = null;
    let paging: Pager | null = null;
    if (page === null) {
      all = await this.billing.allocation(year);
      if (product !== null) {
        productDetail = await this.billing.allocationDetail(fy, product);
      }
    } else if (product === null) {
      ({ data: all, pager: paging } = await paged(page, (s) => this.billing.allocation(year, s)));
    } else {
      // The product view lists that product's rows instead of the payments: totals only.
      all = await this.billing.allocation(year, { offset: 0, limit: 0 });
      const detail = await paged(page, (s) =>
        this.billing.allocationDetailPage(fy, product, s.offset, s.limit),
      );
      productDetail = detail.data.rows;
      paging = detail.pager;
    }
    return {
      ...all,
      byProduct,
      product,
      productLabel: byProduct.products.find((p) => p.productKey === product)?.label ?? null,
      productDetail,
      pager: paging,
    };
  }

  @Get('/tresorerie/tva')
  @Render('treasury-vat')
  async vatPage(@Query() query: ReportQuery) {
    const data = await this.pages.vat(query);
    return { title: 'TVA sur les encaissements', query: queryString(data.period), ...data };
  }

  @Get('/api/tresorerie/tva')
  vat(@Query() query: ReportQuery) {
    return this.pages.vat(query);
  }

  @Get('/tresorerie/taux-tva')
  @Render('treasury-vat-rates')
  async vatRatesPage() {
    return { title: 'Historique des taux de TVA', ...(await this.pages.vatRates()) };
  }

  @Get('/api/tresorerie/taux-tva')
  vatRates() {
    return this.pages.vatRates();
  }

  /** Any report as .xlsx, .ods or .csv: checked first, then streamed to the response. */
  @Get(TREASURY_REPORTS.map((r) => `/tresorerie/${r}.:format`))
  async export(
    @Req() req: Request,
    @Param('format') rawFormat: string,
    @Query() query: ReportQuery,
    @Res() res: Response,
  ): Promise<void> {
    const report = /^\/tresorerie\/([a-z-]+)\./.exec(req.path)?.[1];
    if (!isTreasuryReport(report)) throw new DomainError('not_found', 'Rapport introuvable.');
    const format = this.pages.format(rawFormat);
    const doc = await this.pages.document(report, query);
    res.set(exportHeaders(doc, format));
    await writeReport(doc, format, res);
  }
}

function queryString(p: { from: string; to: string }): string {
  return `du=${p.from}&au=${p.to}`;
}
