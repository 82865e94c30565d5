import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { REVENUE_ACCOUNTS } from '../../domain/bank/fec.js';
import { Dec, Money } from '../../domain/shared/money.js';
import { reportBuffer } from '../../reports/export-report.js';
import type { ExportFormat } from '../../reports/report-document.js';
import {
  allocationDetailRows,
  allocationDocument,
  allocationProducts,
  cardListing,
  cardListingDocument,
  receiptsDocument,
  receiptsRecap,
  revenueDocument,
  revenueReport,
  vatDocument,
  vatRatesDocument,
  vatReport,
} from '../../reports/treasury-reports.js';
import {
  allocationDetailPage,
  revenueLines,
  type AllocationDetailRow,
  type RevenueLineRow,
} from '../../projections/treasury/treasury.queries.js';
import { FecService } from '../../src/bank/fec.service.js';
import { RefundCreditCommand } from '../../src/billing/customer-credit.commands.js';
import { IssueCreditNoteCommand } from '../../src/billing/issue-credit-note.command.js';
import {
  ReversePaymentCommand,
  type ReversePaymentResult,
} from '../../src/billing/reverse-payment.command.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { snapshotReadModels } from '../support/read-models.js';
import { csvRows, spreadsheetsAsCsv } from '../support/xlsx-csv.js';

jest.setTimeout(300_000);

/** A DATE column as mysql2 (local Date) or SQLite (string) returns it. */
const dayOf = (v: unknown) =>
  v instanceof Date
    ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
    : String(v).slice(0, 10);
const euros = (v: unknown) => new Dec(String(v)).toFixed(2);
const YEAR = { from: '2026-01-01', to: '2026-12-31' };

/**
 * The treasurer's reports over real commands (cheques, cards, a refund, a credit note, a refund
 * of credit, credit used), on SQLite and MariaDB; figures of docs/accounting.md's worked example.
 */
describe.each(dialects)('treasury reports on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
    const bus = app.context.get(CommandBus);
    const line = (
      productId: string | null,
      kind: 'subscription' | 'option' | 'discount' | 'misc',
      label: string,
      net: string,
      serviceStart: string,
      serviceEnd: string,
    ) => ({ productId, kind, label, net, vatRate: '20', serviceStart, serviceEnd });
    // A: docs/accounting.md §2's worked example (100.00 + 20 %, service 2025-09-15 → 2026-09-14).
    const a = await app.issue({
      customerId: '3',
      issuedOn: '2026-01-15',
      lines: [line('1', 'subscription', 'Plaque de base', '100.00', '2025-09-15', '2026-09-14')],
    });
    ids.a = a.invoiceId;
    const b = await app.issue({
      customerId: '2',
      issuedOn: '2026-03-01',
      lines: [
        line('1', 'subscription', 'Plaque de base', '20.00', '2026-03-01', '2027-02-28'),
        line('2', 'option', 'Espace disque', '10.00', '2026-03-01', '2027-02-28'),
        line(null, 'discount', 'Remise anniversaire', '-5.00', '2026-03-01', '2027-02-28'),
      ],
    });
    ids.b = b.invoiceId;
    const c = await app.issue({
      customerId: '1',
      issuedOn: '2026-03-05',
      lines: [line('3', 'option', 'Base MySQL', '50.00', '2026-03-05', '2027-03-04')],
    });
    ids.c = c.invoiceId;
    const pay = (
      customerId: string,
      invoiceId: string,
      method: 'card' | 'cheque',
      amount: string,
      receivedOn: string,
      reference: string,
    ) =>
      app.pay({
        customerId,
        method,
        amount,
        receivedOn,
        reference,
        allocations: [{ invoiceId, amount }],
      });
    await pay('3', a.invoiceId, 'card', '50.00', '2026-02-03', 'CB-1');
    await pay('3', a.invoiceId, 'cheque', '70.00', '2026-03-10', '1234567');
    const paidB = await pay('2', b.invoiceId, 'card', '30.00', '2026-03-10', 'CB-2');
    ids.paidB = paidB.paymentId;
    await pay('1', c.invoiceId, 'card', '60.00', '2026-03-10', 'CB-3');
    const refund = await bus.execute<ReversePaymentCommand, ReversePaymentResult>(
      new ReversePaymentCommand(
        { paymentId: paidB.paymentId, kind: 'refund', amount: '10.00', on: '2026-03-12' },
        'test',
      ),
    );
    ids.refund = refund.reversalId;
    await bus.execute(
      new IssueCreditNoteCommand(
        { invoiceId: c.invoiceId, issuedOn: '2026-03-15', reason: 'Résiliation' },
        'test',
      ),
    );
    await bus.execute(
      new RefundCreditCommand(
        {
          customerId: '1',
          amount: '20.00',
          on: '2026-03-20',
          method: 'card',
          reference: 'CB-R',
        },
        'test',
      ),
    );
    // Paid at once from the 40.00 of credit left.
    const d = await app.issue({
      customerId: '1',
      issuedOn: '2026-04-01',
      lines: [line(null, 'misc', 'Intervention', '25.00', '2026-04-01', '2026-04-01')],
    });
    expect(d.paidFromCredit).toBe('30.00');
    ids.d = d.invoiceId;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('lists card payments per bank day, reversals and refunds of credit on their own day', async () => {
    const listing = await cardListing(app.db, YEAR);
    expect(listing.days.map((d) => [d.day, d.count, d.total])).toEqual([
      ['2026-02-03', 1, '50.00'],
      ['2026-03-10', 2, '90.00'],
      ['2026-03-12', 1, '-10.00'],
      ['2026-03-20', 1, '-20.00'],
    ]);
    expect([listing.count, listing.total]).toEqual([5, '110.00']);
    const march10 = listing.days[1]!.payments;
    expect(march10.map((p) => [p.reference, p.customerId, p.amount])).toEqual(
      expect.arrayContaining([
        ['CB-2', '2', '30.00'],
        ['CB-3', '1', '60.00'],
      ]),
    );
    const cb2 = march10.find((p) => p.reference === 'CB-2')!;
    expect(cb2.invoices.map((i) => [i.invoiceId, i.amount])).toEqual([[ids.b, '30.00']]);
    expect(cb2.customerName).not.toBe('');
    const refund = listing.days[2]!.payments[0]!;
    expect([refund.kind, refund.paymentId, refund.invoices[0]?.amount]).toEqual([
      'refund',
      ids.paidB,
      '-10.00',
    ]);
    expect(listing.days[3]!.payments[0]!.kind).toBe('credit_refund');
  });

  it("agrees day by day with Gloux's own card listing (G7) after legacy-sync", async () => {
    await app.syncLegacy();
    const g7 = await app.gloux('G7');
    const listing = await cardListing(app.db, YEAR);
    expect(
      g7.map((r) => {
        const [day, n, total] = Object.values(r);
        return [dayOf(day), Number(n), euros(total)];
      }),
    ).toEqual(listing.days.map((d) => [d.day, d.count, d.total]));
  });

  it('sums receipts per month and method, credit used apart', async () => {
    const recap = await receiptsRecap(app.db, YEAR, 'month');
    const cells = recap.rows.map((r) => [
      r.period,
      r.methods.cheque.total,
      r.methods.card.total,
      r.cash,
      r.credit,
    ]);
    expect(cells).toEqual([
      ['2026-02', '0.00', '50.00', '50.00', '0.00'],
      ['2026-03', '70.00', '60.00', '130.00', '0.00'],
      ['2026-04', '0.00', '0.00', '0.00', '30.00'],
    ]);
    expect([recap.totals.cash, recap.totals.credit, recap.totals.methods.card.count]).toEqual([
      '180.00',
      '30.00',
      5,
    ]);
  });

  it('computes VAT on receipts per month and rate (worked example) with CA3 euros', async () => {
    const vat = await vatReport(app.db, YEAR);
    expect(
      vat.months.map((m) =>
        m.rates.map((r) => [m.month, r.rate, r.base, r.vat, r.ca3Base, r.ca3Vat]),
      ),
    ).toEqual([
      [['2026-02', '20', '41.67', '8.33', '42', '8']],
      [['2026-03', '20', '75.00', '15.00', '75', '15']],
      [['2026-04', '20', '25.00', '5.00', '25', '5']],
    ]);
    expect([vat.base, vat.vat]).toEqual(['141.67', '28.33']);
  });

  it('gives turnover per product type with shares summing to 100 %', async () => {
    const r = await revenueReport(app.db, YEAR);
    expect(r.byType.map((t) => [t.type, t.net, t.share])).toEqual([
      ['divers', '25.00', '16.67'],
      ['option', '10.00', '6.67'],
      ['plaque', '120.00', '80.00'],
      ['remise', '-5.00', '-3.34'],
    ]);
    expect(r.total.net).toBe('150.00');
    // The books agree (docs/accounting.md §7): each type's turnover is what the sales journal
    // of the year puts on its revenue account (706x).
    const ledger = await app.db.run((q) => app.context.get(FecService).ledgerIn(q));
    const sales = new Map<string, Money>();
    for (const x of ledger.entriesOf(2026).filter((e) => e.journal === 'VT'))
      for (const l of x.lines.filter((k) => k.account.startsWith('706')))
        sales.set(l.account, (sales.get(l.account) ?? Money.ZERO).plus(l.credit).minus(l.debit));
    expect(Object.fromEntries([...sales].map(([a, m]) => [a, m.toString()]))).toEqual(
      Object.fromEntries(r.byType.map((t) => [REVENUE_ACCOUNTS[t.type], t.net])),
    );
    const option3 = r.byProduct.find((p) => p.productKey === '3')!;
    expect([option3.net, option3.lines]).toEqual(['0.00', 2]);
    // Drilled down: the invoice line and the credit note that cancels it.
    const lines: RevenueLineRow[] = [];
    for await (const l of revenueLines(app.db, YEAR, '3', 1)) lines.push(l);
    expect(lines.map((l) => [l.day, l.documentKind, l.documentId === ids.c, l.net])).toEqual([
      ['2026-03-05', 'invoice', true, '50.00'],
      ['2026-03-15', 'credit_note', false, '-50.00'],
    ]);
  });

  it('splits each fiscal year per product, the worked example drillable to each payment', async () => {
    const byProduct = await allocationProducts(app.db, 2026);
    const page = await app.queries.allocation('2026');
    expect([byProduct.totals.previous, byProduct.totals.current, byProduct.totals.next]).toEqual([
      page.totals.previous,
      page.totals.current,
      page.totals.next,
    ]);
    const rows: AllocationDetailRow[] = [];
    for await (const row of allocationDetailRows(app.db, 2026, '1')) rows.push(row);
    const ofA = rows.filter((r) => r.invoiceId === ids.a);
    expect(ofA.map((r) => [r.day, r.method, r.previous, r.current, r.next])).toEqual([
      ['2026-02-03', 'card', '12.33', '29.34', '0.00'],
      ['2026-03-10', 'cheque', '17.26', '41.07', '0.00'],
    ]);
    const plaque = byProduct.products.find((p) => p.productKey === '1')!;
    const sum = (k: 'previous' | 'current' | 'next') =>
      rows.reduce((s, r) => s.plus(r[k]), new Dec(0)).toFixed(2);
    expect([sum('previous'), sum('current'), sum('next')]).toEqual([
      plaque.previous,
      plaque.current,
      plaque.next,
    ]);
  });

  it('pages the allocation and its product drill-down: the pages together are the whole year, totals over the year', async () => {
    const whole = await app.queries.allocation('2026');
    expect(whole.rowCount).toBe(whole.rows.length);
    expect(whole.rows.length).toBeGreaterThan(3);
    // Pages of 2 rows, read one after the other, give the same rows in the same order.
    const paged: typeof whole.rows = [];
    for (let offset = 0; offset < whole.rowCount; offset += 2) {
      const page = await app.queries.allocation('2026', { offset, limit: 2 });
      expect(page.rows.length).toBe(Math.min(2, whole.rowCount - offset));
      expect([page.rowCount, page.totals]).toEqual([whole.rowCount, whole.totals]);
      paged.push(...page.rows);
    }
    expect(paged).toEqual(whole.rows);
    // The worked example's two payments are the first rows (earliest days).
    const second = await app.queries.allocation('2026', { offset: 1, limit: 1 });
    expect(second.rows.map((r) => [r.paidOn, r.amount, r.previous, r.current])).toEqual([
      whole.rows.map((r) => [r.paidOn, r.amount, r.previous, r.current])[1],
    ]);
    const streamed: AllocationDetailRow[] = [];
    for await (const row of allocationDetailRows(app.db, 2026, '1')) streamed.push(row);
    const detail: AllocationDetailRow[] = [];
    for (let offset = 0; offset < streamed.length + 1; offset += 1) {
      const page = await app.db.run((q) => allocationDetailPage(q, 2026, '1', offset, 1));
      expect(page.rowCount).toBe(streamed.length);
      detail.push(...page.rows);
    }
    expect(detail).toEqual(streamed);
  });

  it('rebuilds the treasury read models to exactly the live tables', async () => {
    const selectAll = (t: string) => app.db.query(`SELECT * FROM ${t}`);
    const live = await snapshotReadModels(selectAll);
    await app.pipeline.rebuild(['treasury']);
    expect(await snapshotReadModels(selectAll)).toEqual(live);
  });

  // LibreOffice runs take seconds: the file formats do not depend on the database.
  if (dialect === 'sqlite')
    it('exports every report as xlsx, ods and csv that LibreOffice reads back', async () => {
      const docs = {
        cartes: () => cardListingDocument(app.db, YEAR),
        encaissements: () => receiptsDocument(app.db, YEAR, 'month'),
        ca: () => revenueDocument(app.db, YEAR),
        repartition: () => allocationDocument(app.db, 2026),
        tva: () => vatDocument(app.db, YEAR),
        taux: () => vatRatesDocument(app.db),
      };
      const formats: ExportFormat[] = ['xlsx', 'ods', 'csv'];
      const files: Record<string, { data: Buffer; format: ExportFormat }> = {};
      for (const format of formats)
        for (const [name, doc] of Object.entries(docs))
          files[`${name}.${format}`] = { data: await reportBuffer(await doc(), format), format };
      const read = await spreadsheetsAsCsv(files);
      for (const format of formats) {
        // Rows of one sheet; a CSV export holds its sheets one after the other in one sheet.
        const sheet = (name: keyof typeof docs, sheetName: string) => {
          const csv = read[`${name}.${format}`]?.[format === 'csv' ? '' : sheetName];
          if (csv === undefined) throw new Error(`${name}.${format}: no sheet ${sheetName}`);
          return csvRows(csv).map((r) => r.map((c) => c.value));
        };
        const row = (rows: string[][], first: string, width: number) =>
          rows.find((r) => r[0] === first)?.slice(0, width);
        const cards = sheet('cartes', 'Cartes par jour');
        expect(row(cards, '03/10/2026', 3)).toEqual(['03/10/2026', '2', '90']);
        expect(row(cards, '03/12/2026', 3)).toEqual(['03/12/2026', '1', '-10']);
        expect(cards.some((r) => r[0] === '' && r[1] === '5' && r[2] === '110')).toBe(true);
        const detail = sheet('cartes', 'Détail');
        expect(detail.some((r) => r.includes('CB-2') && r.includes('30'))).toBe(true);
        expect(detail.some((r) => r.includes('CB-R') && r.includes('-20'))).toBe(true);
        const receipts = sheet('encaissements', 'Récapitulatif');
        // Months read as people write them, in the export's text cells too; LibreOffice opening
        // the CSV takes « mars 2026 » for a date, the month's first day (shown MM/DD/YYYY).
        const month = (fr: string, read: string) => (format === 'csv' ? read : fr);
        expect(row(receipts, month('mars 2026', '03/01/2026'), 8)).toEqual([
          month('mars 2026', '03/01/2026'),
          '70',
          '60',
          '0',
          '0',
          '0',
          '130',
          '0',
        ]);
        expect(row(receipts, 'Total', 8)).toEqual([
          'Total',
          '70',
          '110',
          '0',
          '0',
          '0',
          '180',
          '30',
        ]);
        const revenue = sheet('ca', 'Par type');
        // A percent cell reads back as 80% (xlsx, ods) or as the figure 80 (CSV, header in %).
        expect(row(revenue, 'Plaques', 4)).toEqual([
          'Plaques',
          '120',
          '24',
          format === 'csv' ? '80' : '80%',
        ]);
        const lines = sheet('ca', 'Lignes');
        expect(lines.some((r) => r[1] === 'F2026-000001' && r.includes('100'))).toBe(true);
        const vat = sheet('tva', 'TVA par mois');
        const february = month('février 2026', '02/01/2026');
        expect(row(vat, february, 6)).toEqual([february, '20', '41.67', '8.33', '42', '8']);
        expect(row(vat, 'Total', 4)?.slice(2)).toEqual(['141.67', '28.33']);
        const allocation = sheet('repartition', 'Par produit');
        expect(row(allocation, 'Plaques', 6)).toEqual([
          'Plaques',
          'Plaque de base',
          '29.59',
          '81.59',
          '2.15',
          '113.33',
        ]);
        const rates = sheet('taux', 'Taux de TVA');
        expect(rates[0]?.[0]).toBe('Historique des taux de TVA');
      }
    });
});
