import { describe, expect, it, jest } from '@jest/globals';
import { reportBuffer } from '../../reports/export-report.js';
import type { ReportDocument } from '../../reports/report-document.js';
import { csvRows, spreadsheetAsCsv } from '../support/xlsx-csv.js';

jest.setTimeout(120_000);

/** Names, references and labels a member or a bank can choose, each a formula if taken as one. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example","x")',
  '=1+2',
  '+1+1',
  '-1+1',
  '@SUM(1;2)',
  '\t=1+2',
  '\r=1+2',
];

const doc = (): ReportDocument => ({
  fileName: 'injection',
  sheets: [
    {
      name: 'Détail',
      heading: [],
      columns: [
        { header: 'Adhérent', kind: 'text' },
        { header: 'Montant', kind: 'euros' },
      ],
      rows: (async function* () {
        for (const name of HOSTILE) yield { cells: [name, '-1234.56'] };
        yield { cells: ['Anne Lefèvre', '12.30'] };
      })(),
    },
  ],
});

describe('CSV exports opened in LibreOffice', () => {
  it('a text cell starting with = + - @, tab or CR stays text; negative amounts stay numbers', async () => {
    const csv = await reportBuffer(doc(), 'csv');
    const rows = csvRows(await spreadsheetAsCsv(csv, 'csv')).filter((r) => r.length > 1);
    const [, ...body] = rows;
    expect(body).toHaveLength(HOSTILE.length + 1);
    HOSTILE.forEach((name, i) => {
      const [cell, amount] = body[i]!;
      // Text, reading as typed (behind the apostrophe): not the formula's result ("x", 3, 2…).
      expect(cell).toEqual({ value: `'${name.replace('\r', '\n')}`, text: true });
      expect(amount).toEqual({ value: '-1234.56', text: false });
    });
    expect(body[HOSTILE.length]).toEqual([
      { value: 'Anne Lefèvre', text: true },
      { value: '12.3', text: false },
    ]);
  });
});
