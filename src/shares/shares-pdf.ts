import PDFDocument from 'pdfkit';
import type {
  PrintableCapitalListing,
  PrintableShareCertificate,
} from '../../domain/shares/share-documents.js';
import { winAnsi } from '../documents/document-pdf.js';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 42;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;
const BOTTOM = A4.height - MARGIN - 30;
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';

type Options = {
  width?: number;
  align?: 'left' | 'right' | 'center' | 'justify';
  font?: string;
  size?: number;
};

/** A pdfkit document collected into a Buffer, with a text helper in WinAnsi. */
function pdf(title: string, author: string, day: string) {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // The document's day, not the request time: the same listing gives the same file.
    info: {
      Title: winAnsi(title),
      Author: winAnsi(author),
      CreationDate: new Date(`${day}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const text = (s: string, x: number, y: number, o: Options = {}) => {
    doc
      .font(o.font ?? REGULAR)
      .fontSize(o.size ?? 9)
      .text(winAnsi(s), x, y, {
        width: o.width,
        align: o.align ?? 'left',
        lineBreak: o.width !== undefined,
      });
    return doc.y;
  };
  const heightOf = (s: string, width: number, font = REGULAR, size = 9) =>
    doc.font(font).fontSize(size).heightOfString(winAnsi(s), { width });
  /** Footer and page numbers on every page, then the Buffer. */
  const finish = (footer: string) => {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      doc.page.margins.bottom = 0;
      const fy = A4.height - MARGIN - 12;
      text(footer, MARGIN, fy, { width: CONTENT_WIDTH - 60, size: 7 });
      text(`Page ${i + 1} / ${range.count}`, MARGIN + CONTENT_WIDTH - 60, fy, {
        width: 60,
        align: 'right',
        size: 7,
      });
      doc.page.margins.bottom = MARGIN;
    }
    doc.end();
    return done;
  };
  return { doc, text, heightOf, finish };
}

function sellerBlock(
  text: ReturnType<typeof pdf>['text'],
  seller: { name: string; lines: readonly string[] },
): number {
  let y = text(seller.name, MARGIN, MARGIN, { font: BOLD, size: 15, width: 300 });
  for (const line of seller.lines) y = text(line, MARGIN, y + 1, { size: 8, width: 300 });
  return y;
}

const COLUMNS = [
  { width: 42, align: 'right' as const },
  { width: 120, align: 'left' as const },
  { width: 140, align: 'left' as const },
  { width: 92, align: 'left' as const },
  { width: 44, align: 'right' as const },
  { width: CONTENT_WIDTH - 438, align: 'right' as const },
];

/** The capital listing as a PDF: header repeated on each page, totals and statement at the end. */
export function renderCapitalListingPdf(p: PrintableCapitalListing, day: string): Promise<Buffer> {
  const { doc, text, heightOf, finish } = pdf(`${p.title} ${p.asOf}`, p.seller.name, day);
  let y = sellerBlock(text, p.seller) + 14;
  y = text(`${p.title} ${p.asOf}`, MARGIN, y, { font: BOLD, size: 14, width: CONTENT_WIDTH }) + 10;
  const header = (at: number) => {
    doc.rect(MARGIN, at, CONTENT_WIDTH, 16).fill('#e8edf2').fillColor('black');
    let x = MARGIN;
    p.columns.forEach((title, i) => {
      const c = COLUMNS[i]!;
      text(title, x + 3, at + 4, { width: c.width - 6, align: c.align, font: BOLD, size: 8 });
      x += c.width;
    });
    return at + 20;
  };
  y = header(y);
  const row = (cells: string[], font = REGULAR) => {
    const height =
      Math.max(...cells.map((cell, i) => heightOf(cell, COLUMNS[i]!.width - 6, font, 8.5))) + 6;
    if (y + height > BOTTOM) {
      doc.addPage();
      y = header(MARGIN);
    }
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const c = COLUMNS[i]!;
      text(cell, x + 3, y, { width: c.width - 6, align: c.align, font, size: 8.5 });
      x += c.width;
    });
    y += height;
    doc
      .moveTo(MARGIN, y - 3)
      .lineTo(MARGIN + CONTENT_WIDTH, y - 3)
      .lineWidth(0.5)
      .strokeColor('#c8d0d8')
      .stroke();
  };
  for (const r of p.rows) row([r.tiersId, r.name, r.address, r.numbers, r.shares, r.amount]);
  row(['', p.totals.label, '', '', p.totals.shares, p.totals.amount], BOLD);
  y += 8;
  for (const line of [p.statement, p.issued]) {
    if (y + heightOf(line, CONTENT_WIDTH) > BOTTOM) {
      doc.addPage();
      y = MARGIN;
    }
    y = text(line, MARGIN, y, { width: CONTENT_WIDTH }) + 6;
  }
  if (y + 60 > BOTTOM) {
    doc.addPage();
    y = MARGIN;
  }
  text('Certifiée exacte, le président du conseil d’administration :', MARGIN + 260, y + 10, {
    width: CONTENT_WIDTH - 260,
  });
  return finish(p.footer);
}

/** The holding certificate as a one-page PDF. */
export function renderShareCertificatePdf(
  p: PrintableShareCertificate,
  day: string,
): Promise<Buffer> {
  const { doc, text, finish } = pdf(p.title, p.seller.name, day);
  let y = sellerBlock(text, p.seller) + 30;
  y = text(p.title.toUpperCase(), MARGIN, y, {
    font: BOLD,
    size: 15,
    width: CONTENT_WIDTH,
    align: 'center',
  });
  y += 24;
  let hy = text(p.holder.name, MARGIN + 270, y, { font: BOLD, size: 10.5, width: 240 });
  if (p.holder.address) hy = text(p.holder.address, MARGIN + 270, hy, { size: 10, width: 240 });
  y = hy + 24;
  for (const paragraph of p.paragraphs)
    y = text(paragraph, MARGIN, y, { width: CONTENT_WIDTH, size: 10.5, align: 'justify' }) + 10;
  y += 4;
  for (const fact of p.facts) {
    text(fact.label, MARGIN, y, { width: 150, font: BOLD, size: 10 });
    y = Math.max(
      y + 14,
      text(fact.value, MARGIN + 155, y, { width: CONTENT_WIDTH - 155, size: 10 }) + 3,
    );
  }
  y += 24;
  for (const line of p.signature)
    y = text(line, MARGIN + 270, y, { width: CONTENT_WIDTH - 270, size: 10 }) + 4;
  doc
    .rect(MARGIN + 270, y + 6, CONTENT_WIDTH - 270, 70)
    .lineWidth(0.5)
    .strokeColor('#888')
    .stroke();
  return finish(p.footer);
}
