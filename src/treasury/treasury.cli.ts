import { createWriteStream } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { formatDayFr } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formatEuros } from '../../domain/shared/money.js';
import { CASH_METHODS, METHOD_LABELS } from '../../domain/treasury/treasury.js';
import { writeReport } from '../../reports/export-report.js';
import type { ReportDocument, ReportRow } from '../../reports/report-document.js';
import { eachRow } from '../../reports/report-document.js';
import { periodOfYear } from '../../reports/treasury-reports.js';
import { APP_CONFIG, type AppConfig } from '../kernel/config.js';
import {
  TreasuryPages,
  type ReportQuery,
  type TreasuryReportName,
} from './treasury-pages.service.js';

/** The treasurer's reports on the command line (src/cli.ts parses and dispatches). */

export interface ReportCliOptions {
  from?: string;
  to?: string;
  year?: string;
  format?: string;
  out?: string;
  by?: string;
  product?: string;
}

export const REPORT_COMMANDS: Readonly<Record<string, TreasuryReportName>> = {
  'report:cartes': 'cartes',
  'report:encaissements': 'encaissements',
  'report:chiffre-affaires': 'chiffre-affaires',
  'report:repartition': 'repartition',
  'report:tva': 'tva',
  'report:taux-tva': 'taux-tva',
};

const euros = (v: string) => formatEuros(v).replace(/\u202f|\u00a0/g, ' ');

/**
 * `report:<name> [--from --to | --year] [--by day|month] [--product K] [--format xlsx|ods|csv
 * [--out file]]`: without --format, the report's figures on stdout; with it, the file (streamed,
 * rows counted on stderr as they are written).
 */
export async function reportCli(
  app: INestApplicationContext,
  report: TreasuryReportName,
  o: ReportCliOptions,
): Promise<number> {
  const pages = app.get(TreasuryPages);
  const query: ReportQuery = { du: o.from, au: o.to, par: byParam(o.by), produit: o.product };
  if (o.year !== undefined) {
    if (!/^\d{4}$/.test(o.year))
      throw new DomainError(
        'invalid_input',
        'L’année doit avoir quatre chiffres (ex. 2026).',
        'year',
      );
    if (report === 'repartition') query.exercice = o.year;
    else {
      const p = periodOfYear(Number(o.year), app.get<AppConfig>(APP_CONFIG).fiscalYearStart);
      query.du ??= p.from;
      query.au ??= p.to;
    }
  }
  if (o.format !== undefined) {
    const format = pages.format(o.format);
    const doc = await pages.document(report, query);
    const file = o.out ?? `${doc.fileName}.${format}`;
    const rows = await writeWithProgress(doc, format, file);
    console.log(`${file} écrit (${rows} lignes).`);
    return 0;
  }
  for (const line of await summary(pages, report, query)) console.log(line);
  return 0;
}

function byParam(by: string | undefined): string | undefined {
  if (by === 'day') return 'jour';
  if (by === 'month') return 'mois';
  return by;
}

async function writeWithProgress(
  doc: ReportDocument,
  format: 'xlsx' | 'ods' | 'csv',
  file: string,
): Promise<number> {
  let count = 0;
  const tty = process.stderr.isTTY;
  async function* counted(
    rows: ReportDocument['sheets'][number]['rows'],
  ): AsyncGenerator<ReportRow> {
    for await (const r of eachRow(rows)) {
      count += 1;
      if (count % 10_000 === 0)
        process.stderr.write(tty ? `\r  ${count} lignes…` : `  ${count} lignes…\n`);
      yield r;
    }
  }
  const counting: ReportDocument = {
    ...doc,
    sheets: doc.sheets.map((s) => ({ ...s, rows: counted(s.rows) })),
  };
  await writeReport(counting, format, createWriteStream(file));
  if (tty && count >= 10_000) process.stderr.write('\n');
  return count;
}

async function summary(
  pages: TreasuryPages,
  report: TreasuryReportName,
  query: ReportQuery,
): Promise<string[]> {
  const pad = (s: string, n: number) => s.padStart(n);
  switch (report) {
    case 'cartes': {
      const r = await pages.cards(query);
      return [
        `Paiements par carte du ${formatDayFr(r.period.from)} au ${formatDayFr(r.period.to)}`,
        ...r.days.map(
          (d) => `  ${formatDayFr(d.day)}  ${pad(String(d.count), 5)}  ${pad(euros(d.total), 14)}`,
        ),
        `  Total       ${pad(String(r.count), 5)}  ${pad(euros(r.total), 14)}`,
      ];
    }
    case 'encaissements': {
      const r = await pages.receipts(query);
      const head = [...CASH_METHODS, 'credit' as const].map((m) => pad(METHOD_LABELS[m], 14));
      const line = (label: string, row: (typeof r.rows)[number]) =>
        `  ${label.padEnd(10)} ${[...CASH_METHODS, 'credit' as const].map((m) => pad(euros(row.methods[m].total), 14)).join('')} ${pad(euros(row.cash), 14)}`;
      return [
        `Encaissements du ${formatDayFr(r.period.from)} au ${formatDayFr(r.period.to)} (crédit client à part)`,
        `  ${''.padEnd(10)} ${head.join('')} ${pad('Encaissé', 14)}`,
        ...r.rows.map((row) => line(row.period, row)),
        line('Total', r.totals),
      ];
    }
    case 'chiffre-affaires': {
      const r = await pages.revenue(query);
      return [
        `Chiffre d’affaires HT du ${formatDayFr(r.period.from)} au ${formatDayFr(r.period.to)}`,
        ...r.byType.map(
          (t) => `  ${t.label.padEnd(16)} ${pad(euros(t.net), 16)} ${pad(t.share ?? '—', 8)} %`,
        ),
        `  ${'Total'.padEnd(16)} ${pad(euros(r.total.net), 16)}`,
      ];
    }
    case 'repartition': {
      const r = await pages.allocationProducts(query);
      return [
        `Répartition du HT encaissé — exercice ${r.fiscalYear} (N-1, N, N+1, total)`,
        ...r.products.map(
          (p) =>
            `  ${p.label.slice(0, 30).padEnd(30)} ${pad(euros(p.previous), 14)} ${pad(euros(p.current), 14)} ${pad(euros(p.next), 14)} ${pad(euros(p.total), 14)}`,
        ),
        `  ${'Total'.padEnd(30)} ${pad(euros(r.totals.previous), 14)} ${pad(euros(r.totals.current), 14)} ${pad(euros(r.totals.next), 14)} ${pad(euros(r.totals.total), 14)}`,
      ];
    }
    case 'tva': {
      const r = await pages.vat(query);
      return [
        `TVA sur les encaissements du ${formatDayFr(r.period.from)} au ${formatDayFr(r.period.to)} (mois, taux, base, TVA, CA3 base, CA3 TVA)`,
        ...r.months.flatMap((m) =>
          m.rates.map(
            (x) =>
              `  ${m.month}  ${pad(x.rate, 5)} %  ${pad(euros(x.base), 14)} ${pad(euros(x.vat), 14)} ${pad(x.ca3Base, 10)} € ${pad(x.ca3Vat, 8)} €`,
          ),
        ),
        `  Total              ${pad(euros(r.base), 14)} ${pad(euros(r.vat), 14)}`,
      ];
    }
    case 'taux-tva': {
      const r = await pages.vatRates();
      return [
        'Historique des taux de TVA',
        ...r.rates.map(
          (x) =>
            `  ${x.categoryLabel.padEnd(22)} ${pad(x.rate, 6)} %  du ${formatDayFr(x.effectiveFrom)} ${x.effectiveTo ? `au ${formatDayFr(x.effectiveTo)}` : '(en vigueur)'}  ${x.reason}`,
        ),
      ];
    }
  }
}
