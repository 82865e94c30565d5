import PDFDocument from 'pdfkit';

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

export const A4 = { width: 595.28, height: 841.89 };
export const REGULAR = 'Helvetica';
export const BOLD = 'Helvetica-Bold';

export interface TextOptions {
  readonly width?: number;
  readonly align?: 'left' | 'right' | 'center' | 'justify';
  readonly font?: string;
  readonly size?: number;
}

export interface PdfColumn {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right';
}

export interface PdfLayoutOptions {
  readonly title: string;
  readonly author: string;
  /** The document's day ('YYYY-MM-DD'), not the request time: the same input gives the same file. */
  readonly day: string;
  readonly margin: number;
  /** Room kept above the bottom margin for the footer. */
  readonly footerSpace: number;
  /** Default font size of `text` and `heightOf`. */
  readonly fontSize: number;
}

/**
 * An A4 pdfkit document with the standard fonts (no font file, no browser) collected into a
 * Buffer, and the layout helpers the invoices, share documents and attendance sheet share.
 */
export function pdfLayout(o: PdfLayoutOptions) {
  const margin = o.margin;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    bufferPages: true,
    info: {
      Title: winAnsi(o.title),
      Author: winAnsi(o.author),
      CreationDate: new Date(`${o.day}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const contentWidth = A4.width - 2 * margin;
  const bottom = A4.height - margin - o.footerSpace;

  /** Draws `s` at (x, y), wrapped when a width is given; returns the y below it. */
  const text = (s: string, x: number, y: number, t: TextOptions = {}): number => {
    doc
      .font(t.font ?? REGULAR)
      .fontSize(t.size ?? o.fontSize)
      .text(winAnsi(s), x, y, {
        width: t.width,
        align: t.align ?? 'left',
        lineBreak: t.width !== undefined,
      });
    return doc.y;
  };
  const heightOf = (s: string, width: number, font = REGULAR, size = o.fontSize): number =>
    doc.font(font).fontSize(size).heightOfString(winAnsi(s), { width });
  /** `y` if `needed` still fits on the page, else the top of a new page. */
  const ensureRoom = (y: number, needed: number): number => {
    if (y + needed <= bottom) return y;
    doc.addPage();
    return margin;
  };
  /** The shaded row of column titles at `y`; returns where the first row goes. */
  const tableHeader = (y: number, columns: readonly PdfColumn[], size: number): number => {
    doc.rect(margin, y, contentWidth, 16).fill('#e8edf2').fillColor('black');
    let x = margin;
    for (const c of columns) {
      text(c.title, x + 3, y + 4, { width: c.width - 6, align: c.align, font: BOLD, size });
      x += c.width;
    }
    return y + 20;
  };
  /** The thin line under a table row that ends at `y`. */
  const rowRule = (y: number): void => {
    doc
      .moveTo(margin, y - 3)
      .lineTo(margin + contentWidth, y - 3)
      .lineWidth(0.5)
      .strokeColor('#c8d0d8')
      .stroke();
  };
  /**
   * A table of text cells from `y`: titles in `size`, cells half a point larger; the titles
   * repeat at the top of each new page. `row` draws one row and returns the y below it.
   */
  const table = (columns: readonly PdfColumn[], size: number, y: number) => {
    let at = tableHeader(y, columns, size);
    const row = (cells: readonly string[], font = REGULAR): number => {
      const cellSize = size + 0.5;
      const height =
        Math.max(...cells.map((cell, i) => heightOf(cell, columns[i]!.width - 6, font, cellSize))) +
        6;
      if (at + height > bottom) {
        doc.addPage();
        at = tableHeader(margin, columns, size);
      }
      let x = margin;
      cells.forEach((cell, i) => {
        const c = columns[i]!;
        text(cell, x + 3, at, { width: c.width - 6, align: c.align, font, size: cellSize });
        x += c.width;
      });
      at += height;
      rowRule(at);
      return at;
    };
    return { row };
  };
  /** Footer text and "Page n / m" on every page, `lift` above the bottom margin; then the Buffer. */
  const finish = (footer: string, lift: number, numberWidth: number): Promise<Buffer> => {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would make pdfkit add a page: lift it for the footer.
      doc.page.margins.bottom = 0;
      const fy = A4.height - margin - lift;
      text(footer, margin, fy, { width: contentWidth - numberWidth, size: 7 });
      text(`Page ${i + 1} / ${range.count}`, margin + contentWidth - numberWidth, fy, {
        width: numberWidth,
        align: 'right',
        size: 7,
      });
      doc.page.margins.bottom = margin;
    }
    doc.end();
    return done;
  };
  return {
    doc,
    contentWidth,
    bottom,
    text,
    heightOf,
    ensureRoom,
    tableHeader,
    rowRule,
    table,
    finish,
  };
}

export type PdfLayout = ReturnType<typeof pdfLayout>;
