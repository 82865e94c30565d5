import type { Day } from '../domain/shared/day.js';
import { addDays, formatDayFr } from '../domain/shared/day.js';
import { formatMonthFr } from '../domain/overage/months.js';
import { fiscalYearBounds, type FiscalYearStart } from '../domain/shared/fiscal-year.js';
import {
  CASH_METHODS,
  METHOD_LABELS,
  MOVEMENT_LABELS,
  REVENUE_TYPE_LABELS,
  roundToEuro,
  sharesOfTotal,
  type ReceiptMethod,
  type RevenueType,
  ALLOCATION_KIND_LABELS,
} from '../domain/treasury/treasury.js';
import { listProducts } from '../legacy-sync/legacy-catalogue.js';
import { findCustomers } from '../legacy-sync/legacy-gateway.js';
import { fromCents, toCents } from '../domain/shared/cents.js';

/** Exact cents of a two-decimal amount string. */
const centsOf = (amount: string): bigint => BigInt(toCents(amount));
import {
  allocationByProduct,
  allocationDetail,
  cardDayTotals,
  movementRows,
  receiptTotals,
  revenueByProduct,
  revenueLines,
  vatByMonth,
  vatDetail,
  type AllocationDetailRow,
  type CustomerNames,
  type DayTotal,
  type MovementRow,
  type Period,
  type ProductAllocation,
  type ProductInfo,
  type ProductRevenue,
  type ReportSource,
  type VatMonthRate,
} from '../projections/treasury/treasury.queries.js';
import { vatSchedule } from '../projections/vat-rates/vat-rates.queries.js';
import { VAT_CATEGORY_LABELS } from '../domain/catalogue/vat-schedule.js';
import type { Queryable } from '../src/kernel/database/db.js';
import type {
  Cell,
  ReportColumn,
  ReportDocument,
  ReportRow,
  ReportSheet,
} from './report-document.js';
import { barChartSvg } from './svg-chart.js';

/**
 * The treasurer's reports: the data of each page (also its JSON) and each report as a
 * ReportDocument for the exports. Every function takes a ReportSource (the app's Db) and
 * plain parameters, so a script or a bench can call it without the app. Detail rows stream.
 */

export type { Period, ReportSource } from '../projections/treasury/treasury.queries.js';

/** The calendar days of fiscal year `year` (calendar year with the default '01-01'). */
export function periodOfYear(year: number, fiscalYearStart: FiscalYearStart = '01-01'): Period {
  const { first, last } = fiscalYearBounds(year, fiscalYearStart);
  return { from: first, to: last };
}

/** Members' names from Gloux's clients, for the detail rows. */
export const customerNames: CustomerNames = async (q, ids) =>
  new Map((await findCustomers(q, ids)).map((c) => [c.customerId, c.name]));

/** Gloux's catalogue by product id. */
export async function productCatalogue(q: Queryable): Promise<Map<string, ProductInfo>> {
  return new Map(
    (await listProducts(q)).map((p) => [p.productId, { type: p.type, label: p.label }]),
  );
}

/** First and last day of 'YYYY-MM'. */
export function monthBounds(month: string): { from: Day; to: Day } {
  const from = `${month}-01`;
  const next = addDays(from, 32).slice(0, 7);
  return { from, to: addDays(`${next}-01`, -1) };
}

const periodLine = (p: Period) => `Du ${formatDayFr(p.from)} au ${formatDayFr(p.to)}`;
const sum = (values: readonly string[]) => values.reduce((s, v) => s + centsOf(v), 0n);

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

// ---------------------------------------------------------------- 1. card listing

export interface CardDay extends DayTotal {
  readonly payments: readonly MovementRow[];
}

export interface CardListing {
  readonly period: Period;
  readonly days: readonly CardDay[];
  readonly count: number;
  readonly total: string;
}

/** Card payments per bank day with their detail (the page: one period held in memory). */
export async function cardListing(source: ReportSource, period: Period): Promise<CardListing> {
  const totals = await source.run((q) => cardDayTotals(q, period));
  const detail = await collect(
    movementRows(source, period, { methods: ['card'], names: customerNames }),
  );
  const byDay = new Map<string, MovementRow[]>();
  for (const m of detail) byDay.set(m.day, [...(byDay.get(m.day) ?? []), m]);
  return {
    period,
    days: totals.map((t) => ({ ...t, payments: byDay.get(t.day) ?? [] })),
    count: totals.reduce((n, t) => n + t.count, 0),
    total: fromCents(sum(totals.map((t) => t.total))),
  };
}

const movementColumns = [
  { header: 'Jour', kind: 'day' },
  { header: 'Mode', kind: 'text', width: 14 },
  { header: 'Opération', kind: 'text', width: 22 },
  { header: 'Identifiant', kind: 'text', width: 38 },
  { header: 'Référence', kind: 'text', width: 18 },
  { header: 'Client', kind: 'integer', width: 8 },
  { header: 'Adhérent', kind: 'text', width: 28 },
  { header: 'Factures', kind: 'text', width: 30 },
  { header: 'Montant', kind: 'euros' },
] as const;

async function* movementSheetRows(rows: AsyncIterable<MovementRow>): AsyncGenerator<ReportRow> {
  let total = 0n;
  for await (const m of rows) {
    total += centsOf(m.amount);
    yield {
      cells: [
        m.day,
        METHOD_LABELS[m.method] ?? m.method,
        MOVEMENT_LABELS[m.kind] ?? m.kind,
        m.movementId,
        m.reference,
        Number(m.customerId),
        m.customerName,
        m.invoices.map((i) => i.number).join(', '),
        m.amount,
      ],
    };
  }
  yield {
    cells: [null, null, 'Total', null, null, null, null, null, fromCents(total)],
    total: true,
  };
}

/** The card listing as a file: the days, then every payment (streamed). */
export function cardListingDocument(source: ReportSource, period: Period): ReportDocument {
  return {
    fileName: `cartes-${period.from}-${period.to}`,
    sheets: [
      {
        name: 'Cartes par jour',
        heading: ['Paiements par carte par jour de remise', periodLine(period)],
        columns: [
          { header: 'Jour', kind: 'day' },
          { header: 'Nombre', kind: 'integer' },
          { header: 'Total', kind: 'euros' },
        ],
        rows: (async function* () {
          const days = await source.run((q) => cardDayTotals(q, period));
          for (const d of days) yield { cells: [d.day, d.count, d.total] };
          yield {
            cells: [
              null,
              days.reduce((n, d) => n + d.count, 0),
              fromCents(sum(days.map((d) => d.total))),
            ],
            total: true,
          };
        })(),
      },
      {
        name: 'Détail',
        heading: ['Paiements par carte', periodLine(period)],
        columns: [...movementColumns],
        rows: movementSheetRows(
          movementRows(source, period, { methods: ['card'], names: customerNames }),
        ),
      },
    ],
  };
}

// ---------------------------------------------------------------- 2. receipts

export type RecapBy = 'day' | 'month';

export interface MethodFigures {
  readonly count: number;
  readonly total: string;
}

export interface ReceiptsRecapRow {
  /** 'YYYY-MM-DD' or 'YYYY-MM'; 'total' for the totals row. */
  readonly period: string;
  /** First and last day of the row (for the link to its detail). */
  readonly from: Day;
  readonly to: Day;
  readonly methods: Readonly<Record<ReceiptMethod, MethodFigures>>;
  /** Money received (all methods but credit). */
  readonly cash: string;
  /** Customer credit used (not money). */
  readonly credit: string;
}

export interface ReceiptsRecap {
  readonly period: Period;
  readonly by: RecapBy;
  readonly rows: readonly ReceiptsRecapRow[];
  readonly totals: ReceiptsRecapRow;
}

const ALL_METHODS: readonly ReceiptMethod[] = [...CASH_METHODS, 'credit'];

/** Receipts per day or month and method, money apart from the use of credit. */
export async function receiptsRecap(
  source: ReportSource,
  period: Period,
  by: RecapBy,
): Promise<ReceiptsRecap> {
  const rows = await source.run((q) => receiptTotals(q, period, by));
  const acc = new Map<string, Map<ReceiptMethod, { count: number; cents: bigint }>>();
  const bump = (key: string, method: ReceiptMethod, n: number, c: bigint) => {
    const m = acc.get(key) ?? new Map();
    const f = m.get(method) ?? { count: 0, cents: 0n };
    m.set(method, { count: f.count + n, cents: f.cents + c });
    acc.set(key, m);
  };
  for (const r of rows) {
    bump(r.period, r.method, r.count, centsOf(r.total));
    bump('total', r.method, r.count, centsOf(r.total));
  }
  const toRow = (key: string): ReceiptsRecapRow => {
    const m = acc.get(key) ?? new Map();
    const methods = Object.fromEntries(
      ALL_METHODS.map((method) => {
        const f = m.get(method) ?? { count: 0, cents: 0n };
        return [method, { count: f.count, total: fromCents(f.cents) }];
      }),
    ) as Record<ReceiptMethod, MethodFigures>;
    const cash = CASH_METHODS.reduce((s, method) => s + (m.get(method)?.cents ?? 0n), 0n);
    const bounds =
      key === 'total'
        ? { from: period.from, to: period.to }
        : key.length === 7
          ? monthBounds(key)
          : { from: key, to: key };
    return { period: key, ...bounds, methods, cash: fromCents(cash), credit: methods.credit.total };
  };
  const keys = [...acc.keys()].filter((k) => k !== 'total').sort();
  return { period, by, rows: keys.map(toRow), totals: toRow('total') };
}

/** Receipts of the period, one by one (streamed; `methods` filters). */
export function receiptsDetail(
  source: ReportSource,
  period: Period,
  methods?: readonly ReceiptMethod[],
): AsyncGenerator<MovementRow> {
  return movementRows(source, period, { methods, names: customerNames });
}

function recapSheet(recap: ReceiptsRecap): ReportSheet {
  const cells = (r: ReceiptsRecapRow, label: string | null) => [
    label,
    ...CASH_METHODS.map((m) => r.methods[m].total),
    r.cash,
    r.credit,
  ];
  return {
    name: 'Récapitulatif',
    heading: [
      `Encaissements par ${recap.by === 'day' ? 'jour' : 'mois'} et mode de paiement`,
      periodLine(recap.period),
      'Le crédit client utilisé n’est pas un encaissement : il est montré à part.',
    ],
    columns: [
      { header: recap.by === 'day' ? 'Jour' : 'Mois', kind: 'text', width: 15 },
      ...CASH_METHODS.map((m) => ({ header: METHOD_LABELS[m], kind: 'euros' as const })),
      { header: 'Total encaissé', kind: 'euros' },
      { header: 'Crédit utilisé', kind: 'euros' },
    ],
    rows: [
      ...recap.rows.map((r) => ({
        cells: cells(r, recap.by === 'day' ? formatDayFr(r.period) : formatMonthFr(r.period)),
      })),
      { cells: cells(recap.totals, 'Total'), total: true },
    ],
  };
}

/** Receipts as a file: the recap, then every movement (streamed). */
export async function receiptsDocument(
  source: ReportSource,
  period: Period,
  by: RecapBy,
): Promise<ReportDocument> {
  const recap = await receiptsRecap(source, period, by);
  return {
    fileName: `encaissements-${period.from}-${period.to}`,
    sheets: [
      recapSheet(recap),
      {
        name: 'Détail',
        heading: ['Encaissements, remboursements et crédit utilisé', periodLine(period)],
        columns: [...movementColumns],
        rows: movementSheetRows(receiptsDetail(source, period)),
      },
    ],
  };
}

// ---------------------------------------------------------------- 3. revenue by product

export interface RevenueGroup {
  readonly type: RevenueType;
  readonly label: string;
  readonly net: string;
  readonly vat: string;
  /** Share of turnover (net), percent with two decimals; null when turnover is zero. */
  readonly share: string | null;
}

export interface RevenueReport {
  readonly period: Period;
  readonly byType: readonly RevenueGroup[];
  readonly byProduct: readonly (ProductRevenue & { typeLabel: string; share: string | null })[];
  readonly total: { readonly net: string; readonly vat: string };
}

/** Turnover (net invoiced, credit notes deducted) per product type and product, with shares. */
export async function revenueReport(source: ReportSource, period: Period): Promise<RevenueReport> {
  const products = await source.run(async (q) =>
    revenueByProduct(q, period, await productCatalogue(q)),
  );
  const types = new Map<RevenueType, { net: bigint; vat: bigint }>();
  for (const p of products) {
    const t = types.get(p.type) ?? { net: 0n, vat: 0n };
    types.set(p.type, { net: t.net + centsOf(p.net), vat: t.vat + centsOf(p.vat) });
  }
  const typeList = [...types.entries()];
  const typeShares = sharesOfTotal(typeList.map(([, t]) => t.net));
  const productShares = sharesOfTotal(products.map((p) => centsOf(p.net)));
  return {
    period,
    byType: typeList.map(([type, t], i) => ({
      type,
      label: REVENUE_TYPE_LABELS[type],
      net: fromCents(t.net),
      vat: fromCents(t.vat),
      share: typeShares?.[i] ?? null,
    })),
    byProduct: products.map((p, i) => ({
      ...p,
      typeLabel: REVENUE_TYPE_LABELS[p.type],
      share: productShares?.[i] ?? null,
    })),
    total: {
      net: fromCents(sum(products.map((p) => p.net))),
      vat: fromCents(sum(products.map((p) => p.vat))),
    },
  };
}

/** The revenue per type as a bar chart (SVG). */
export function revenueChartSvg(r: RevenueReport): string {
  return barChartSvg(
    r.byType.map((t) => ({
      label: t.label,
      cents: centsOf(t.net),
      note: t.share === null ? '—' : `${t.share.replace('.', ',')} %`,
    })),
    `Chiffre d’affaires HT par type de produit, ${periodLine(r.period).toLowerCase()}`,
  );
}

/** A 'Par produit' sheet: type and product, then `columns`, one row per product and a Total row. */
function productSheet<P extends { typeLabel: string; label: string }>(
  heading: string[],
  columns: ReportColumn[],
  products: readonly P[],
  cells: (p: P) => Cell[],
  totals: Cell[],
): ReportSheet {
  return {
    name: 'Par produit',
    heading,
    columns: [
      { header: 'Type', kind: 'text' },
      { header: 'Produit', kind: 'text', width: 36 },
      ...columns,
    ],
    rows: [
      ...products.map((p) => ({ cells: [p.typeLabel, p.label, ...cells(p)] })),
      { cells: ['Total', null, ...totals], total: true },
    ],
  };
}

export async function revenueDocument(
  source: ReportSource,
  period: Period,
): Promise<ReportDocument> {
  const r = await revenueReport(source, period);
  const heading = [
    'Chiffre d’affaires HT par type de produit (factures moins avoirs)',
    periodLine(period),
  ];
  return {
    fileName: `chiffre-affaires-${period.from}-${period.to}`,
    sheets: [
      {
        name: 'Par type',
        heading,
        columns: [
          { header: 'Type', kind: 'text' },
          { header: 'HT', kind: 'euros' },
          { header: 'TVA', kind: 'euros' },
          { header: 'Part du CA', kind: 'percent' },
        ],
        rows: [
          ...r.byType.map((t) => ({ cells: [t.label, t.net, t.vat, t.share] })),
          {
            cells: ['Total', r.total.net, r.total.vat, r.byType.length ? '100.00' : null],
            total: true,
          },
        ],
      },
      productSheet(
        heading,
        [
          { header: 'Lignes', kind: 'integer' },
          { header: 'HT', kind: 'euros' },
          { header: 'TVA', kind: 'euros' },
          { header: 'Part du CA', kind: 'percent' },
        ],
        r.byProduct,
        (p) => [p.lines, p.net, p.vat, p.share],
        [
          r.byProduct.reduce((n, p) => n + p.lines, 0),
          r.total.net,
          r.total.vat,
          r.byProduct.length ? '100.00' : null,
        ],
      ),
      {
        name: 'Lignes',
        heading: ['Lignes de factures et d’avoirs', periodLine(period)],
        columns: [
          { header: 'Date', kind: 'day' },
          { header: 'Document', kind: 'text', width: 16 },
          { header: 'Client', kind: 'integer', width: 8 },
          { header: 'Libellé', kind: 'text', width: 40 },
          { header: 'Taux (%)', kind: 'text', width: 10 },
          { header: 'HT', kind: 'euros' },
          { header: 'TVA', kind: 'euros' },
        ],
        rows: (async function* () {
          for await (const l of revenueLines(source, period, null))
            yield {
              cells: [
                l.day,
                l.documentKind === 'correction' ? `Régularisation ${l.number}` : l.number,
                Number(l.customerId),
                l.label,
                l.vatRate,
                l.net,
                l.vat,
              ],
            };
        })(),
      },
    ],
  };
}

// ---------------------------------------------------------------- 4. allocation per product

export interface AllocationByProduct {
  readonly fiscalYear: number;
  readonly products: readonly (ProductAllocation & { typeLabel: string })[];
  readonly totals: { previous: string; current: string; next: string; total: string };
}

export async function allocationProducts(
  source: ReportSource,
  fy: number,
): Promise<AllocationByProduct> {
  const products = await source.run(async (q) =>
    allocationByProduct(q, fy, await productCatalogue(q)),
  );
  const s = (k: 'previous' | 'current' | 'next' | 'total') =>
    fromCents(sum(products.map((p) => p[k])));
  return {
    fiscalYear: fy,
    products: products.map((p) => ({ ...p, typeLabel: REVENUE_TYPE_LABELS[p.type] })),
    totals: { previous: s('previous'), current: s('current'), next: s('next'), total: s('total') },
  };
}

export function allocationDetailRows(
  source: ReportSource,
  fy: number,
  productKey: string | null,
): AsyncGenerator<AllocationDetailRow> {
  return allocationDetail(source, fy, productKey);
}

export async function allocationDocument(
  source: ReportSource,
  fy: number,
  productKey: string | null = null,
): Promise<ReportDocument> {
  const a = await allocationProducts(source, fy);
  const heading = [`Répartition N-1 / N / N+1 du HT encaissé — exercice ${fy}`];
  return {
    fileName: `repartition-${fy}${productKey ? `-produit-${productKey}` : ''}`,
    sheets: [
      productSheet(
        heading,
        [
          { header: 'HT N-1', kind: 'euros' },
          { header: 'HT N', kind: 'euros' },
          { header: 'HT N+1', kind: 'euros' },
          { header: 'Total HT', kind: 'euros' },
        ],
        a.products,
        (p) => [p.previous, p.current, p.next, p.total],
        [a.totals.previous, a.totals.current, a.totals.next, a.totals.total],
      ),
      {
        name: 'Détail',
        heading: productKey
          ? [
              ...heading,
              `Produit ${a.products.find((p) => p.productKey === productKey)?.label ?? productKey}`,
            ]
          : heading,
        columns: [
          { header: 'Jour', kind: 'day' },
          { header: 'Opération', kind: 'text', width: 14 },
          { header: 'Identifiant', kind: 'text', width: 38 },
          { header: 'Mode', kind: 'text', width: 12 },
          { header: 'Référence', kind: 'text', width: 18 },
          { header: 'Facture', kind: 'text', width: 16 },
          { header: 'Client', kind: 'integer', width: 8 },
          { header: 'HT N-1', kind: 'euros' },
          { header: 'HT N', kind: 'euros' },
          { header: 'HT N+1', kind: 'euros' },
        ],
        rows: (async function* () {
          const t = { p: 0n, c: 0n, x: 0n };
          for await (const r of allocationDetail(source, fy, productKey)) {
            t.p += centsOf(r.previous);
            t.c += centsOf(r.current);
            t.x += centsOf(r.next);
            yield {
              cells: [
                r.day,
                ALLOCATION_KIND_LABELS[r.kind] ?? r.kind,
                r.sourceId,
                r.method ? (METHOD_LABELS[r.method as ReceiptMethod] ?? r.method) : '',
                r.reference,
                r.invoiceNumber,
                r.customerId ? Number(r.customerId) : null,
                r.previous,
                r.current,
                r.next,
              ],
            };
          }
          yield {
            cells: [
              null,
              'Total',
              null,
              null,
              null,
              null,
              null,
              fromCents(t.p),
              fromCents(t.c),
              fromCents(t.x),
            ],
            total: true,
          };
        })(),
      },
    ],
  };
}

// ---------------------------------------------------------------- 5. VAT

export interface VatRateFigures extends VatMonthRate {
  /** CA3: base and VAT rounded to the euro (half away from zero). */
  readonly ca3Base: string;
  readonly ca3Vat: string;
}

export interface VatMonth {
  readonly month: string;
  /** First and last day of the month (for the link to its receipts). */
  readonly from: Day;
  readonly to: Day;
  readonly rates: readonly VatRateFigures[];
  readonly base: string;
  readonly vat: string;
}

export interface VatReport {
  readonly period: Period;
  readonly months: readonly VatMonth[];
  /** Per rate over the whole period. */
  readonly rates: readonly { rate: string; base: string; vat: string }[];
  readonly base: string;
  readonly vat: string;
}

const euro = (c: string) => roundToEuro(centsOf(c)).toString();

/** VAT due on receipts per month and rate, with the CA3 figures. */
export async function vatReport(source: ReportSource, period: Period): Promise<VatReport> {
  const rows = await source.run((q) => vatByMonth(q, period));
  const months = new Map<string, VatRateFigures[]>();
  const rates = new Map<string, { base: bigint; vat: bigint }>();
  for (const r of rows) {
    months.set(r.month, [
      ...(months.get(r.month) ?? []),
      { ...r, ca3Base: euro(r.base), ca3Vat: euro(r.vat) },
    ]);
    const t = rates.get(r.rate) ?? { base: 0n, vat: 0n };
    rates.set(r.rate, { base: t.base + centsOf(r.base), vat: t.vat + centsOf(r.vat) });
  }
  return {
    period,
    months: [...months.entries()].map(([month, list]) => ({
      month,
      ...monthBounds(month),
      rates: list,
      base: fromCents(sum(list.map((l) => l.base))),
      vat: fromCents(sum(list.map((l) => l.vat))),
    })),
    rates: [...rates.entries()]
      .sort((a, b) => Number(b[0]) - Number(a[0]))
      .map(([rate, t]) => ({ rate, base: fromCents(t.base), vat: fromCents(t.vat) })),
    base: fromCents(sum(rows.map((r) => r.base))),
    vat: fromCents(sum(rows.map((r) => r.vat))),
  };
}

export function vatDetailRows(source: ReportSource, period: Period) {
  return vatDetail(source, period);
}

export async function vatDocument(source: ReportSource, period: Period): Promise<ReportDocument> {
  const r = await vatReport(source, period);
  return {
    fileName: `tva-${period.from}-${period.to}`,
    sheets: [
      {
        name: 'TVA par mois',
        heading: [
          'TVA due sur les encaissements, par mois et par taux (CA3 arrondie à l’euro)',
          periodLine(period),
        ],
        columns: [
          { header: 'Mois', kind: 'text', width: 15 },
          { header: 'Taux (%)', kind: 'text', width: 10 },
          { header: 'Base HT', kind: 'euros' },
          { header: 'TVA', kind: 'euros' },
          { header: 'CA3 base (€)', kind: 'integer' },
          { header: 'CA3 TVA (€)', kind: 'integer' },
        ],
        rows: [
          ...r.months.flatMap((m) =>
            m.rates.map((x) => ({
              cells: [
                formatMonthFr(m.month),
                x.rate,
                x.base,
                x.vat,
                Number(x.ca3Base),
                Number(x.ca3Vat),
              ],
            })),
          ),
          { cells: ['Total', null, r.base, r.vat, null, null], total: true },
        ],
      },
      {
        name: 'Détail',
        heading: ['Encaissements derrière la TVA (paiement × facture × taux)', periodLine(period)],
        columns: [
          { header: 'Jour', kind: 'day' },
          { header: 'Opération', kind: 'text', width: 14 },
          { header: 'Identifiant', kind: 'text', width: 38 },
          { header: 'Facture', kind: 'text', width: 16 },
          { header: 'Taux (%)', kind: 'text', width: 10 },
          { header: 'Base HT', kind: 'euros' },
          { header: 'TVA', kind: 'euros' },
        ],
        rows: (async function* () {
          let b = 0n;
          let v = 0n;
          for await (const d of vatDetail(source, period)) {
            b += centsOf(d.base);
            v += centsOf(d.vat);
            yield {
              cells: [
                d.day,
                ALLOCATION_KIND_LABELS[d.kind] ?? d.kind,
                d.sourceId,
                d.invoiceNumber,
                d.rate,
                d.base,
                d.vat,
              ],
            };
          }
          yield {
            cells: [null, 'Total', null, null, null, fromCents(b), fromCents(v)],
            total: true,
          };
        })(),
      },
    ],
  };
}

// ---------------------------------------------------------------- VAT rate history

export interface VatRateHistoryRow {
  readonly category: string;
  readonly categoryLabel: string;
  readonly rate: string;
  readonly effectiveFrom: Day;
  /** Last day in force (the day before the next entry of the category), null if still in force. */
  readonly effectiveTo: Day | null;
  readonly reason: string;
}

export async function vatRateHistory(source: ReportSource): Promise<VatRateHistoryRow[]> {
  const entries = await source.run((q) => vatSchedule(q));
  // Entries for the same day: the one recorded last wins (a correction); keep it only.
  const effective = new Map<string, (typeof entries)[number]>();
  for (const e of entries) effective.set(`${e.category}|${e.effectiveFrom}`, e);
  const list = [...effective.values()].sort((a, b) =>
    a.category === b.category
      ? a.effectiveFrom.localeCompare(b.effectiveFrom)
      : a.category.localeCompare(b.category),
  );
  return list.map((e, i) => {
    const next = list[i + 1];
    return {
      category: e.category,
      categoryLabel: VAT_CATEGORY_LABELS[e.category],
      rate: e.rate,
      effectiveFrom: e.effectiveFrom,
      effectiveTo: next && next.category === e.category ? addDays(next.effectiveFrom, -1) : null,
      reason: e.reason,
    };
  });
}

export async function vatRatesDocument(source: ReportSource): Promise<ReportDocument> {
  const rows = await vatRateHistory(source);
  return {
    fileName: 'taux-tva',
    sheets: [
      {
        name: 'Taux de TVA',
        heading: ['Historique des taux de TVA'],
        columns: [
          { header: 'Catégorie', kind: 'text' },
          { header: 'Taux (%)', kind: 'text', width: 10 },
          { header: 'Depuis le', kind: 'day' },
          { header: 'Jusqu’au', kind: 'day' },
          { header: 'Motif', kind: 'text', width: 40 },
        ],
        rows: rows.map((r) => ({
          cells: [r.categoryLabel, r.rate, r.effectiveFrom, r.effectiveTo, r.reason],
        })),
      },
    ],
  };
}
