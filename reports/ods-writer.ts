import type { Writable } from 'node:stream';
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { Dec } from '../domain/shared/money.js';
import { eachRow, type Cell, type ColumnKind, type ReportDocument } from './report-document.js';
import { TextSink, writeChunk } from './stream-sink.js';

const MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="${MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`;

/** Data styles (euros with two decimals, DD/MM/YYYY, percent) and bold, as automatic styles. */
const STYLES = `<office:automatic-styles>
<number:number-style style:name="NE"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/><number:text> €</number:text></number:number-style>
<number:date-style style:name="ND"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
<number:percentage-style style:name="NP"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/><number:text> %</number:text></number:percentage-style>
${['', 'b']
  .map((b) =>
    [
      ['text', ''],
      ['euros', 'NE'],
      ['day', 'ND'],
      ['percent', 'NP'],
      ['integer', ''],
    ]
      .map(
        ([kind, data]) =>
          `<style:style style:name="${kind}${b}" style:family="table-cell"${data ? ` style:data-style-name="${data}"` : ''}>${b ? '<style:text-properties fo:font-weight="bold"/>' : ''}</style:style>`,
      )
      .join('\n'),
  )
  .join('\n')}
</office:automatic-styles>`;

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The report as an OpenDocument spreadsheet (.ods), streamed: content.xml is deflated chunk
 * by chunk into the zip as rows come, the mimetype entry first and stored, as the format asks.
 */
export async function writeOds(doc: ReportDocument, out: Writable): Promise<void> {
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  let finished = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else pending.push(chunk);
    if (final) finished = true;
  });
  const drain = async () => {
    if (failure) throw failure;
    while (pending.length > 0) await writeChunk(out, pending.shift()!);
  };
  const mimetype = new ZipPassThrough('mimetype');
  zip.add(mimetype);
  mimetype.push(strToU8(MIMETYPE), true);
  const manifest = new ZipDeflate('META-INF/manifest.xml', { level: 6 });
  zip.add(manifest);
  manifest.push(strToU8(MANIFEST), true);
  const content = new ZipDeflate('content.xml', { level: 6 });
  zip.add(content);
  const sink = new TextSink(async (text) => {
    content.push(strToU8(text));
    await drain();
  });
  await sink.add(
    `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">
${STYLES}<office:body><office:spreadsheet>`,
  );
  for (const sheet of doc.sheets) {
    await sink.add(`<table:table table:name="${escapeXml(sheet.name)}">`);
    for (const line of sheet.heading)
      await sink.add(`<table:table-row>${textCell(line, true)}</table:table-row>`);
    await sink.add(
      `<table:table-row>${sheet.columns.map((c) => textCell(c.header, true)).join('')}</table:table-row>`,
    );
    for await (const row of eachRow(sheet.rows)) {
      const cells = sheet.columns.map((c, i) => odsCell(c.kind, row.cells[i] ?? null, !!row.total));
      await sink.add(`<table:table-row>${cells.join('')}</table:table-row>`);
    }
    await sink.add(`</table:table>`);
  }
  await sink.add(`</office:spreadsheet></office:body></office:document-content>`);
  await sink.flush();
  content.push(new Uint8Array(0), true);
  zip.end();
  await drain();
  if (!finished) throw new Error('ODS archive not finished');
}

function textCell(text: string, bold = false): string {
  return `<table:table-cell table:style-name="text${bold ? 'b' : ''}" office:value-type="string"><text:p>${escapeXml(text)}</text:p></table:table-cell>`;
}

function odsCell(kind: ColumnKind, v: Cell, bold: boolean): string {
  if (v === null || v === '') return '<table:table-cell/>';
  const style = `table:style-name="${kind}${bold ? 'b' : ''}"`;
  const s = String(v);
  switch (kind) {
    case 'text':
      return textCell(s, bold);
    case 'day':
      return `<table:table-cell ${style} office:value-type="date" office:date-value="${s}"><text:p>${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}</text:p></table:table-cell>`;
    case 'euros':
      return `<table:table-cell ${style} office:value-type="float" office:value="${s}"><text:p>${s.replace('.', ',')} €</text:p></table:table-cell>`;
    case 'integer':
      return `<table:table-cell ${style} office:value-type="float" office:value="${s}"><text:p>${s}</text:p></table:table-cell>`;
    case 'percent':
      return `<table:table-cell ${style} office:value-type="percentage" office:value="${new Dec(s).div(100).toString()}"><text:p>${s.replace('.', ',')} %</text:p></table:table-cell>`;
  }
}
