import { formatEuros } from '../domain/shared/money.js';
import { fromCents } from '../domain/shared/cents.js';

/** Server-rendered SVG charts (no script, no front-end build): shared helpers and a bar chart. */

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round step for an axis of euros: 1, 2 or 5 × 10^n euros, about `ticks` steps. */
export function niceStep(maxCents: bigint, ticks = 4n): bigint {
  let step = 100n;
  for (;;) {
    for (const m of [1n, 2n, 5n])
      if ((maxCents + step * m - 1n) / (step * m) <= ticks) return step * m;
    step *= 10n;
  }
}

export interface Bar {
  readonly label: string;
  readonly cents: bigint;
  /** Printed after the bar (e.g. the share '42.10 %'). */
  readonly note: string;
}

/**
 * Horizontal bars, one per entry, from zero (negative amounts, such as discounts, go left in
 * another colour), with the euro amount and the note printed beside each bar.
 */
export function barChartSvg(bars: readonly Bar[], title: string): string {
  const WIDTH = 760;
  const LABEL = 170;
  const NOTE = 190;
  const ROW = 26;
  const TOP = 8;
  if (bars.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)} : aucune donnée" width="${WIDTH}" height="40"><text x="0" y="24">Aucune donnée sur la période.</text></svg>`;
  const max = bars.reduce((m, b) => (b.cents > m ? b.cents : m), 0n);
  const min = bars.reduce((m, b) => (b.cents < m ? b.cents : m), 0n);
  const span = Number(max - min) || 1;
  const plotW = WIDTH - LABEL - NOTE;
  const x = (c: bigint) => LABEL + (Number(c - min) / span) * plotW;
  const f = (n: number) => n.toFixed(1);
  const height = TOP * 2 + bars.length * ROW;
  const parts = bars.map((b, i) => {
    const y = TOP + i * ROW;
    const x0 = x(0n);
    const x1 = x(b.cents);
    const left = Math.min(x0, x1);
    const w = Math.max(Math.abs(x1 - x0), 0.5);
    return (
      `<text x="${LABEL - 8}" y="${y + 17}" text-anchor="end" font-size="12">${escapeXml(b.label)}</text>` +
      `<rect x="${f(left)}" y="${y + 4}" width="${f(w)}" height="${ROW - 8}" fill="${b.cents < 0n ? '#e5484d' : '#1f4e79'}"><title>${escapeXml(`${b.label} : ${formatEuros(fromCents(b.cents))} (${b.note})`)}</title></rect>` +
      `<text x="${f(Math.max(x0, x1) + 6)}" y="${y + 17}" font-size="12">${escapeXml(`${formatEuros(fromCents(b.cents))} — ${b.note}`)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="sans-serif">`,
    ...parts,
    `<line x1="${f(x(0n))}" x2="${f(x(0n))}" y1="${TOP}" y2="${height - TOP}" stroke="#1d2733"/>`,
    `</svg>`,
  ].join('');
}
