import type { PrintableDocument } from '../../domain/documents/printable-document.js';
import { BOLD, REGULAR, pdfLayout, type PdfColumn } from './pdf-layout.js';

// Kept here too: other modules imported it from this file first.
export { winAnsi } from './pdf-layout.js';

const MARGIN = 48;

const LINE_COLUMNS: readonly PdfColumn[] = [
  // Qté fits a metered quantity such as "0,4904" on one line.
  { title: 'Désignation et période', width: 177, align: 'left' },
  { title: 'Qté', width: 42, align: 'right' },
  { title: 'PU HT', width: 58, align: 'right' },
  { title: 'Montant HT', width: 58, align: 'right' },
  { title: 'TVA', width: 38, align: 'right' },
  { title: 'Montant TVA', width: 56, align: 'right' },
  { title: 'Total TTC', width: 70.28, align: 'right' },
];

/**
 * The PDF of an invoice or credit note, drawn with pdfkit's standard fonts (no font file, no
 * browser). It prints exactly the strings of the printable document, like the HTML page.
 */
export function renderDocumentPdf(p: PrintableDocument, issuedOn: string): Promise<Buffer> {
  const { doc, contentWidth, bottom, text, heightOf, ensureRoom, tableHeader, rowRule, finish } =
    pdfLayout({
      title: p.title,
      author: p.seller.name,
      day: issuedOn,
      margin: MARGIN,
      footerSpace: 36,
      fontSize: 9,
    });

  // Seller (left) and document heading with its facts (right).
  let left = text(p.seller.name, MARGIN, MARGIN, { font: BOLD, size: 16, width: 250 });
  for (const line of p.seller.lines) left = text(line, MARGIN, left + 1, { size: 8.5, width: 250 });
  const rightX = MARGIN + 265;
  const rightWidth = contentWidth - 265;
  let right = text(p.heading.toUpperCase(), rightX, MARGIN, {
    font: BOLD,
    size: 20,
    width: rightWidth,
    align: 'right',
  });
  right += 4;
  for (const fact of p.facts) {
    text(fact.label, rightX, right, { width: 95, font: BOLD });
    right = text(fact.value, rightX + 95, right, { width: rightWidth - 95, align: 'right' }) + 1;
  }

  // Customer: billing address snapshot.
  let y = Math.max(left, right) + 18;
  const boxX = MARGIN + 260;
  const boxWidth = contentWidth - (boxX - MARGIN);
  let cy = text(p.customer.name, boxX, y, { font: BOLD, size: 10.5, width: boxWidth });
  for (const line of p.customer.addressLines)
    cy = text(line, boxX, cy, { size: 10, width: boxWidth });
  y = cy + 18;

  if (p.reference !== null) {
    y = text(p.reference, MARGIN, y, { font: BOLD, size: 10.5, width: contentWidth }) + 8;
  }

  // Lines, with the header row repeated on each new page.
  const drawHeader = (at: number): number => tableHeader(at, LINE_COLUMNS, 8);
  y = drawHeader(ensureRoom(y, 60));
  for (const line of p.lines) {
    const cells = [
      line.label,
      line.quantity,
      line.unitNet,
      line.net,
      line.vatRate,
      line.vat,
      line.total,
    ];
    const labelWidth = LINE_COLUMNS[0]!.width - 6;
    const height =
      heightOf(line.label, labelWidth) + heightOf(line.period, labelWidth, REGULAR, 7.5) + 6;
    if (y + height > bottom) {
      doc.addPage();
      y = drawHeader(MARGIN);
    }
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const c = LINE_COLUMNS[i]!;
      const after = text(cell, x + 3, y, { width: c.width - 6, align: c.align });
      if (i === 0) text(line.period, x + 3, after, { width: c.width - 6, size: 7.5 });
      x += c.width;
    });
    y += height;
    rowRule(y);
  }

  // Net / VAT per rate, then the totals, on the right.
  const tableWidth = 280;
  const tx = MARGIN + contentWidth - tableWidth;
  const cols = [70, 70, 65, 75];
  y = ensureRoom(y + 10, 30 + 14 * (p.vatRows.length + p.totals.length));
  ['Taux de TVA', 'Base HT', 'TVA', 'Total TTC'].forEach((title, i) => {
    const x = tx + cols.slice(0, i).reduce((a, b) => a + b, 0);
    text(title, x, y, { width: cols[i]! - 4, align: 'right', font: BOLD, size: 8 });
  });
  y += 13;
  for (const row of p.vatRows) {
    [row.vatRate, row.net, row.vat, row.total].forEach((cell, i) => {
      const x = tx + cols.slice(0, i).reduce((a, b) => a + b, 0);
      text(cell, x, y, { width: cols[i]! - 4, align: 'right' });
    });
    y += 13;
  }
  y += 6;
  for (const total of p.totals) {
    const last = total === p.totals[p.totals.length - 1];
    text(total.label, tx, y, { width: 160, font: BOLD, size: last ? 11 : 9.5 });
    text(total.value, tx + 140, y, {
      width: tableWidth - 144,
      align: 'right',
      font: BOLD,
      size: last ? 11 : 9.5,
    });
    y += last ? 17 : 14;
  }

  // Notes (reason, settlement) and legal mentions.
  y += 10;
  for (const note of p.notes) {
    y = ensureRoom(y, heightOf(note, contentWidth) + 4);
    y = text(note, MARGIN, y, { width: contentWidth }) + 4;
  }
  for (const mention of p.mentions) {
    y = ensureRoom(y, heightOf(mention, contentWidth, REGULAR, 7.5) + 3);
    y = text(mention, MARGIN, y, { width: contentWidth, size: 7.5 }) + 3;
  }

  // Footer on every page: seller identity and page number.
  return finish(p.footer, 14, 60);
}
