import { describe, expect, it } from '@jest/globals';
import { capitalChartSvg } from './capital-chart.js';

describe('capital chart', () => {
  it('draws the end-of-day capital as steps, with the floor dashed and euro ticks', () => {
    const svg = capitalChartSvg(
      [
        { day: '2004-03-02', capital: '16.00' },
        { day: '2008-03-18', capital: '64.00' },
        { day: '2009-06-30', capital: '48.00' },
      ],
      '2026-11-25',
      '16.00',
    );
    expect(svg).toMatch(
      /^<svg [^>]*role="img" aria-label="Capital du 01\/03\/2004 au 25\/11\/2026 ; plancher 16,00\u00a0€"/,
    );
    expect(svg).toContain('stroke-dasharray="6 4"');
    // Three changes: each a vertical and a horizontal step, then a run to the last day.
    expect((svg.match(/<path d="([^"]+)"/)?.[1] ?? '').split(' L')).toHaveLength(8);
    expect(svg).toContain('>80,00\u00a0€</text>'); // axis up to a round step above 64.00
    expect(svg).toContain('>2008</text>'); // a year every 3 over 23 years
  });

  it('draws a single day of changes as a visible step', () => {
    const svg = capitalChartSvg([{ day: '2026-11-25', capital: '144.00' }], '2026-11-25', '40.00');
    const xs = [...(svg.match(/<path d="([^"]+)"/)?.[1] ?? '').matchAll(/[ML]([\d.]+),/g)].map(
      (m) => Number(m[1]),
    );
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(300);
  });

  it('says when there is nothing to draw', () => {
    expect(capitalChartSvg([], '2026-11-25', '0.00')).toContain('Aucun mouvement de capital.');
  });
});
