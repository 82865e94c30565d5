import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Dec } from '../../domain/shared/money.js';
import { readHostingUsage } from '../../legacy-sync/legacy-usage.js';
import { overageProjection } from '../../projections/overage/overage.projection.js';
import { IssueInvoiceCommand } from '../../src/billing/issue-invoice.command.js';
import { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import { OverageQueries } from '../../src/overage/overage-page.queries.js';
import { OverageService } from '../../src/overage/overage.service.js';
import { CooperatorController } from '../../src/panel/cooperator.controller.js';
import { CommandBus } from '@nestjs/cqrs';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(60_000);

/** Gloux's FLOAT/DECIMAL money as a two-decimal string. */
const cents = (v: unknown) => new Dec(String(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
const MO = 1024;

/**
 * Both databases hold annelef (hosting 1 of customer 1, 400 Mo included: plaque 300 + DISQUE100)
 * and lesamis (hosting 2 of customer 2, 300 Mo): Gloux's sample data on MariaDB, the demo rows on
 * SQLite. DISQUE100 costs 5.02 a year: the overage price is 0.4183 € HT per started 100 Mo a month.
 */
describe.each(dialects)('overage on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let overage: OverageService;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-03-10T09:00:00Z' });
    overage = app.context.get(OverageService);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
    await database?.drop();
  });

  /** One row of Gloux's daily measurements: disk used in Mo (web space), traffic 1.76 Go. */
  async function measure(hostingId: number, day: string, usedMo: number): Promise<void> {
    const [y, m, d] = day.split('-').map(Number);
    await app.db.run((q) =>
      q.execute(
        `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour, ts, web_ko, mail_ko, mysql_ko, trafic_ko) VALUES (?, ?, ?, ?, 0, ?, 1000, 200, 1843200)`,
        [hostingId, y, m, d, usedMo * MO - 1200],
      ),
    );
  }

  /** The job as cron runs it, on that day. */
  function runOn(day: string) {
    app.clock.set(new Date(`${day}T06:00:00Z`));
    return overage.run(day);
  }

  const page = (customerId: string) => app.context.get(OverageQueries).ofCustomer(customerId);
  const invoicesOf = (customerId: string) =>
    app.db.query<{ number: string; total_cents: unknown; invoice_id: string }>(
      `SELECT number, total_cents, invoice_id FROM g2_rm_invoices WHERE customer_id = ? ORDER BY number`,
      [customerId],
    );
  /** After the after-commit workers settled (an issued invoice's notice is recorded then). */
  const snapshot = async () => {
    await app.settle();
    const out: Record<string, unknown> = {
      events: await app.count('g2_events'),
      counter: await app.db.query(`SELECT nom, valeur FROM compteurs ORDER BY nom`),
    };
    for (const { name } of overageProjection().tables)
      out[name] = await app.db.query(`SELECT * FROM ${name} ORDER BY 1, 2`);
    return out;
  };

  it('warns first: which resource is over, by how much, since when, the grace period and the cost', async () => {
    await measure(1, '2026-03-10', 412);
    const summary = await runOn('2026-03-10');
    expect(summary).toMatchObject({ detected: 1, charged: 0, invoices: [], errors: [] });
    const view = await page('1');
    expect(view.overages).toHaveLength(1);
    expect(view.overages[0]).toMatchObject({
      resource: 'disk',
      hostingName: 'annelef',
      description: 'Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement',
      since: '2026-03-10',
      graceLastDay: '2026-03-16',
      graceEndsOn: '2026-03-17',
      status: 'warning',
      estimate: { quantity: '1', unitNet: '0.4183', net: '0.42', vatRate: '20', total: '0.50' },
    });
    expect(view).toMatchObject({ pendingLines: [], pendingTotal: '0.00', threshold: '5.00' });
    // The cooperator's JSON says the same.
    const json = await app.context.get(CooperatorController).data('1');
    expect(json.overage.overages[0]?.description).toBe(view.overages[0]!.description);
  });

  it('running the job twice the same day changes nothing', async () => {
    const before = await snapshot();
    expect(await runOn('2026-03-10')).toMatchObject({ detected: 0, resolved: 0, charged: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('becomes billable when the grace period ends, still without any invoice', async () => {
    await runOn('2026-03-16');
    expect((await page('1')).overages[0]?.status).toBe('warning');
    await runOn('2026-03-17');
    expect((await page('1')).overages[0]?.status).toBe('billable');
    expect(await invoicesOf('1')).toEqual([]);
  });

  it('a complete month becomes a pending line, visible and carried forward below the threshold', async () => {
    await measure(1, '2026-04-01', 1500); // 1100 Mo over: 11 started blocks
    const summary = await runOn('2026-04-01');
    expect(summary).toMatchObject({ charged: 1, invoices: [] });
    const view = await page('1');
    expect(view.pendingLines).toEqual([
      expect.objectContaining({
        label: 'Dépassement d’espace disque (annelef) : 1 × 100 Mo, 15 j sur 31',
        periodStart: '2026-03-17',
        periodEnd: '2026-03-31',
        quantity: '0.4839',
        unitNet: '0.4183',
        net: '0.20',
        vat: '0.04',
        total: '0.24',
      }),
    ]);
    expect(view.pendingTotal).toBe('0.24');
    expect(view.overages[0]).toMatchObject({
      description:
        'Espace disque : 1500 Mo utilisés pour 400 Mo inclus, soit 1100 Mo de dépassement',
      estimate: { quantity: '11', net: '4.60', total: '5.52' },
    });
    expect(await invoicesOf('1')).toEqual([]);
  });

  it('at the threshold one invoice takes every pending line; Gloux’s G5 shows it after legacy sync', async () => {
    const summary = await runOn('2026-05-01');
    expect(summary.charged).toBe(1); // April: 11 × 0.4183 = 4.60 HT, 5.52 TTC
    expect(summary.invoices).toHaveLength(1);
    const invoice = summary.invoices[0]!;
    expect(invoice.total).toBe('5.76'); // 0.24 + 5.52
    const [mine] = await invoicesOf('1');
    expect(mine).toMatchObject({ number: invoice.number });
    expect(cents(Number(mine!.total_cents) / 100)).toBe('5.76');
    const lines = await app.db.query<{
      label: string;
      service_start: string;
      total_cents: unknown;
    }>(
      `SELECT label, service_start, total_cents FROM g2_rm_invoice_lines WHERE invoice_id = ? ORDER BY line_no`,
      [mine!.invoice_id],
    );
    expect(lines.map((l) => [l.service_start, Number(l.total_cents)])).toEqual([
      ['2026-03-17', 24],
      ['2026-04-01', 552],
    ]);
    const view = await page('1');
    expect(view).toMatchObject({ pendingLines: [], pendingTotal: '0.00' });

    await app.syncLegacy();
    const listed = (await app.gloux('G5', { id_client: 1 })).filter(
      (r) => r.numero === invoice.number,
    );
    expect(listed).toHaveLength(1);
    expect(cents(listed[0]!.total_ttc)).toBe('5.76');
    expect(listed[0]).toMatchObject({ statut: 'emise', type_facture: 'facture' });
    const glouxLines = await app.db.query<{
      type_ligne: string;
      montant_ht: unknown;
      periode_debut: unknown;
    }>(
      `SELECT l.type_ligne, l.montant_ht, l.periode_debut FROM factures_lignes l JOIN factures f ON f.id_facture = l.id_facture
        WHERE f.numero = ? ORDER BY l.id_ligne`,
      [invoice.number],
    );
    expect(glouxLines.map((l) => [l.type_ligne, cents(l.montant_ht)])).toEqual([
      ['depassement', '0.20'],
      ['depassement', '4.60'],
    ]);
  });

  it('a retry the same day issues nothing new', async () => {
    const before = await snapshot();
    expect(await runOn('2026-05-01')).toMatchObject({ charged: 0, invoices: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('back under quota: resolved, the days over billed at once, the line left pending', async () => {
    await measure(1, '2026-05-02', 300);
    await measure(2, '2026-05-02', 2000); // lesamis: 1700 Mo over its 300 Mo, 17 blocks
    const summary = await runOn('2026-05-02');
    expect(summary).toMatchObject({ resolved: 1, detected: 1, charged: 1, invoices: [] });
    const view = await page('1');
    expect(view.overages).toEqual([]);
    expect(view.pendingLines).toMatchObject([
      { periodStart: '2026-05-01', periodEnd: '2026-05-01', net: '0.15', total: '0.18' },
    ]);
  });

  it('an invoicing interrupted anywhere is completed by the next run, never issued twice', async () => {
    await measure(2, '2026-06-15', 2000);
    await measure(2, '2026-07-01', 2000);
    // 1. The invoice command fails: the frozen lines stay pending, nothing is issued.
    // (The job's own recordings go through the bus too: only the invoice command fails.)
    const bus = app.context.get(CommandBus);
    const dispatch = bus.execute.bind(bus);
    const failing = jest.spyOn(bus, 'execute').mockImplementation((command) => {
      if (command instanceof IssueInvoiceCommand) {
        failing.mockRestore();
        return Promise.reject(new Error('connection lost'));
      }
      return dispatch(command);
    });
    await expect(runOn('2026-07-01')).rejects.toThrow('connection lost');
    expect(await invoicesOf('2')).toEqual([]);
    expect((await page('2')).pendingLines.length).toBe(2); // May (from the 9th) and June

    // 2. Issued, but the job stops before recording it.
    const pipeline = app.context.get(CommandPipeline);
    const execute = pipeline.execute.bind(pipeline);
    const spy = jest.spyOn(pipeline, 'execute').mockImplementation((options) => {
      if (options.commandType === 'RecordOverageInvoiced') {
        spy.mockRestore();
        return Promise.reject(new Error('killed'));
      }
      return execute(options);
    });
    await expect(runOn('2026-07-01')).rejects.toThrow('killed');
    const issued = await invoicesOf('2');
    expect(issued).toHaveLength(1);

    // 3. The next run records the invoice already issued, and issues nothing more.
    const summary = await runOn('2026-07-01');
    expect(summary.invoices.map((i) => i.number)).toEqual([issued[0]!.number]);
    expect(await invoicesOf('2')).toEqual(issued);
    expect((await page('2')).pendingLines).toEqual([]);
    // Customer 1's 0.18 € is still below the threshold: no invoice for it.
    expect((await invoicesOf('1')).length).toBe(1);
    const before = await snapshot();
    await runOn('2026-07-01');
    expect(await snapshot()).toEqual(before);
  });

  it('account closure flushes the pending lines into a last invoice, below the threshold too', async () => {
    app.clock.set(new Date('2026-07-02T06:00:00Z'));
    const [last] = await overage.flushOnClosure('1', '2026-07-02');
    expect(last?.total).toBe('0.18');
    expect((await page('1')).pendingLines).toEqual([]);
    expect(await overage.flushOnClosure('1', '2026-07-02')).toEqual([]);
  });

  it('reads Gloux’s usage: latest disk row of the last 31 days, traffic of the month and the last, boxes', async () => {
    const row = (day: string, web: number, traffic: number) => {
      const [y, m, d] = day.split('-').map(Number);
      return app.db.run((q) =>
        q.execute(
          `INSERT INTO mesures_disque (id_hebergement, annee, mois, jour, ts, web_ko, mail_ko, mysql_ko, trafic_ko) VALUES (2, ?, ?, ?, 0, ?, 10, 5, ?)`,
          [y, m, d, web, traffic],
        ),
      );
    };
    await row('2025-01-30', 100, 1000);
    await row('2025-01-31', 200, 2000);
    await row('2025-02-01', 300, 500);
    await row('2025-02-03', 400, 700);
    await row('2025-02-10', 500, 999);
    await app.db.run((q) =>
      q.execute(`INSERT INTO mails (id_hebergement, adresse) VALUES (2, 'bureau@lesamis.example')`),
    );
    const usage = async (day: string) =>
      (await app.db.run((q) => readHostingUsage(q, day, { customerId: '2' })))[0];
    expect(await usage('2025-02-05')).toMatchObject({
      hostingId: '2',
      name: 'lesamis',
      quotaDiskMo: 300,
      diskKo: 415,
      diskOn: '2025-02-03',
      trafficMonthKo: 1200,
      trafficPreviousMonthKo: 3000,
      mailboxes: 1,
    });
    expect(await usage('2025-03-12')).toMatchObject({ diskKo: 515, trafficMonthKo: 0 });
    expect(await usage('2025-03-13')).toMatchObject({ diskKo: null, diskOn: null });
  });

  it('the overage read model rebuilt from position 0 equals the live one', async () => {
    const live = await snapshot();
    await app.pipeline.rebuild(['overage']);
    expect(await snapshot()).toEqual(live);
  });
});
