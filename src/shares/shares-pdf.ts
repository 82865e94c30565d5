import type {
  PrintableCapitalListing,
  PrintableShareCertificate,
} from '../../domain/shares/share-documents.js';
import { A4, BOLD, pdfLayout, type PdfLayout } from '../documents/pdf-layout.js';

const MARGIN = 42;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;

/** An A4 document with a 30 pt footer band and 9 pt text. */
function pdf(title: string, author: string, day: string) {
  return pdfLayout({ title, author, day, margin: MARGIN, footerSpace: 30, fontSize: 9 });
}

function sellerBlock(
  text: PdfLayout['text'],
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
  const { text, heightOf, ensureRoom, table, finish } = pdf(
    `${p.title} ${p.asOf}`,
    p.seller.name,
    day,
  );
  let y = sellerBlock(text, p.seller) + 14;
  y = text(`${p.title} ${p.asOf}`, MARGIN, y, { font: BOLD, size: 14, width: CONTENT_WIDTH }) + 10;
  const titled = p.columns.map((title, i) => ({ ...COLUMNS[i]!, title }));
  const { row } = table(titled, 8, y);
  for (const r of p.rows) row([r.tiersId, r.name, r.address, r.numbers, r.shares, r.amount]);
  y = row(['', p.totals.label, '', '', p.totals.shares, p.totals.amount], BOLD) + 8;
  for (const line of [p.statement, p.issued]) {
    y = ensureRoom(y, heightOf(line, CONTENT_WIDTH));
    y = text(line, MARGIN, y, { width: CONTENT_WIDTH }) + 6;
  }
  y = ensureRoom(y, 60);
  text('Certifiée exacte, le président du conseil d’administration :', MARGIN + 260, y + 10, {
    width: CONTENT_WIDTH - 260,
  });
  return finish(p.footer, 12, 60);
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
  return finish(p.footer, 12, 60);
}
