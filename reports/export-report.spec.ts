import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { unzipSync, strFromU8 } from 'fflate';
import { reportBuffer } from './export-report.js';
import type { ReportDocument } from './report-document.js';
import { arrayBufferOf } from './xlsx-writer.js';

const doc = (): ReportDocument => ({
  fileName: 'essai',
  sheets: [
    {
      name: 'Détail',
      heading: ['Essai « accentué » & co'],
      columns: [
        { header: 'Jour', kind: 'day' },
        { header: 'Libellé', kind: 'text' },
        { header: 'Montant', kind: 'euros' },
        { header: 'Nombre', kind: 'integer' },
        { header: 'Part', kind: 'percent' },
      ],
      rows: (async function* () {
        yield { cells: ['2026-02-03', 'Chèque "n°1"; Lefèvre', '-1234.56', 3, '12.5'] };
        yield { cells: [null, 'Total', '0.10', 1, '100'], total: true };
      })(),
    },
  ],
});

describe('report exports', () => {
  it('CSV: BOM, semicolons, decimal comma, French days, quoted text', async () => {
    const text = (await reportBuffer(doc(), 'csv')).toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n')).toEqual([
      '"Essai « accentué » & co"',
      '"Jour";"Libellé";"Montant";"Nombre";"Part"',
      '03/02/2026;"Chèque ""n°1""; Lefèvre";-1234,56;3;12,5',
      ';"Total";0,10;1;100',
      '',
    ]);
  });

  it('ODS: mimetype first and stored, content with typed cells', async () => {
    const buf = await reportBuffer(doc(), 'ods');
    expect(buf.subarray(30, 38).toString()).toBe('mimetype');
    const files = unzipSync(new Uint8Array(buf));
    expect(strFromU8(files['mimetype']!)).toBe('application/vnd.oasis.opendocument.spreadsheet');
    const content = strFromU8(files['content.xml']!);
    expect(content).toContain('office:date-value="2026-02-03"');
    expect(content).toContain('office:value="-1234.56"');
    expect(content).toContain('office:value="0.125"');
    expect(content).toContain('Chèque &quot;n°1&quot;; Lefèvre');
  });

  it('xlsx: a zip with the sheet', async () => {
    const buf = await reportBuffer(doc(), 'xlsx');
    const files = unzipSync(new Uint8Array(buf));
    expect(Object.keys(files)).toContain('xl/worksheets/sheet1.xml');
    expect(strFromU8(files['xl/worksheets/sheet1.xml']!)).toContain('-1234.56');
  });

  it('xlsx: prints one page wide, as many tall as needed, the header row on each page', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(arrayBufferOf(await reportBuffer(doc(), 'xlsx')));
    const setup = workbook.getWorksheet('Détail')!.pageSetup;
    expect(setup).toMatchObject({ fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 });
    // Row 1 is the heading, row 2 the column headers.
    expect(setup.printTitlesRow).toBe('2:2');
  });
});
