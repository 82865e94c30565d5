import { formatDayFr } from '../../domain/shared/day.js';
import type {
  AttendanceSheet,
  AttendanceTotals,
} from '../../projections/assemblies/assemblies.queries.js';
import { A4, BOLD, REGULAR, pdfLayout, type PdfColumn } from '../documents/pdf-layout.js';

const MARGIN = 40;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;
/** Room for a signature, whatever the text beside it. */
const MIN_ROW = 30;

const COLUMNS: readonly PdfColumn[] = [
  { title: 'N°', width: 26, align: 'right' },
  { title: 'Sociétaire et adresse', width: 168, align: 'left' },
  { title: 'Parts', width: 34, align: 'right' },
  { title: 'Voix', width: 30, align: 'right' },
  { title: 'Présence ou représentation', width: 130, align: 'left' },
  { title: 'Signature', width: CONTENT_WIDTH - 388, align: 'left' },
];

const TOTAL_ROWS: readonly [keyof AttendanceSheet['totals'], string][] = [
  ['present', 'Présents'],
  ['represented', 'Représentés par un sociétaire présent'],
  ['blankProxies', 'Pouvoirs en blanc (au président)'],
  ['postal', 'Votes par correspondance'],
  ['counted', 'Total des sociétaires comptés'],
  ['absent', 'Absents'],
  ['all', 'Sociétaires ayant droit de vote'],
];

/**
 * The attendance sheet (feuille de présence) as a PDF: every member with name, address, shares,
 * votes, how they attend and a signature box, the heading and column titles repeated on each
 * page; then the totals, the quorum and the boxes of the assembly's officers.
 */
export function renderAttendanceSheetPdf(
  sheet: AttendanceSheet,
  cooperative: string,
): Promise<Buffer> {
  const a = sheet.assembly;
  const { doc, bottom, text, heightOf, tableHeader, rowRule, finish } = pdfLayout({
    title: `Feuille de présence — ${a.label}`,
    author: cooperative,
    day: a.heldOn,
    margin: MARGIN,
    footerSpace: 24,
    fontSize: 8.5,
  });

  /** The heading and the column titles, at the top of every page. */
  const pageHeader = (): number => {
    let y = text(`${cooperative} — Feuille de présence`, MARGIN, MARGIN, {
      width: CONTENT_WIDTH,
      font: BOLD,
      size: 13,
    });
    y = text(`${a.label} (${a.callLabel})`, MARGIN, y + 1, { width: CONTENT_WIDTH, size: 9.5 });
    y = text(
      `Sociétaires ayant droit de vote : porteurs d’au moins une part le ${formatDayFr(a.listOn)} — un sociétaire, une voix.`,
      MARGIN,
      y + 1,
      { width: CONTENT_WIDTH, size: 8 },
    );
    return tableHeader(y + 6, COLUMNS, 7.5);
  };

  let y = pageHeader();
  for (const m of sheet.members) {
    const nameWidth = COLUMNS[1]!.width - 6;
    const statusWidth = COLUMNS[4]!.width - 6;
    const height = Math.max(
      MIN_ROW,
      heightOf(m.name, nameWidth, BOLD) + heightOf(m.address, nameWidth, REGULAR, 7.5) + 6,
      heightOf(m.status, statusWidth) + 6,
    );
    if (y + height > bottom) {
      doc.addPage();
      y = pageHeader();
    }
    let x = MARGIN;
    const cells = [String(m.rowNo), '', String(m.shares), String(m.votes), m.status];
    cells.forEach((cell, i) => {
      const c = COLUMNS[i]!;
      if (i === 1) {
        const after = text(m.name, x + 3, y, { width: nameWidth, font: BOLD });
        text(m.address, x + 3, after, { width: nameWidth, size: 7.5 });
      } else {
        text(cell, x + 3, y, { width: c.width - 6, align: c.align });
      }
      x += c.width;
    });
    // The signature box: the member, or the holder of their proxy, signs here.
    doc
      .rect(x + 3, y - 2, COLUMNS[5]!.width - 6, height - 4)
      .lineWidth(0.5)
      .strokeColor('#8a96a3')
      .stroke();
    y += height;
    rowRule(y);
  }

  // Totals: members, shares and votes per way of attending.
  const cols = [250, 80, 80, 80];
  const totalsHeight = 22 + 14 * TOTAL_ROWS.length + 80 + 90;
  if (y + totalsHeight > bottom) {
    doc.addPage();
    y = MARGIN;
  } else y += 12;
  y = text('Totaux', MARGIN, y, { width: CONTENT_WIDTH, font: BOLD, size: 11 }) + 4;
  const row = (cells: string[], font: string) => {
    let x = MARGIN;
    cells.forEach((cell, i) => {
      text(cell, x, y, { width: cols[i]! - 6, align: i === 0 ? 'left' : 'right', font });
      x += cols[i]!;
    });
    y += 14;
  };
  row(['', 'Sociétaires', 'Parts', 'Voix'], BOLD);
  for (const [key, label] of TOTAL_ROWS) {
    const t: AttendanceTotals = sheet.totals[key];
    row(
      [label, String(t.members), String(t.shares), String(t.votes)],
      key === 'counted' ? BOLD : REGULAR,
    );
  }
  y += 6;
  y = text(sheet.quorumLine, MARGIN, y, { width: CONTENT_WIDTH, font: BOLD, size: 9.5 });
  y = text(
    a.closedOn
      ? `Feuille arrêtée à la clôture de l’assemblée, le ${formatDayFr(a.closedOn)}.`
      : 'Assemblée en cours : feuille provisoire.',
    MARGIN,
    y + 2,
    { width: CONTENT_WIDTH, size: 8.5 },
  );

  // Certified by the officers of the assembly (bureau): chair, secretary, tellers.
  y += 14;
  text('Certifiée exacte par le bureau de l’assemblée :', MARGIN, y, {
    width: CONTENT_WIDTH,
    font: BOLD,
    size: 9,
  });
  y += 16;
  const boxWidth = (CONTENT_WIDTH - 3 * 8) / 4;
  ['Le président', 'Le secrétaire', 'Scrutateur', 'Scrutateur'].forEach((who, i) => {
    const x = MARGIN + i * (boxWidth + 8);
    text(who, x, y, { width: boxWidth, size: 8 });
    doc
      .rect(x, y + 12, boxWidth, 50)
      .lineWidth(0.5)
      .strokeColor('#8a96a3')
      .stroke();
  });

  // Footer on every page: the assembly and the page number.
  return finish(`Feuille de présence — ${a.label}`, 10, 70);
}
