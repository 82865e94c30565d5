import PDFDocument from 'pdfkit';
import type { PrintableDocument } from '../../domain/documents/printable-document.js';

/** Characters beyond Latin-1 that WinAnsi (the standard PDF fonts' encoding) still has. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text the standard fonts can draw: the narrow no-break space of French amounts becomes a
 * no-break space, anything outside WinAnsi (emoji, other scripts) a "?" rather than a wrong glyph.
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(/\u202f/g, '\u00a0')) {
    const code = ch.codePointAt(0) ?? 0;
    const ok = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
    out += ok || WIN_ANSI_EXTRA.has(ch) ? ch : ch === '\t' ? ' ' : '?';
  }
  return out;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const FOOTER_SPACE = 36;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right';
}

const LINE_COLUMNS: readonly Column[] = [
  { title: 'Désignation et période', width: 177, align: 'left' },
  { title: 'Qté', width: 30, align: 'right' },
  { title: 'PU HT', width: 58, align: 'right' },
  { title: 'Montant HT', width: 62, align: 'right' },
  { title: 'TVA', width: 38, align: 'right' },
  { title: 'Montant TVA', width: 60, align: 'right' },
  { title: 'Total TTC', width: 74.28, align: 'right' },
];

/**
 * The PDF of an invoice or credit note, drawn with pdfkit's standard fonts (no font file, no
 * browser). It prints exactly the strings of the printable document, like the HTML page.
 */
export function renderDocumentPdf(p: PrintableDocument, issuedOn: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // The issue day, not the time of the request: the same document gives the same metadata.
    info: {
      Title: winAnsi(p.title),
      Author: winAnsi(p.seller.name),
      CreationDate: new Date(`${issuedOn}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const bottom = A4.height - MARGIN - FOOTER_SPACE;
  const text = (
    s: string,
    x: number,
    y: number,
    options: { width?: number; align?: 'left' | 'right' | 'center'; font?: string; size?: number },
  ) => {
    doc
      .font(options.font ?? REGULAR)
      .fontSize(options.size ?? 9)
      .text(winAnsi(s), x, y, {
        width: options.width,
        align: options.align ?? 'left',
        lineBreak: options.width !== undefined,
      });
    return doc.y;
  };
  const heightOf = (s: string, width: number, font = REGULAR, size = 9) =>
    doc.font(font).fontSize(size).heightOfString(winAnsi(s), { width });
  const ensureRoom = (y: number, needed: number): number => {
    if (y + needed <= bottom) return y;
    doc.addPage();
    return MARGIN;
  };

  // Seller (left) and document heading with its facts (right).
  let left = text(p.seller.name, MARGIN, MARGIN, { font: BOLD, size: 16, width: 250 });
  for (const line of p.seller.lines) left = text(line, MARGIN, left + 1, { size: 8.5, width: 250 });
  const rightX = MARGIN + 265;
  const rightWidth = CONTENT_WIDTH - 265;
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
  const boxWidth = CONTENT_WIDTH - (boxX - MARGIN);
  let cy = text(p.customer.name, boxX, y, { font: BOLD, size: 10.5, width: boxWidth });
  for (const line of p.customer.addressLines)
    cy = text(line, boxX, cy, { size: 10, width: boxWidth });
  y = cy + 18;

  if (p.reference !== null) {
    y = text(p.reference, MARGIN, y, { font: BOLD, size: 10.5, width: CONTENT_WIDTH }) + 8;
  }

  // Lines, with the header row repeated on each new page.
  const drawHeader = (at: number): number => {
    doc.rect(MARGIN, at, CONTENT_WIDTH, 16).fill('#e8edf2').fillColor('black');
    let x = MARGIN;
    for (const c of LINE_COLUMNS) {
      text(c.title, x + 3, at + 4, { width: c.width - 6, align: c.align, font: BOLD, size: 8 });
      x += c.width;
    }
    return at + 20;
  };
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
    doc
      .moveTo(MARGIN, y - 3)
      .lineTo(MARGIN + CONTENT_WIDTH, y - 3)
      .lineWidth(0.5)
      .strokeColor('#c8d0d8')
      .stroke();
  }

  // Net / VAT per rate, then the totals, on the right.
  const tableWidth = 280;
  const tx = MARGIN + CONTENT_WIDTH - tableWidth;
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
    y = ensureRoom(y, heightOf(note, CONTENT_WIDTH) + 4);
    y = text(note, MARGIN, y, { width: CONTENT_WIDTH }) + 4;
  }
  for (const mention of p.mentions) {
    y = ensureRoom(y, heightOf(mention, CONTENT_WIDTH, REGULAR, 7.5) + 3);
    y = text(mention, MARGIN, y, { width: CONTENT_WIDTH, size: 7.5 }) + 3;
  }

  // Footer on every page: seller identity and page number.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit add a page: lift it for the footer.
    doc.page.margins.bottom = 0;
    const fy = A4.height - MARGIN - 14;
    text(p.footer, MARGIN, fy, { width: CONTENT_WIDTH - 60, size: 7 });
    text(`Page ${i + 1} / ${range.count}`, MARGIN + CONTENT_WIDTH - 60, fy, {
      width: 60,
      align: 'right',
      size: 7,
    });
    doc.page.margins.bottom = MARGIN;
  }
  doc.end();
  return done;
}
