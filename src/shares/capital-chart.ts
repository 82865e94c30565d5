import { addDays, daysBetween, formatDayFr, type Day } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import { fromCents, toCents } from '../../domain/shared/cents.js';
import { escapeXml as escape, niceStep as yStep } from '../../reports/svg-chart.js';

const WIDTH = 760;
const HEIGHT = 260;
const LEFT = 86;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 30;

/**
 * The capital's history as an inline SVG step chart (server-rendered, no script): end-of-day
 * capital from the first change to `until`, the floor as a dashed line. Cents are converted
 * to plot coordinates only; every figure printed comes from the exact strings.
 */
export function capitalChartSvg(
  history: readonly { day: Day; capital: string }[],
  until: Day,
  floor: string,
): string {
  if (history.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Aucun mouvement de capital" width="${WIDTH}" height="40"><text x="0" y="24">Aucun mouvement de capital.</text></svg>`;
  // From the day before the first change (capital 0), to `until` and at least a day later.
  const first = addDays(history[0]!.day, -1);
  const latest = history[history.length - 1]!.day;
  const last = until > latest ? until : addDays(latest, 1);
  const span = daysBetween(first, last);
  const cents = history.map((h) => BigInt(toCents(h.capital)));
  const floorCents = BigInt(toCents(floor));
  const top = [...cents, floorCents].reduce((a, b) => (b > a ? b : a), 100n);
  const step = yStep(top);
  const yMax = ((top + step - 1n) / step) * step;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (day: Day) => LEFT + (daysBetween(first, day) / span) * plotW;
  const y = (c: bigint) => TOP + plotH - (Number(c) / Number(yMax)) * plotH;
  const f = (n: number) => n.toFixed(1);

  let path = `M${f(x(first))},${f(y(0n))}`;
  history.forEach((h, i) => {
    path += ` L${f(x(h.day))},${f(y(i === 0 ? 0n : cents[i - 1]!))} L${f(x(h.day))},${f(y(cents[i]!))}`;
  });
  path += ` L${f(x(last))},${f(y(cents[cents.length - 1]!))}`;

  const grid: string[] = [];
  for (let c = 0n; c <= yMax; c += step) {
    grid.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y(c))}" y2="${f(y(c))}" stroke="#d9dee4"/>` +
        `<text x="${LEFT - 6}" y="${f(y(c) + 4)}" text-anchor="end" font-size="11">${escape(formatEuros(fromCents(c)))}</text>`,
    );
  }
  const firstYear = Number(first.slice(0, 4));
  const lastYear = Number(last.slice(0, 4));
  const every = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 10));
  for (let year = firstYear + 1; year <= lastYear; year += every) {
    const d = `${year}-01-01`;
    grid.push(
      `<line x1="${f(x(d))}" x2="${f(x(d))}" y1="${TOP}" y2="${TOP + plotH}" stroke="#eef1f4"/>` +
        `<text x="${f(x(d))}" y="${HEIGHT - 10}" text-anchor="middle" font-size="11">${year}</text>`,
    );
  }
  const label = `Capital du ${formatDayFr(first)} au ${formatDayFr(last)} ; plancher ${formatEuros(floor)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">`,
    ...grid,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y(floorCents))}" y2="${f(y(floorCents))}" stroke="#e5484d" stroke-dasharray="6 4"/>`,
    `<path d="${path}" fill="none" stroke="#1f4e79" stroke-width="2"/>`,
    `<line x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${TOP + plotH}" stroke="#1d2733"/>`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="#1d2733"/>`,
    `</svg>`,
  ].join('');
}
