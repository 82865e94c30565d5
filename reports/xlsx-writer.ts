import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { Dec } from '../domain/shared/money.js';
import { eachRow, type Cell, type ColumnKind, type ReportDocument } from './report-document.js';

const FORMATS: Readonly<Record<ColumnKind, string | undefined>> = {
  text: undefined,
  day: 'dd/mm/yyyy',
  euros: '#,##0.00\\ "€"',
  integer: '0',
  percent: '0.00\\ %',
};

/**
 * The report as an xlsx workbook written with exceljs' streaming WorkbookWriter: each row is
 * committed (written out) as soon as it is added, so a sheet of a million rows never sits in
 * memory. Amounts are numbers with a euro format (the spreadsheet sums and sorts them); a
 * two-decimal string's Number() is the nearest double to that exact cent value, which is what
 * a spreadsheet cell holds. Days are real dates.
 */
export async function writeXlsx(doc: ReportDocument, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'gloux2';
  const used = new Set<string>();
  for (const sheet of doc.sheets) {
    const headerRow = sheet.heading.length + 1;
    // Printed on A4: as wide as one page (as many pages tall as it takes), the column headers
    // repeated on each page.
    const ws = workbook.addWorksheet(sheetName(sheet.name, used), {
      pageSetup: {
        paperSize: 9,
        orientation: sheet.columns.length > 6 ? 'landscape' : 'portrait',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: `${headerRow}:${headerRow}`,
      },
    });
    // The number format is the column's style: each new cell takes it (cheaper than per cell).
    ws.columns = sheet.columns.map((c) => {
      const numFmt = FORMATS[c.kind];
      return { width: c.width ?? defaultWidth(c.kind), ...(numFmt ? { style: { numFmt } } : {}) };
    });
    for (const line of sheet.heading) ws.addRow([line]).commit();
    const header = ws.addRow(sheet.columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
    for await (const row of eachRow(sheet.rows)) {
      const r = ws.addRow(sheet.columns.map((c, i) => xlsxValue(c.kind, row.cells[i] ?? null)));
      if (row.total) r.font = { bold: true };
      r.commit();
    }
    ws.commit();
  }
  await workbook.commit();
}

function xlsxValue(kind: ColumnKind, v: Cell): ExcelJS.CellValue {
  if (v === null || v === '') return null;
  switch (kind) {
    case 'text':
      return String(v);
    case 'day':
      return new Date(`${String(v)}T00:00:00Z`);
    case 'euros':
    case 'integer':
      return Number(v);
    case 'percent':
      return new Dec(String(v)).div(100).toNumber();
  }
}

function defaultWidth(kind: ColumnKind): number {
  return kind === 'text' ? 24 : 14;
}

/** Excel's rules: 31 characters, no []:*?/\ and unique in the workbook. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, '-').slice(0, 31) || 'Feuille';
  let n = base;
  for (let i = 2; used.has(n.toLowerCase()); i++) n = `${base.slice(0, 28)} ${i}`;
  used.add(n.toLowerCase());
  return n;
}

/** A Node buffer's bytes as the ArrayBuffer exceljs' reader is typed to take. */
export function arrayBufferOf(buf: Buffer): ArrayBuffer {
  return new Uint8Array(buf).buffer;
}
