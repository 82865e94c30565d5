import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { exportOf, twoYearScenario } from '../../domain/bank/books-example.testkit.js';
import { checkExport, checkOpening } from '../../domain/bank/export-checker.testkit.js';

/** The table rows of docs/accounting.md between the example's markers, cells trimmed. */
function documented(year: number): string[][] {
  const doc = readFileSync(new URL('../../docs/accounting.md', import.meta.url), 'utf8');
  const start = doc.indexOf(`<!-- books-example-${year} -->`);
  const end = doc.indexOf(`<!-- /books-example-${year} -->`);
  if (start < 0 || end < 0) throw new Error(`docs/accounting.md: example ${year} not found`);
  return doc
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

/** The columns docs/accounting.md shows, from a file row. */
const shown = (row: string) => {
  const c = row.split('\t');
  return [c[0]!, c[2]!, c[3]!, c[4]!, c[6]!, c[8]!, c[10]!, c[11]!, c[12]!, c[15]!];
};

describe('the two-year example (docs/accounting.md §7)', () => {
  const ledger = twoYearScenario();

  it('passes the independent checker: format, balanced entries, numbering, opening = closing', () => {
    const y2025 = checkExport(exportOf(ledger, 2025), 2025);
    const y2026 = checkExport(exportOf(ledger, 2026), 2026);
    expect(y2025.problems).toEqual([]);
    expect(y2026.problems).toEqual([]);
    expect(checkOpening(y2025.rows, y2026.rows)).toEqual([]);
    expect(y2025.rows.every((r) => r.validDate === '20260120')).toBe(true);
  });

  it.each([2025, 2026])('the %i file equals docs/accounting.md line for line', (year) => {
    const rows = exportOf(ledger, year).split('\r\n').slice(1, -1).map(shown);
    expect(rows).toEqual(documented(year));
  });
});
