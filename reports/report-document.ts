/**
 * A report as the export writers see it: sheets of typed columns and rows. Rows may be an
 * async iterable, so a large report streams from the database to the file without being held
 * in memory. Values stay exact strings until a writer puts them in a cell.
 */

/** text; day 'YYYY-MM-DD'; euros '-12.34'; integer; percent '12.34' (meaning 12.34 %). */
export type ColumnKind = 'text' | 'day' | 'euros' | 'integer' | 'percent';

export interface ReportColumn {
  readonly header: string;
  readonly kind: ColumnKind;
  /** Width in characters (spreadsheets). */
  readonly width?: number;
}

export type Cell = string | number | null;

export interface ReportRow {
  /** One value per column, in column order; null for an empty cell. */
  readonly cells: readonly Cell[];
  /** A total or subtotal: bold in spreadsheets. */
  readonly total?: boolean;
}

export interface ReportSheet {
  /** Sheet name (31 characters at most in xlsx; longer names are cut). */
  readonly name: string;
  /** Lines printed above the table (title, period, generation date). */
  readonly heading: readonly string[];
  readonly columns: readonly ReportColumn[];
  readonly rows: Iterable<ReportRow> | AsyncIterable<ReportRow>;
}

export interface ReportDocument {
  /** File name without extension, e.g. 'encaissements-2026-01-01-2026-12-31'. */
  readonly fileName: string;
  readonly sheets: readonly ReportSheet[];
}

export type ExportFormat = 'xlsx' | 'ods' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'ods', 'csv'];

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  csv: 'text/csv; charset=utf-8',
};

export function isExportFormat(s: unknown): s is ExportFormat {
  return typeof s === 'string' && (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** Rows of an iterable or async iterable, one at a time. */
export async function* eachRow(
  rows: Iterable<ReportRow> | AsyncIterable<ReportRow>,
): AsyncGenerator<ReportRow> {
  if (Symbol.asyncIterator in rows) {
    for await (const r of rows) yield r;
  } else {
    for (const r of rows) yield r;
  }
}

/** '-1234.56' → '-1234,56' (French decimal comma; no thousands separator, for re-reading). */
export function decimalComma(value: string): string {
  return value.replace('.', ',');
}

/** 'YYYY-MM-DD' → 'DD/MM/YYYY'. */
export function dayFr(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}
