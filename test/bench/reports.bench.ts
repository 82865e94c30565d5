/**
 * `npm run bench:reports -- [--db sqlite|mysql|both] [--members 5000] [--years 20] [--year 2025]`:
 * every treasurer report for one year on the saved generated cooperative, then each export
 * (xlsx, ods, csv) written to a file. The treasury read model is rebuilt first (a cooperative
 * generated before it existed has it empty). Prints seconds, rows and peak memory of each;
 * asserts nothing.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../reports/export-report.js';
import { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import {
  TREASURY_REPORTS,
  TreasuryPages,
  type ReportQuery,
  type TreasuryReportName,
} from '../../src/treasury/treasury-pages.service.js';
import type { Dialect } from '../../src/kernel/database/settings.js';
import {
  bootContext,
  dialectsFromFlags,
  flag,
  measured,
  n,
  requireManifest,
  savedDatabase,
  shapeFromFlags,
  shapeName,
  type CoopShape,
} from './bench-kit.js';

const FORMATS = ['xlsx', 'ods', 'csv'] as const;

async function figures(pages: TreasuryPages, report: TreasuryReportName, q: ReportQuery) {
  switch (report) {
    case 'cartes':
      return pages.cards(q);
    case 'encaissements':
      return pages.receipts(q);
    case 'chiffre-affaires':
      return pages.revenue(q);
    case 'repartition':
      return pages.allocationProducts(q);
    case 'tva':
      return pages.vat(q);
    case 'taux-tva':
      return pages.vatRates();
  }
}

async function bench(dialect: Dialect, shape: CoopShape): Promise<void> {
  const manifest = requireManifest(dialect, shape);
  const settings = savedDatabase(dialect, shape);
  const year = flag('year', String(Number(shape.until.slice(0, 4)) - 1))!;
  const dir = mkdtempSync(join(tmpdir(), 'g2bench-reports-'));
  const app = await bootContext(settings);
  try {
    const rebuilt = await measured(() => app.get(CommandPipeline).rebuild(['treasury']));
    console.log(
      `${dialect}: ${shapeName(shape)} (${n(manifest.events)} events), year ${year}; treasury read model rebuilt in ${rebuilt.seconds.toFixed(1)} s`,
    );
    const pages = app.get(TreasuryPages);
    const query: ReportQuery = { du: `${year}-01-01`, au: `${year}-12-31`, exercice: year };
    for (const report of TREASURY_REPORTS) {
      const shown = await measured(() => figures(pages, report, query));
      const parts = [`page ${(shown.seconds * 1000).toFixed(0)} ms (RSS ${shown.peakRssMiB} MiB)`];
      for (const format of FORMATS) {
        const file = join(dir, `${report}.${format}`);
        const written = await measured(async () =>
          writeReport(await pages.document(report, query), format, createWriteStream(file)),
        );
        parts.push(
          `${format} ${(written.seconds * 1000).toFixed(0)} ms ${Math.round(statSync(file).size / 1024)} KiB (RSS ${written.peakRssMiB} MiB)`,
        );
      }
      console.log(`  ${report.padEnd(17)} ${parts.join(' | ')}`);
    }
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const shape = shapeFromFlags();
for (const dialect of dialectsFromFlags()) await bench(dialect, shape);
