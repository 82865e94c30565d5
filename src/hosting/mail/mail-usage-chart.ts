import { formatKb } from '../../../domain/hosting/mail-usage.js';
import { KO_PER_GO, KO_PER_MO } from '../../../domain/overage/pricing.js';
import { addDays, daysBetween, formatDayFr, type Day } from '../../../domain/shared/day.js';
import { escapeXml as escape } from '../../../reports/svg-chart.js';

const WIDTH = 760;
const HEIGHT = 240;
const LEFT = 70;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 30;
const MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];

/** A round step for an axis of ko: 1, 2 or 5 × 10^n of the unit (ko, Mo or Go), about 4 steps. */
export function kbStep(maxKb: number): number {
  const unit = maxKb >= KO_PER_GO ? KO_PER_GO : maxKb >= KO_PER_MO ? KO_PER_MO : 1;
  for (let step = 1; ; step *= 10)
    for (const m of [1, 2, 5])
      if (Math.ceil(maxKb / (step * m * unit)) <= 4) return step * m * unit;
}

/**
 * A hosting's mail over twelve months as an inline SVG line (server-rendered, no script): the
 * boxes' total of each day collected, from `until` − 365 days to `until`; a day without figures
 * is a gap in the line, not a zero.
 */
export function mailUsageChartSvg(
  history: readonly { day: Day; usedKb: number }[],
  until: Day | null,
): string {
  if (history.length === 0 || until === null)
    return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Aucune mesure du courrier" width="${WIDTH}" height="40"><text x="0" y="24">Aucune mesure sur les douze derniers mois.</text></svg>`;
  const first = addDays(until, -365);
  const top = Math.max(1, ...history.map((h) => h.usedKb));
  const step = kbStep(top);
  const yMax = Math.ceil(top / step) * step;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (day: Day) => LEFT + (daysBetween(first, day) / 365) * plotW;
  const y = (kb: number) => TOP + plotH - (kb / yMax) * plotH;
  const f = (n: number) => n.toFixed(1);

  let path = '';
  let previous: Day | null = null;
  for (const h of history) {
    if (h.day < first) continue;
    const joined = previous !== null && addDays(previous, 1) === h.day;
    path += `${joined ? ' L' : ' M'}${f(x(h.day))},${f(y(h.usedKb))}`;
    previous = h.day;
  }
  const dots =
    history.length === 1
      ? `<circle cx="${f(x(history[0]!.day))}" cy="${f(y(history[0]!.usedKb))}" r="3" fill="#1f4e79"/>`
      : '';

  const grid: string[] = [];
  for (let kb = 0; kb <= yMax; kb += step)
    grid.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y(kb))}" y2="${f(y(kb))}" stroke="#d9dee4"/>` +
        `<text x="${LEFT - 6}" y="${f(y(kb) + 4)}" text-anchor="end" font-size="11">${escape(formatKb(kb).replace(',0 ', ' '))}</text>`,
    );
  for (let month = `${first.slice(0, 7)}-01`; month <= until;) {
    const [yy, mm] = month.split('-').map(Number) as [number, number];
    if (month > first)
      grid.push(
        `<line x1="${f(x(month))}" x2="${f(x(month))}" y1="${TOP}" y2="${TOP + plotH}" stroke="#eef1f4"/>` +
          `<text x="${f(x(month))}" y="${HEIGHT - 10}" text-anchor="middle" font-size="11">${escape(mm === 1 ? String(yy) : MONTHS[mm - 1]!)}</text>`,
      );
    month = mm === 12 ? `${yy + 1}-01-01` : `${yy}-${String(mm + 1).padStart(2, '0')}-01`;
  }
  const label = `Courrier du ${formatDayFr(first)} au ${formatDayFr(until)} : ${formatKb(history[history.length - 1]!.usedKb)} le dernier jour mesuré`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">`,
    ...grid,
    `<path d="${path.trim()}" fill="none" stroke="#1f4e79" stroke-width="2"/>`,
    dots,
    `<line x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${TOP + plotH}" stroke="#1d2733"/>`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="#1d2733"/>`,
    `</svg>`,
  ].join('');
}
