import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { testSeller as seller } from '../../domain/documents/seller.testkit.js';
import { printableCapitalListing } from '../../domain/shares/share-documents.js';
import { arrayBufferOf } from '../../reports/xlsx-writer.js';
import { capitalListingXlsx } from './capital-listing-xlsx.js';

describe('capital listing as xlsx', () => {
  it('prints one page wide, as many pages tall as needed, the column headers on each', async () => {
    const member = {
      tiersId: '2',
      name: 'Association Les Amis',
      address: '3 place Y, 69001 Lyon',
      shares: 1,
      numbers: '10400',
      amount: '16.00',
    };
    const data = {
      day: '2026-11-25',
      generatedOn: '2026-11-26',
      members: [member],
      totalShares: 1,
      totalAmount: '16.00',
    };
    const buf = await capitalListingXlsx(
      printableCapitalListing({ ...data, nominal: '16.00', seller }),
      data,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(arrayBufferOf(buf));
    const sheet = workbook.worksheets[0]!;
    expect(sheet.pageSetup).toMatchObject({ fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(sheet.pageSetup.printTitlesRow).toBe('4:4');
    expect(sheet.getRow(4).getCell(6).value).toBe('Montant (€)');
  });
});
