import { PassThrough, type Writable } from 'node:stream';
import { writeCsv } from './csv-writer.js';
import { writeOds } from './ods-writer.js';
import { CONTENT_TYPES, type ExportFormat, type ReportDocument } from './report-document.js';
import { writeXlsx } from './xlsx-writer.js';

/**
 * Writes a report in one of the export formats to a stream (an HTTP response, a file) and
 * ends it; resolves once everything is handed to the stream.
 */
export async function writeReport(
  doc: ReportDocument,
  format: ExportFormat,
  out: Writable,
): Promise<void> {
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
  });
  switch (format) {
    case 'xlsx':
      await writeXlsx(doc, out); // exceljs ends the stream itself
      break;
    case 'ods':
      await writeOds(doc, out);
      break;
    case 'csv':
      await writeCsv(doc, out);
      break;
  }
  if (!out.writableEnded) out.end();
  await finished;
}

/** The whole file in memory: for tests and small reports only. */
export async function reportBuffer(doc: ReportDocument, format: ExportFormat): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  await writeReport(doc, format, out);
  await ended;
  return Buffer.concat(chunks);
}

/** Content type and attachment file name of an export. */
export function exportHeaders(doc: ReportDocument, format: ExportFormat): Record<string, string> {
  return {
    'Content-Type': CONTENT_TYPES[format],
    'Content-Disposition': `attachment; filename="${doc.fileName}.${format}"`,
  };
}
