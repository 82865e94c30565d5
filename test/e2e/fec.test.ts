import { readFileSync } from 'node:fs';
import { describe, expect, it, jest } from '@jest/globals';
import { FEC_COLUMNS } from '../../domain/bank/fec.js';
import { Money } from '../../domain/shared/money.js';
import type { FecSummary } from '../../src/bank/fec.service.js';
import { csvRows, spreadsheetAsCsv } from '../support/xlsx-csv.js';
import { useCliDatabase } from './bank-client.js';
import { DEMO, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(180_000);

const client = useAppClient({ as: DEMO.treasurer });
const { getPage, getJson } = client;

/** Sums a column of LibreOffice's reading (numbers come back bare, with a dot). */
const total = (rows: { value: string }[][], column: number) =>
  Money.sum(
    rows.slice(1).map((r) =>
      Money.round(
        Money.of('0')
          .toDecimal()
          .plus(r[column]!.value || '0'),
      ),
    ),
  );

describe('FEC over HTTP (demo data, as the treasurer)', () => {
  it('shows the fiscal year balanced, per account', async () => {
    const page = await getPage('/tresorerie/fec?exercice=2026');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Écritures de gloux2 pour le logiciel comptable — exercice 2026');
    expect(page.html).toContain('Ce n’est pas le FEC de la société');
    expect(page.html).toContain('équilibré');
    const { body } = await getJson<FecSummary>('/api/tresorerie/fec?exercice=2026');
    expect(body).toMatchObject({
      fiscalYear: 2026,
      balanced: true,
      fileName: '000000000-gloux2-ecritures-20261231.txt',
    });
    expect(body.debit).toBe(body.credit);
    expect(body.accounts.map((a) => a.account)).toEqual(
      expect.arrayContaining(['411', '44571', '44574', '512', '5112', '7061', '7062']),
    );
    const bad = await getJson<ApiError>('/api/tresorerie/fec?exercice=deux');
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('exercice');
  });

  it('serves <SIREN>-gloux2-ecritures-<closing>.txt that LibreOffice reads back with the same totals', async () => {
    const { body } = await getJson<FecSummary>('/api/tresorerie/fec?exercice=2026');
    const res = await client.fetch('/tresorerie/fec/2026/fichier');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="000000000-gloux2-ecritures-20261231.txt"',
    );
    const file = Buffer.from(await res.arrayBuffer());
    const lines = file
      .toString('latin1')
      .split('\r\n')
      .filter((l) => l !== '');
    expect(lines[0]).toBe(FEC_COLUMNS.join('\t'));
    for (const l of lines) expect(l.split('\t')).toHaveLength(18);
    expect(lines[1]).toMatch(/^\w{2}\t[^\t]+\t1\t2026\d{4}\t/);
    expect(lines.some((l) => /\t\d+,\d{2}\t0,00\t/.test(l))).toBe(true);
    const rows = csvRows(await spreadsheetAsCsv(file, 'fec'));
    expect(rows[0]!.map((c) => c.value)).toEqual([...FEC_COLUMNS]);
    expect(rows).toHaveLength(lines.length);
    // Debit (12th) and Credit (13th) read as numbers, adding up to the page's totals.
    expect(rows[1]![11]!.text).toBe(false);
    expect(total(rows, 11).toString()).toBe(body.debit);
    expect(total(rows, 12).toString()).toBe(body.credit);
    // Accented labels survive ISO-8859-15.
    expect(rows.some((r) => r[5]!.value === 'TVA collectée')).toBe(true);
  });
});

describe('FEC on the command line', () => {
  const { run, file } = useCliDatabase('gloux2-fec-');

  it('writes the file of a fiscal year into a directory', () => {
    const out = run(['report:fec', '--year', '2026', '--out', file('')]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /000000000-gloux2-ecritures-20261231\.txt : exercice 2026 \(01\/01\/2026 – 31\/12\/2026\)/,
    );
    const text = readFileSync(file('000000000-gloux2-ecritures-20261231.txt'), 'latin1');
    expect(text.startsWith('JournalCode\tJournalLib\tEcritureNum')).toBe(true);
  });
});
