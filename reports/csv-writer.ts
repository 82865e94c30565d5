import type { Writable } from 'node:stream';
import {
  dayFr,
  decimalComma,
  eachRow,
  type Cell,
  type ColumnKind,
  type ReportDocument,
} from './report-document.js';
import { TextSink, writeChunk } from './stream-sink.js';

/**
 * CSV the French way: UTF-8 with a BOM (so LibreOffice and Excel pick the encoding), ';'
 * between cells, decimal comma, days DD/MM/YYYY, CRLF, text always quoted (and never a formula:
 * see quote). Amounts stay bare numbers, negative ones included. Each sheet is a
 * section: its heading lines, the header, the rows, a blank line.
 */
export async function writeCsv(doc: ReportDocument, out: Writable): Promise<void> {
  const sink = new TextSink((chunk) => writeChunk(out, chunk));
  await sink.add('\uFEFF');
  let first = true;
  for (const sheet of doc.sheets) {
    if (!first) await sink.add('\r\n');
    first = false;
    for (const line of sheet.heading) await sink.add(`${quote(line)}\r\n`);
    await sink.add(`${sheet.columns.map((c) => quote(c.header)).join(';')}\r\n`);
    for await (const row of eachRow(sheet.rows)) {
      const cells = sheet.columns.map((c, i) => csvCell(c.kind, row.cells[i] ?? null));
      await sink.add(`${cells.join(';')}\r\n`);
    }
  }
  await sink.flush();
}

/**
 * Quoted text, made inert: a spreadsheet reads a cell starting with = + - @ (or a tab or CR
 * before them) as a formula even inside quotes, so a member named `=HYPERLINK(…)` would become
 * a live link in the treasurer's sheet. A leading apostrophe keeps it text (OWASP's advice).
 */
function quote(s: string): string {
  const inert = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${inert.replaceAll('"', '""')}"`;
}

function csvCell(kind: ColumnKind, value: Cell): string {
  if (value === null || value === '') return '';
  switch (kind) {
    case 'text':
      return quote(String(value));
    case 'day':
      return dayFr(String(value));
    case 'euros':
    case 'percent':
      return decimalComma(String(value));
    case 'integer':
      return String(value);
  }
}
