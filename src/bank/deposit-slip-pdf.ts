import { plural } from '../../domain/shared/plural.js';
import { formatDayFr } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import { A4, BOLD, pdfLayout } from '../documents/pdf-layout.js';
import type { PrintableSlip } from './deposit-slip-pages.service.js';

const MARGIN = 42;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;

const COLUMNS = [
  { title: 'N°', width: 28, align: 'right' as const },
  { title: 'Reçu le', width: 62, align: 'left' as const },
  { title: 'Tireur', width: 150, align: 'left' as const },
  { title: 'Banque', width: 100, align: 'left' as const },
  { title: 'N° de chèque', width: 82, align: 'left' as const },
  { title: 'Montant', width: CONTENT_WIDTH - 422, align: 'right' as const },
];

/** The deposit slip as the bank receives it: account, the cheques, count and total. */
export function renderDepositSlipPdf(p: PrintableSlip): Promise<Buffer> {
  const { text, table, ensureRoom, finish } = pdfLayout({
    title: p.title,
    author: p.seller.name,
    day: p.depositOn,
    margin: MARGIN,
    footerSpace: 30,
    fontSize: 9,
  });
  let y = text(p.seller.name, MARGIN, MARGIN, { font: BOLD, size: 15, width: 300 });
  for (const line of p.seller.lines) y = text(line, MARGIN, y + 1, { size: 8, width: 300 });
  y += 14;
  y = text(p.title, MARGIN, y, { font: BOLD, size: 14, width: CONTENT_WIDTH }) + 6;
  const facts = [
    `Date de remise : ${formatDayFr(p.depositOn)}`,
    `Compte crédité : ${p.account}`,
    `Nombre de chèques : ${p.chequeCount} — total : ${formatEuros(p.total)}`,
  ];
  if (p.status === 'cancelled')
    facts.push(`ANNULÉ le ${formatDayFr(p.cancelledOn ?? p.depositOn)} : ${p.cancelReason ?? ''}`);
  for (const f of facts) y = text(f, MARGIN, y, { size: 10, width: CONTENT_WIDTH }) + 2;
  y += 8;
  const { row } = table(COLUMNS, 8, y);
  p.cheques.forEach((c, i) =>
    row([
      String(i + 1),
      formatDayFr(c.receivedOn),
      c.customerName + (c.bounced ? ' (rejeté)' : ''),
      c.bank,
      c.reference,
      formatEuros(c.amount),
    ]),
  );
  const end = row(
    ['', '', `Total (${plural(p.chequeCount, 'chèque', 'chèques')})`, '', '', formatEuros(p.total)],
    BOLD,
  );
  // The bank wants the depositor's signature: room for it under the total, on one page.
  const half = CONTENT_WIDTH / 2;
  text('Signature du remettant :', MARGIN + half, ensureRoom(end + 24, 80), {
    size: 10,
    width: half,
  });
  return finish(p.footer, 12, 60);
}
