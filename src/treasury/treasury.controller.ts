import { Controller, Get, Inject, Param, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { exportHeaders, writeReport } from '../../reports/export-report.js';
import { allocationDetailRows } from '../../reports/treasury-reports.js';
import type { AllocationDetailRow } from '../../projections/treasury/treasury.queries.js';
import { BillingQueries } from '../billing/billing-queries.js';
import { Db } from '../database/db.js';
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
    @Inject(Db) private readonly db: Db,
  ) {}

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
    return { title: "Chiffre d'affaires par produit", query: queryString(data.period), ...data };
  }

  @Get('/api/tresorerie/chiffre-affaires')
  async revenue(@Query() query: ReportQuery) {
    // The chart is for the page; the JSON has its figures.
    return { ...(await this.pages.revenue(query)), chart: undefined };
  }

  @Get('/tresorerie/repartition')
  @Render('allocation')
  async allocationPage(@Query() query: ReportQuery) {
    const data = await this.allocation(query);
    return { title: `Répartition N-1 / N / N+1 — exercice ${data.fiscalYear}`, ...data };
  }

  @Get('/api/tresorerie/repartition')
  async allocation(@Query() query: ReportQuery) {
    const product = this.pages.product(query.produit);
    const fy = this.pages.fiscalYear(query.exercice);
    const [all, byProduct] = [
      await this.billing.allocation(String(fy)),
      await this.pages.allocationProducts({ exercice: String(fy) }),
    ];
    let productDetail: AllocationDetailRow[] | null = null;
    if (product !== null) {
      if (!byProduct.products.some((p) => p.productKey === product))
        throw new DomainError(
          'not_found',
          `Aucun encaissement de ce produit sur l'exercice ${fy}.`,
          'produit',
        );
      productDetail = [];
      for await (const r of allocationDetailRows(this.db, fy, product)) productDetail.push(r);
    }
    return {
      ...all,
      byProduct,
      product,
      productLabel: byProduct.products.find((p) => p.productKey === product)?.label ?? null,
      productDetail,
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
