import type { LineKind } from '../../domain/billing/events.js';
import type { ProductType } from '../../domain/catalogue/catalogue.js';
import type { Day } from '../../domain/shared/day.js';
import {
  canonicalRate,
  revenueTypeOf,
  type MovementKind,
  type ReceiptMethod,
  type RevenueType,
} from '../../domain/treasury/treasury.js';
import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents } from '../../domain/shared/cents.js';
import {
  joinedPairFields,
  MOVEMENT_COLUMNS,
  reportedKind,
  type JoinedPairRow,
} from '../payment-allocation/payment-allocation.queries.js';

/**
 * The treasurer's reports over the read models, in SQL: sums and counts are computed by the
 * database in integer cents; detail rows stream in keyset-paginated batches, each batch its own
 * short unit of work, so a year of a large history never sits in memory nor holds the database.
 */

/** Days included at both ends. */
export interface Period {
  readonly from: Day;
  readonly to: Day;
}

/** What the reports read from: the app's Db (or anything running a unit of work). */
export interface ReportSource {
  run<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
}

/** Integer cents as the drivers return them (number, string or bigint) → bigint. */
export function dbCents(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return BigInt(String(v ?? '0').split('.')[0] || '0');
}

const count = (v: unknown) => Number(v ?? 0);

// ---------------------------------------------------------------- card listing, receipts

export interface DayTotal {
  readonly day: Day;
  readonly count: number;
  readonly total: string;
}

/** Card payments per bank day (reversals count on their own day, negative), as Gloux's G7. */
export async function cardDayTotals(q: Queryable, period: Period): Promise<DayTotal[]> {
  const rows = await q.query<{ on_day: string; n: unknown; c: unknown }>(
    `SELECT on_day, COUNT(*) AS n, SUM(amount_cents) AS c FROM g2_rm_cash_movements
      WHERE method = 'card' AND on_day BETWEEN ? AND ? GROUP BY on_day ORDER BY on_day`,
    [period.from, period.to],
  );
  return rows.map((r) => ({ day: r.on_day, count: count(r.n), total: fromCents(r.c) }));
}

export interface MovementInvoice {
  readonly invoiceId: string;
  readonly number: string;
  readonly amount: string;
}

export interface MovementRow {
  readonly movementId: string;
  readonly kind: MovementKind;
  readonly method: ReceiptMethod;
  readonly day: Day;
  readonly customerId: string;
  readonly customerName: string;
  readonly amount: string;
  readonly reference: string;
  /** The payment a reversal takes back. */
  readonly paymentId: string | null;
  /** The invoices it pays (negative: that it takes back), by number. */
  readonly invoices: readonly MovementInvoice[];
}

/**
 * Every movement of the period (payments, reversals, refunds of credit, uses of credit), by
 * day then id, with the invoices each touches and the member's name; `methods` filters.
 */
export async function* movementRows(
  source: ReportSource,
  period: Period,
  options: { methods?: readonly ReceiptMethod[]; batchSize?: number; names?: CustomerNames } = {},
): AsyncGenerator<MovementRow> {
  const size = options.batchSize ?? 1000;
  const methods = options.methods ?? [];
  const methodFilter =
    methods.length > 0 ? ` AND method IN (${methods.map(() => '?').join(', ')})` : '';
  let after: { day: string; id: string } | null = null;
  for (;;) {
    const cursor: { day: string; id: string } | null = after;
    const batch: MovementRow[] = await source.run(async (q) => {
      const rows = await q.query<{
        movement_id: string;
        kind: string;
        method: string;
        on_day: string;
        customer_id: string;
        amount_cents: unknown;
        reference: string;
        payment_id: string | null;
        invoice_id: string | null;
      }>(
        `SELECT movement_id, kind, method, on_day, customer_id, amount_cents, reference, payment_id, invoice_id
           FROM g2_rm_cash_movements
          WHERE on_day BETWEEN ? AND ?${methodFilter}
            ${cursor ? 'AND (on_day > ? OR movement_id > ?)' : ''}
          ORDER BY on_day, movement_id LIMIT ${size}`,
        // After the first batch the range starts at the cursor's day: an index seek, not a rescan.
        [
          cursor ? cursor.day : period.from,
          period.to,
          ...methods,
          ...(cursor ? [cursor.day, cursor.id] : []),
        ],
      );
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.movement_id);
      const links = await q.query<{
        payment_id: string;
        invoice_id: string;
        number: string;
        amount_cents: unknown;
      }>(
        `SELECT ip.payment_id, ip.invoice_id, i.number, ip.amount_cents
           FROM g2_rm_invoice_payments ip JOIN g2_rm_invoices i ON i.invoice_id = ip.invoice_id
          WHERE ip.payment_id IN (${ids.map(() => '?').join(', ')})
          ORDER BY i.number`,
        ids,
      );
      const invoices = new Map<string, MovementInvoice[]>();
      for (const l of links) {
        const list = invoices.get(l.payment_id) ?? [];
        list.push({ invoiceId: l.invoice_id, number: l.number, amount: fromCents(l.amount_cents) });
        invoices.set(l.payment_id, list);
      }
      const names = options.names
        ? await options.names(q, [...new Set(rows.map((r) => r.customer_id))])
        : new Map<string, string>();
      return rows.map((r) => ({
        movementId: r.movement_id,
        kind: r.kind as MovementKind,
        method: r.method as ReceiptMethod,
        day: r.on_day,
        customerId: r.customer_id,
        customerName: names.get(r.customer_id) ?? '',
        amount: fromCents(r.amount_cents),
        reference: r.reference,
        paymentId: r.payment_id,
        invoices: invoices.get(r.movement_id) ?? [],
      }));
    });
    for (const row of batch) yield row;
    if (batch.length < size) return;
    const last = batch[batch.length - 1]!;
    after = { day: last.day, id: last.movementId };
  }
}

/** Names of members by customer id (legacy-sync reads them from Gloux's tables). */
export type CustomerNames = (
  q: Queryable,
  customerIds: readonly string[],
) => Promise<ReadonlyMap<string, string>>;

export interface ReceiptTotal {
  /** 'YYYY-MM-DD' (per day) or 'YYYY-MM' (per month). */
  readonly period: string;
  readonly method: ReceiptMethod;
  readonly count: number;
  readonly total: string;
}

/** Receipts per day or month and method (credit included, as method 'credit'). */
export async function receiptTotals(
  q: Queryable,
  period: Period,
  by: 'day' | 'month',
): Promise<ReceiptTotal[]> {
  const key = by === 'day' ? 'on_day' : 'SUBSTR(on_day, 1, 7)';
  const rows = await q.query<{ p: string; method: string; n: unknown; c: unknown }>(
    `SELECT ${key} AS p, method, COUNT(*) AS n, SUM(amount_cents) AS c FROM g2_rm_cash_movements
      WHERE on_day BETWEEN ? AND ? GROUP BY ${key}, method ORDER BY p, method`,
    [period.from, period.to],
  );
  return rows.map((r) => ({
    period: r.p,
    method: r.method as ReceiptMethod,
    count: count(r.n),
    total: fromCents(r.c),
  }));
}

// ---------------------------------------------------------------- revenue by product

/** A product of the catalogue as the reports need it. */
export interface ProductInfo {
  readonly type: ProductType;
  readonly label: string;
}

export interface ProductRevenue {
  /** Gloux's id_produit, or the kind of line when it names no product ('discount'…). */
  readonly productKey: string;
  readonly label: string;
  readonly type: RevenueType;
  readonly lines: number;
  readonly net: string;
  readonly vat: string;
}

/**
 * Net and VAT invoiced per product over the period (invoice and credit-note dates; credit
 * notes negative), with each line's product type from the catalogue.
 */
export async function revenueByProduct(
  q: Queryable,
  period: Period,
  products: ReadonlyMap<string, ProductInfo>,
): Promise<ProductRevenue[]> {
  const rows = await q.query<{
    line_kind: string;
    product_id: string;
    n: unknown;
    net: unknown;
    vat: unknown;
  }>(
    `SELECT line_kind, product_id, COUNT(*) AS n, SUM(net_cents) AS net, SUM(vat_cents) AS vat
       FROM g2_rm_revenue_lines WHERE issued_on BETWEEN ? AND ?
      GROUP BY line_kind, product_id`,
    [period.from, period.to],
  );
  return mergeByProduct(
    rows.map((r) => ({
      kind: r.line_kind as LineKind,
      productId: r.product_id,
      lines: count(r.n),
      sums: { net: dbCents(r.net), vat: dbCents(r.vat) },
    })),
    products,
  ).map((p) => ({
    productKey: p.productKey,
    label: p.label,
    type: p.type,
    lines: p.lines,
    net: fromCents(p.sums.net ?? 0n),
    vat: fromCents(p.sums.vat ?? 0n),
  }));
}

interface RevenueLineDbRow {
  [key: string]: unknown;
  document_id: string;
  line_id: string;
  document_kind: string;
  number: string;
  issued_on: string;
  customer_id: string;
  label: string;
  vat_rate: string;
  net_cents: unknown;
  vat_cents: unknown;
}

export interface RevenueLineRow {
  readonly documentId: string;
  /** 'correction': Gloux's later change to an invoice's lines (the difference, on its day). */
  readonly documentKind: 'invoice' | 'credit_note' | 'correction';
  readonly number: string;
  readonly day: Day;
  readonly customerId: string;
  readonly label: string;
  readonly vatRate: string;
  readonly net: string;
  readonly vat: string;
}

/** The invoice and credit-note lines over the period, of one product (key as productKeyOf) or all. */
export async function* revenueLines(
  source: ReportSource,
  period: Period,
  productKey: string | null,
  batchSize = 1000,
): AsyncGenerator<RevenueLineRow> {
  const productFilter =
    productKey === null
      ? ''
      : /^\d+$/.test(productKey)
        ? ' AND product_id = ?'
        : ` AND product_id = '' AND line_kind = ?`;
  type Cursor = { day: string; doc: string; line: string };
  let after: Cursor | null = null;
  for (;;) {
    const cursor: Cursor | null = after;
    const rows: RevenueLineDbRow[] = await source.run((q) =>
      q.query<RevenueLineDbRow>(
        `SELECT document_id, line_id, document_kind, number, issued_on, customer_id, label, vat_rate, net_cents, vat_cents
           FROM g2_rm_revenue_lines
          WHERE issued_on BETWEEN ? AND ?${productFilter}
            ${cursor ? 'AND (issued_on > ? OR document_id > ? OR (document_id = ? AND line_id > ?))' : ''}
          ORDER BY issued_on, document_id, line_id LIMIT ${batchSize}`,
        [
          cursor ? cursor.day : period.from,
          period.to,
          ...(productKey === null ? [] : [productKey]),
          ...(cursor ? [cursor.day, cursor.doc, cursor.doc, cursor.line] : []),
        ],
      ),
    );
    for (const r of rows)
      yield {
        documentId: r.document_id,
        documentKind: r.document_kind as RevenueLineRow['documentKind'],
        number: r.number,
        day: r.issued_on,
        customerId: r.customer_id,
        label: r.label,
        vatRate: r.vat_rate,
        net: fromCents(r.net_cents),
        vat: fromCents(r.vat_cents),
      };
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { day: last.issued_on, doc: last.document_id, line: last.line_id };
  }
}

/** The key a line is reported under: its product, else its kind. */
export function productKeyOf(kind: string, productId: string): string {
  return productId !== '' ? productId : kind;
}

const KIND_LABELS: Readonly<Record<LineKind, string>> = {
  subscription: 'Abonnement sans produit',
  option: 'Option sans produit',
  prorata: 'Prorata sans produit',
  overage: 'Dépassement',
  discount: 'Remise',
  misc: 'Divers',
};

/** Groups (kind, product) sums by product key, in type then label order. */
function mergeByProduct<S extends Record<string, bigint>>(
  rows: readonly { kind: LineKind; productId: string; lines: number; sums: S }[],
  products: ReadonlyMap<string, ProductInfo>,
): { productKey: string; label: string; type: RevenueType; lines: number; sums: Partial<S> }[] {
  const out = new Map<
    string,
    { productKey: string; label: string; type: RevenueType; lines: number; sums: Partial<S> }
  >();
  for (const r of rows) {
    const key = productKeyOf(r.kind, r.productId);
    const product = r.productId !== '' ? products.get(r.productId) : undefined;
    const entry = out.get(key) ?? {
      productKey: key,
      label:
        product?.label ??
        (r.productId !== '' ? `Produit ${r.productId}` : (KIND_LABELS[r.kind] ?? r.kind)),
      type: revenueTypeOf(r.kind, product?.type ?? null),
      lines: 0,
      sums: {} as Partial<S>,
    };
    entry.lines += r.lines;
    for (const [k, v] of Object.entries(r.sums) as [keyof S, bigint][])
      entry.sums[k] = ((entry.sums[k] ?? 0n) + v) as S[keyof S];
    out.set(key, entry);
  }
  return [...out.values()].sort((a, b) =>
    a.type === b.type ? a.label.localeCompare(b.label, 'fr') : a.type.localeCompare(b.type),
  );
}

// ---------------------------------------------------------------- allocation per product

export interface ProductAllocation {
  readonly productKey: string;
  readonly label: string;
  readonly type: RevenueType;
  readonly previous: string;
  readonly current: string;
  readonly next: string;
  readonly total: string;
}

/** The net received in fiscal year `fy`, per product and bucket (N-1 / N / N+1). */
export async function allocationByProduct(
  q: Queryable,
  fy: number,
  products: ReadonlyMap<string, ProductInfo>,
): Promise<ProductAllocation[]> {
  const rows = await q.query<{
    line_kind: string;
    product_id: string;
    n: unknown;
    p: unknown;
    c: unknown;
    x: unknown;
  }>(
    `SELECT rl.line_kind, rl.product_id, COUNT(*) AS n,
            SUM(CASE WHEN py.bucket = 'N-1' THEN py.net_cents ELSE 0 END) AS p,
            SUM(CASE WHEN py.bucket = 'N' THEN py.net_cents ELSE 0 END) AS c,
            SUM(CASE WHEN py.bucket = 'N+1' THEN py.net_cents ELSE 0 END) AS x
       FROM g2_rm_payment_years py
       JOIN g2_rm_revenue_lines rl ON rl.document_id = py.invoice_id AND rl.line_id = py.line_id
      WHERE py.payment_fy = ?
      GROUP BY rl.line_kind, rl.product_id`,
    [fy],
  );
  return mergeByProduct(
    rows.map((r) => ({
      kind: r.line_kind as LineKind,
      productId: r.product_id,
      lines: count(r.n),
      sums: { p: dbCents(r.p), c: dbCents(r.c), x: dbCents(r.x) },
    })),
    products,
  ).map((e) => {
    const [p, c, x] = [e.sums.p ?? 0n, e.sums.c ?? 0n, e.sums.x ?? 0n];
    return {
      productKey: e.productKey,
      label: e.label,
      type: e.type,
      previous: fromCents(p),
      current: fromCents(c),
      next: fromCents(x),
      total: fromCents(p + c + x),
    };
  });
}

export interface AllocationDetailRow {
  /** The payment, reversal, use of credit or credit note the row comes from. */
  readonly sourceId: string;
  /** payment | reversal | credit_note | correction (as the allocation projection names them). */
  readonly kind: string;
  readonly day: Day;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  /** Method and reference of the movement of money (empty for a credit note). */
  readonly method: string;
  readonly reference: string;
  readonly previous: string;
  readonly current: string;
  readonly next: string;
}

/**
 * Each payment (or reversal, use of credit, credit note) of fiscal year `fy` with its net split
 * N-1 / N / N+1 on each invoice, restricted to one product when `productKey` is given.
 */
export async function* allocationDetail(
  source: ReportSource,
  fy: number,
  productKey: string | null,
  batchSize = 1000,
): AsyncGenerator<AllocationDetailRow> {
  let after: DetailCursor | null = null;
  for (;;) {
    const cursor: DetailCursor | null = after;
    const batch: AllocationDetailRow[] = await source.run((q) =>
      detailRows(q, fy, productKey, { cursor, limit: batchSize }),
    );
    for (const row of batch) yield row;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1]!;
    after = { day: last.day, source: last.sourceId, invoice: last.invoiceId };
  }
}

/** One page of allocationDetail's rows (same order), and how many rows there are in all. */
export async function allocationDetailPage(
  q: Queryable,
  fy: number,
  productKey: string | null,
  offset: number,
  limit: number,
): Promise<{ rows: AllocationDetailRow[]; rowCount: number }> {
  const filter = detailFilter(productKey);
  const [total] = await q.query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM (
       SELECT py.payment_id
         FROM g2_rm_payment_years py
         JOIN g2_rm_revenue_lines rl ON rl.document_id = py.invoice_id AND rl.line_id = py.line_id
        WHERE py.payment_fy = ?${filter.sql}
        GROUP BY py.paid_on, py.payment_id, py.invoice_id) t`,
    [fy, ...filter.params],
  );
  return {
    rows: await detailRows(q, fy, productKey, { cursor: null, limit, offset }),
    rowCount: count(total?.n),
  };
}

interface DetailCursor {
  day: string;
  source: string;
  invoice: string;
}

function detailFilter(productKey: string | null): { sql: string; params: string[] } {
  if (productKey === null) return { sql: '', params: [] };
  return {
    sql: /^\d+$/.test(productKey)
      ? ' AND rl.product_id = ?'
      : ` AND rl.product_id = '' AND rl.line_kind = ?`,
    params: [productKey],
  };
}

/** Rows after `cursor` (keyset, for streaming) or from `offset` (a page), `limit` of them. */
async function detailRows(
  q: Queryable,
  fy: number,
  productKey: string | null,
  at: { cursor: DetailCursor | null; limit: number; offset?: number },
): Promise<AllocationDetailRow[]> {
  const { cursor } = at;
  const filter = detailFilter(productKey);
  const offset = at.offset ? ` OFFSET ${Math.floor(at.offset)}` : '';
  // Grouped first, then joined to the invoice and the movement of money, one statement a page.
  const rows = await q.query<JoinedPairRow & { p: unknown; c: unknown; x: unknown }>(
    `SELECT g.*, i.number, i.customer_id, ${MOVEMENT_COLUMNS} FROM (
       SELECT py.paid_on, py.payment_id, py.invoice_id, MIN(py.kind) AS kind,
              SUM(CASE WHEN py.bucket = 'N-1' THEN py.net_cents ELSE 0 END) AS p,
              SUM(CASE WHEN py.bucket = 'N' THEN py.net_cents ELSE 0 END) AS c,
              SUM(CASE WHEN py.bucket = 'N+1' THEN py.net_cents ELSE 0 END) AS x
         FROM g2_rm_payment_years py
         JOIN g2_rm_revenue_lines rl ON rl.document_id = py.invoice_id AND rl.line_id = py.line_id
        WHERE py.payment_fy = ?${filter.sql}
          ${cursor ? 'AND py.paid_on >= ? AND (py.paid_on > ? OR py.payment_id > ? OR (py.payment_id = ? AND py.invoice_id > ?))' : ''}
        GROUP BY py.paid_on, py.payment_id, py.invoice_id
        ORDER BY py.paid_on, py.payment_id, py.invoice_id LIMIT ${Math.floor(at.limit)}${offset}) g
       LEFT JOIN g2_rm_invoices i ON i.invoice_id = g.invoice_id
       LEFT JOIN g2_rm_cash_movements m ON m.movement_id = g.payment_id
      ORDER BY g.paid_on, g.payment_id, g.invoice_id`,
    [
      fy,
      ...filter.params,
      ...(cursor ? [cursor.day, cursor.day, cursor.source, cursor.source, cursor.invoice] : []),
    ],
  );
  return rows.map((r) => ({
    sourceId: r.payment_id,
    day: r.paid_on,
    ...joinedPairFields(r),
    previous: fromCents(r.p),
    current: fromCents(r.c),
    next: fromCents(r.x),
  }));
}

// ---------------------------------------------------------------- VAT on receipts

export interface VatMonthRate {
  /** 'YYYY-MM'. */
  readonly month: string;
  /** Canonical rate in percent ('20', '19.6', '0'). */
  readonly rate: string;
  readonly base: string;
  readonly vat: string;
}

/**
 * VAT due on receipts (TVA sur les encaissements, docs/accounting.md §3): per month of payment and
 * rate, the VAT part and the net part of what was received (reversals and credit notes
 * negative on their own day).
 */
export async function vatByMonth(q: Queryable, period: Period): Promise<VatMonthRate[]> {
  const vat = await q.query<{ m: string; vat_rate: string; c: unknown }>(
    `SELECT SUBSTR(paid_on, 1, 7) AS m, vat_rate, SUM(vat_cents) AS c FROM g2_rm_payment_lines
      WHERE paid_on BETWEEN ? AND ? GROUP BY SUBSTR(paid_on, 1, 7), vat_rate`,
    [period.from, period.to],
  );
  const base = await q.query<{ m: string; vat_rate: string; c: unknown }>(
    `SELECT SUBSTR(py.paid_on, 1, 7) AS m, pl.vat_rate, SUM(py.net_cents) AS c
       FROM g2_rm_payment_years py
       JOIN g2_rm_payment_lines pl
         ON pl.payment_id = py.payment_id AND pl.invoice_id = py.invoice_id AND pl.line_id = py.line_id
        AND pl.paid_on = py.paid_on
      WHERE py.paid_on BETWEEN ? AND ? GROUP BY SUBSTR(py.paid_on, 1, 7), pl.vat_rate`,
    [period.from, period.to],
  );
  const out = new Map<string, { month: string; rate: string; base: bigint; vat: bigint }>();
  const entry = (m: string, rate: string) => {
    const r = canonicalRate(rate);
    const key = `${m}|${r}`;
    const e = out.get(key) ?? { month: m, rate: r, base: 0n, vat: 0n };
    out.set(key, e);
    return e;
  };
  for (const v of vat) entry(v.m, v.vat_rate).vat += dbCents(v.c);
  for (const b of base) entry(b.m, b.vat_rate).base += dbCents(b.c);
  return [...out.values()]
    .sort((a, b) =>
      a.month === b.month ? Number(b.rate) - Number(a.rate) : a.month.localeCompare(b.month),
    )
    .map((e) => ({ month: e.month, rate: e.rate, base: fromCents(e.base), vat: fromCents(e.vat) }));
}

export interface VatDetailRow {
  readonly day: Day;
  readonly sourceId: string;
  readonly kind: string;
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly rate: string;
  readonly base: string;
  readonly vat: string;
}

/** The receipts behind the VAT figures: each payment × invoice × rate of the period. */
export async function* vatDetail(
  source: ReportSource,
  period: Period,
  batchSize = 1000,
): AsyncGenerator<VatDetailRow> {
  let after: { day: string; source: string; invoice: string; rate: string } | null = null;
  for (;;) {
    const cursor: typeof after = after;
    const batch: VatDetailRow[] = await source.run(async (q) => {
      const rows = await q.query<{
        paid_on: string;
        payment_id: string;
        invoice_id: string;
        vat_rate: string;
        kind: string;
        number: string;
        movement_kind: string | null;
        movement_on: string | null;
        v: unknown;
        b: unknown;
      }>(
        `SELECT pl.paid_on, pl.payment_id, pl.invoice_id, pl.vat_rate, MIN(pl.kind) AS kind, MIN(i.number) AS number,
                MIN(m.kind) AS movement_kind, MIN(m.on_day) AS movement_on,
                SUM(pl.vat_cents) AS v,
                SUM((SELECT COALESCE(SUM(py.net_cents), 0) FROM g2_rm_payment_years py
                      WHERE py.payment_id = pl.payment_id AND py.invoice_id = pl.invoice_id AND py.line_id = pl.line_id
                        AND py.paid_on = pl.paid_on)) AS b
           FROM g2_rm_payment_lines pl JOIN g2_rm_invoices i ON i.invoice_id = pl.invoice_id
           LEFT JOIN g2_rm_cash_movements m ON m.movement_id = pl.payment_id
          WHERE pl.paid_on BETWEEN ? AND ?
            ${cursor ? 'AND pl.paid_on >= ? AND (pl.paid_on > ? OR pl.payment_id > ? OR (pl.payment_id = ? AND (pl.invoice_id > ? OR (pl.invoice_id = ? AND pl.vat_rate > ?))))' : ''}
          GROUP BY pl.paid_on, pl.payment_id, pl.invoice_id, pl.vat_rate
          ORDER BY pl.paid_on, pl.payment_id, pl.invoice_id, pl.vat_rate LIMIT ${batchSize}`,
        [
          period.from,
          period.to,
          ...(cursor
            ? [
                cursor.day,
                cursor.day,
                cursor.source,
                cursor.source,
                cursor.invoice,
                cursor.invoice,
                cursor.rate,
              ]
            : []),
        ],
      );
      return rows.map((r) => ({
        day: r.paid_on,
        sourceId: r.payment_id,
        kind: reportedKind(r),
        invoiceId: r.invoice_id,
        invoiceNumber: r.number,
        rate: r.vat_rate,
        base: fromCents(r.b),
        vat: fromCents(r.v),
      }));
    });
    for (const row of batch) yield row;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1]!;
    after = { day: last.day, source: last.sourceId, invoice: last.invoiceId, rate: last.rate };
  }
}
