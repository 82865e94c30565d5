import ExcelJS from 'exceljs';
import { formatDayFr } from '../../domain/shared/day.js';
import type { PrintableCapitalListing } from '../../domain/shares/share-documents.js';

/** Euro amounts as numbers with a euro format: the sheet sums and sorts them like any figure. */
const EUROS = '#,##0.00\\ "€"';

/**
 * The capital listing as an xlsx workbook: title and date, one row per member, then totals as
 * SUM formulas (with their computed values stored, for readers that do not recalculate).
 * Amounts are decimal strings with two decimals: Number() of one is that exact cent value,
 * which is what a spreadsheet cell holds.
 */
export async function capitalListingXlsx(
  p: PrintableCapitalListing,
  data: {
    day: string;
    generatedOn: string;
    members: readonly {
      tiersId: string;
      name: string;
      address: string;
      numbers: string;
      shares: number;
      amount: string;
    }[];
    totalShares: number;
    totalAmount: string;
  },
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = p.seller.name;
  workbook.created = new Date(`${data.generatedOn}T00:00:00Z`);
  const sheet = workbook.addWorksheet(`Capital au ${formatDayFr(data.day).replaceAll('/', '-')}`, {
    // One page wide, as many tall as the members take (fitToHeight 1, exceljs' default, would
    // shrink the whole register onto one page); the column headers (row 4) on each page.
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '4:4',
    },
  });
  sheet.columns = [
    { width: 10 },
    { width: 34 },
    { width: 42 },
    { width: 28 },
    { width: 10 },
    { width: 16 },
  ];
  sheet.addRow([p.seller.name]).font = { bold: true, size: 14 };
  sheet.addRow([`${p.title} ${p.asOf}`]).font = { bold: true, size: 12 };
  sheet.addRow([p.issued]);
  const header = sheet.addRow([...p.columns.slice(0, 5), 'Montant (€)']);
  header.font = { bold: true };
  const first = header.number + 1;
  for (const m of data.members) {
    const row = sheet.addRow([
      Number(m.tiersId),
      m.name,
      m.address,
      m.numbers,
      m.shares,
      Number(m.amount),
    ]);
    row.getCell(6).numFmt = EUROS;
  }
  const last = first + data.members.length - 1;
  const totals = sheet.addRow([
    '',
    p.totals.label,
    '',
    '',
    data.members.length > 0
      ? { formula: `SUM(E${first}:E${last})`, result: data.totalShares }
      : data.totalShares,
    data.members.length > 0
      ? { formula: `SUM(F${first}:F${last})`, result: Number(data.totalAmount) }
      : Number(data.totalAmount),
  ]);
  totals.font = { bold: true };
  totals.getCell(6).numFmt = EUROS;
  sheet.addRow([]);
  sheet.addRow([p.statement]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
