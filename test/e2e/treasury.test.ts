import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { csvRows, spreadsheetsAsCsv } from '../support/xlsx-csv.js';
import { runCli } from './cli-process.js';
import { euros, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(180_000);

const client = useAppClient();
const { getPage, getJson } = client;

const NOVEMBER = 'du=2026-11-01&au=2026-11-30';
const YEAR = 'du=2026-01-01&au=2026-12-31';

interface CardListing {
  days: {
    day: string;
    count: number;
    total: string;
    payments: { kind: string; reference: string; amount: string; invoices: { number: string }[] }[];
  }[];
  count: number;
  total: string;
}

async function download(path: string) {
  const res = await client.fetch(path);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** The demo: Jean pays an option 10.00 by card on 16/11 and gets 3.98 back on his card on 18/11. */
describe('treasurer pages and JSON', () => {
  it('lists card payments per bank day with their reference, member and invoice', async () => {
    const { status, body } = await getJson<CardListing>(`/api/tresorerie/cartes?${NOVEMBER}`);
    expect(status).toBe(200);
    expect(body.days.map((d) => [d.day, d.count, d.total])).toEqual([
      ['2026-11-16', 1, '10.00'],
      ['2026-11-18', 1, '-3.98'],
    ]);
    expect([body.count, body.total]).toEqual([2, '6.02']);
    const [payment] = body.days[0]!.payments;
    expect(payment).toMatchObject({ kind: 'payment', reference: 'CB 4971', amount: '10.00' });
    expect(payment!.invoices).toHaveLength(1);

    const page = await getPage(`/tresorerie/cartes?${NOVEMBER}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<td class="num" id="total-cartes">${euros('6.02')}</td>`);
    expect(page.html).toContain('CB 4971 R');
    expect(page.html).toContain(`href="/factures/`);
    expect(page.html).toContain(`href="/tresorerie/cartes.xlsx?${NOVEMBER}"`);
  });

  it('gives each card day its own anchor, and every day link reaches it', async () => {
    const page = await getPage(`/tresorerie/cartes?${NOVEMBER}`);
    const ids = [...page.html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    const dayIds = ids.filter((id) => id.startsWith('jour-'));
    expect(dayIds).toEqual(['jour-2026-11-16', 'jour-2026-11-18']);
    const anchors = [...page.html.matchAll(/href="#([^"]*)"/g)].map((m) => m[1]!);
    expect(anchors).toEqual(dayIds);
  });

  it('refuses a day that does not exist, as JSON and as a French page', async () => {
    const { status, body } = await getJson<ApiError>('/api/tresorerie/cartes?du=2026-02-30');
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: 'invalid_input', field: 'du' });
    const page = await getPage('/tresorerie/encaissements?du=2026-12-01&au=2026-11-01');
    expect(page.status).toBe(422);
    expect(page.html).toContain('La date de fin précède la date de début.');
  });

  it('sums receipts per month and method, the bounced cheque on its own day', async () => {
    const { body } = await getJson<{
      rows: { period: string; methods: Record<string, { total: string }>; cash: string }[];
      totals: { cash: string; credit: string; methods: Record<string, { total: string }> };
      detail: { kind: string; amount: string }[];
    }>(`/api/tresorerie/encaissements?${YEAR}&par=mois`);
    const june = body.rows.find((r) => r.period === '2026-06')!;
    // 120.00 by cheque, bounced the same month (-120.00), paid again by transfer.
    expect([june.methods.cheque!.total, june.methods.transfer!.total, june.cash]).toEqual([
      '0.00',
      '120.00',
      '120.00',
    ]);
    expect(body.totals.cash).toBe('366.02');
    expect(body.detail.some((d) => d.kind === 'bounced' && d.amount === '-120.00')).toBe(true);
    const page = await getPage(`/tresorerie/encaissements?${YEAR}&mode=carte`);
    // Each month of the recap links to its days.
    expect(page.html).toContain(
      'href="/tresorerie/encaissements?du=2026-06-01&au=2026-06-30&par=jour"',
    );
    expect(page.html).toContain(`<td class="num" id="total-encaisse">${euros('366.02')}</td>`);
    expect(page.html).toContain('CB 4971');
    expect(page.html).not.toContain('0004512');
  });

  it('shows turnover per product type as a table and an SVG chart, shares adding up to 100 %', async () => {
    const page = await getPage(`/tresorerie/chiffre-affaires?${YEAR}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<svg [^>]*role="img"/);
    expect(page.html).toContain('Plaques');
    const { body } = await getJson<{ byType: { share: string }[]; total: { net: string } }>(
      `/api/tresorerie/chiffre-affaires?${YEAR}`,
    );
    expect(body.total.net).toBe('300.04');
    // Each product drills down to its invoice lines.
    const plaque = await getPage(`/tresorerie/chiffre-affaires?${YEAR}&produit=1`);
    expect(plaque.html).toContain('Lignes : Plaque de base');
    expect(plaque.html).toMatch(/href="\/factures\/[^"]+">F2026-\d{6}<\/a>/);
    const sum = body.byType.reduce((s, t) => s + Math.round(Number(t.share) * 100), 0);
    expect(sum).toBe(10_000);
  });

  it('drills the fiscal year allocation down from a product to each payment', async () => {
    const { body } = await getJson<{
      byProduct: {
        products: { productKey: string; previous: string }[];
        totals: { total: string };
      };
      totals: { previous: string; current: string; next: string };
      productDetail: { previous: string; current: string; reference: string }[] | null;
    }>('/api/tresorerie/repartition?exercice=2026&produit=1');
    const plaque = body.byProduct.products.find((p) => p.productKey === '1')!;
    expect(plaque.previous).toBe('29.59');
    expect(body.productDetail?.map((r) => [r.reference, r.previous, r.current])).toEqual(
      expect.arrayContaining([
        ['0004512', '12.33', '29.34'],
        ['0004513', '17.26', '41.07'],
      ]),
    );
    const page = await getPage('/tresorerie/repartition?exercice=2026&produit=1');
    expect(page.html).toContain('Détail : Plaque de base');
    // A receipts view: its N+1 column is not the deferred revenue (487), and the page says so.
    expect(page.html).toContain(
      'la colonne N+1 n’est <strong>pas</strong> le montant des produits constatés d’avance',
    );
    // Every fiscal year from the first payment to next year, none skipped.
    const offered = [...page.html.matchAll(/<option value="(\d{4})"/g)].map((m) => Number(m[1]));
    expect(offered[0]).toBeGreaterThanOrEqual(2027);
    offered.forEach((y, i) => i > 0 && expect(offered[i - 1]! - y).toBe(1));
    const older = await getPage('/tresorerie/repartition?exercice=2022');
    expect(older.html).toContain('<option value="2023"');
    const unknown = await getJson<ApiError>('/api/tresorerie/repartition?exercice=2026&produit=99');
    expect(unknown.status).toBe(404);
  });

  it('gives the VAT due per month and rate with CA3 euros, and the rate history', async () => {
    const { body } = await getJson<{
      months: { month: string; rates: { rate: string; vat: string; ca3Vat: string }[] }[];
      vat: string;
    }>(`/api/tresorerie/tva?${YEAR}`);
    expect(body.months[0]).toEqual({
      month: '2026-02',
      from: '2026-02-01',
      to: '2026-02-28',
      base: '41.67',
      vat: '8.33',
      rates: [
        { month: '2026-02', rate: '20', base: '41.67', vat: '8.33', ca3Base: '42', ca3Vat: '8' },
      ],
    });
    expect(body.vat).toBe('59.00');
    const rates = await getPage('/tresorerie/taux-tva');
    expect(rates.html).toContain('19.6 %');
    expect(rates.html).toContain('en vigueur');
  });
});

describe('treasurer exports', () => {
  it('streams every report as xlsx, ods and csv that LibreOffice reads back', async () => {
    const files: Record<string, { data: Buffer; format: 'xlsx' | 'ods' | 'csv' }> = {};
    for (const format of ['xlsx', 'ods', 'csv'] as const) {
      for (const [report, query] of [
        ['cartes', NOVEMBER],
        ['encaissements', `${YEAR}&par=mois`],
        ['chiffre-affaires', YEAR],
        ['repartition', 'exercice=2026'],
        ['tva', YEAR],
        ['taux-tva', ''],
      ] as const) {
        const res = await download(`/tresorerie/${report}.${format}?${query}`);
        expect(res.status).toBe(200);
        expect(res.disposition).toMatch(
          new RegExp(`^attachment; filename="${report}.*\\.${format}"$`),
        );
        files[`${report}.${format}`] = { data: res.body, format };
      }
    }
    expect(files['cartes.csv']!.data.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const read = await spreadsheetsAsCsv(files);
    for (const format of ['xlsx', 'ods', 'csv'] as const) {
      const rows = (name: string, sheet: string) =>
        csvRows(read[`${name}.${format}`]![format === 'csv' ? '' : sheet]!).map((r) =>
          r.map((c) => c.value),
        );
      const cards = rows('cartes', 'Cartes par jour');
      expect(cards.find((r) => r[0] === '11/16/2026')?.slice(0, 3)).toEqual([
        '11/16/2026',
        '1',
        '10',
      ]);
      expect(cards.find((r) => r[0] === '11/18/2026')?.slice(0, 3)).toEqual([
        '11/18/2026',
        '1',
        '-3.98',
      ]);
      const receipts = rows('encaissements', 'Récapitulatif');
      expect(receipts.find((r) => r[0] === 'Total')?.slice(0, 7)).toEqual([
        'Total',
        '240',
        '6.02',
        '120',
        '0',
        '0',
        '366.02',
      ]);
      const vat = rows('tva', 'TVA par mois');
      expect(vat.find((r) => r[0] === 'Total')?.slice(2, 4)).toEqual(['295.02', '59']);
      const revenue = rows('chiffre-affaires', 'Par type');
      expect(revenue.find((r) => r[0] === 'Total')?.[1]).toBe('300.04');
      const allocation = rows('repartition', 'Par produit');
      expect(allocation.find((r) => r[0] === 'Total')?.slice(2, 6)).toEqual([
        '29.59',
        '157.04',
        '108.39',
        '295.02',
      ]);
      expect(rows('taux-tva', 'Taux de TVA').some((r) => r[1] === '19.6')).toBe(true);
    }
  });

  it('refuses an unknown format in French', async () => {
    const res = await download('/tresorerie/cartes.pdf');
    expect(res.status).toBe(422);
    expect(res.body.toString()).toContain('Format inconnu');
  });
});

describe('treasurer reports on the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-treasury-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => runCli(args, join(dir, 'cli.sqlite'));

  it('prints each report and writes its file', async () => {
    const cards = run(['report:cartes', '--year', '2026']);
    expect(cards.code).toBe(0);
    expect(cards.stdout).toMatch(/16\/11\/2026\s+1\s+10,00 €/);
    expect(cards.stdout).toMatch(/Total\s+2\s+6,02 €/);
    for (const report of ['encaissements', 'chiffre-affaires', 'repartition', 'tva', 'taux-tva']) {
      const r = run([`report:${report}`, '--year', '2026']);
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    }
    expect(run(['report:tva', '--year', '2026']).stdout).toMatch(/Total\s+295,02 €\s+59,00 €/);
    const out = join(dir, 'tva.csv');
    const file = run([
      'report:tva',
      '--from',
      '2026-01-01',
      '--to',
      '2026-12-31',
      '--format',
      'csv',
      '--out',
      out,
    ]);
    expect(file.code).toBe(0);
    expect(file.stdout).toContain(`${out} écrit`);
    expect(readFileSync(out, 'utf8')).toContain('"février 2026";"20";41,67;8,33;42;8');
    const bad = run(['report:cartes', '--from', '2026-02-30']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('La date « du » doit être un jour réel');
  });
});
