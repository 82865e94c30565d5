import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { SignUpCommand, type SignUpResult } from '../../src/auth/sign-up.command.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Dec } from '../../domain/shared/money.js';
import { AnniversaryBillingService } from '../../src/billing-run/anniversary-billing.service.js';
import { ScheduleVatRateCommand } from '../../src/catalogue/schedule-vat-rate.command.js';
import { ScheduleVatRateHandler } from '../../src/catalogue/schedule-vat-rate.handler.js';
import { ensureVatHistory } from '../../src/catalogue/vat-history.js';
import { AppHarness, cheque } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { readModelTables, snapshotReadModels } from '../support/read-models.js';
import { loadSampleDataIntoSqlite } from '../support/sqlite-sample-data.js';

jest.setTimeout(60_000);

/** Gloux's FLOAT/DECIMAL money as a two-decimal string. */
const cents = (v: unknown) => new Dec(String(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);

/** A DATE as the raw Gloux connection returns it (a local-midnight Date) or as a string. */
const localDay = (v: unknown) =>
  v instanceof Date
    ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
    : String(v);

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe.each(dialects)('anniversary billing run on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let billing: AnniversaryBillingService;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    // The day after annelef's anniversary in Gloux's sample data (its G1 counter is at 218).
    app = await AppHarness.start(database, { now: '2009-03-05T09:00:00Z' });
    if (dialect === 'sqlite') await loadSampleDataIntoSqlite(app.db);
    billing = app.context.get(AnniversaryBillingService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const one = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await app.db.query<T>(sql, params))[0];
  const anniversaryOf = async (hostingId: number) =>
    String(
      (
        await one<{ d: string }>(
          `SELECT date_anniversaire AS d FROM hebergements WHERE id_hebergement = ?`,
          [hostingId],
        )
      )?.d,
    );
  const counter = async () =>
    Number(
      (await one<{ v: number }>(`SELECT valeur AS v FROM compteurs WHERE nom = 'facture_2009'`))?.v,
    );

  it('records France’s standard-rate history at start-up, once', async () => {
    const rows = await app.db.query<{ rate: string; effective_from: string }>(
      `SELECT rate, effective_from FROM g2_rm_vat_rates ORDER BY effective_from`,
    );
    expect(rows.map((r) => [r.rate, r.effective_from])).toEqual([
      ['19.6', '2000-04-01'],
      ['20', '2014-01-01'],
    ]);
    const events = await app.count('g2_events');
    expect(await ensureVatHistory(app.db, app.context.get(ScheduleVatRateHandler))).toBe(0);
    expect(await app.count('g2_events')).toBe(events);
  });

  it('previews without writing anything', async () => {
    const before = [await counter(), await app.count('g2_events'), await anniversaryOf(1)];
    const preview = await billing.run({ from: '2009-03-01', to: '2009-03-31', dryRun: true });
    expect(preview.accounts.map((a) => [a.hostingName, a.status, a.total])).toEqual([
      ['annelef', 'planned', '37.69'],
    ]);
    expect([await counter(), await app.count('g2_events'), await anniversaryOf(1)]).toEqual(before);
  });

  it('bills annelef’s year: plaque, options and Gloux’s pending line attached, not copied', async () => {
    const report = await billing.run({ from: '2009-03-01', to: '2009-03-31' });
    expect(report.counts).toEqual({
      issued: 1,
      planned: 0,
      already_billed: 0,
      skipped: 0,
      error: 0,
    });
    const [account] = report.accounts;
    expect(account).toMatchObject({
      hostingName: 'annelef',
      status: 'issued',
      number: 'F2009-000219',
      anniversary: '2009-03-02',
      periodEnd: '2010-03-01',
      totalNet: '31.51',
      totalVat: '6.18',
      total: '37.69',
    });
    await app.syncLegacy();

    // Gloux's own invoice list (G5) shows it, with the lines Gloux expects.
    const listed = (await app.gloux('G5', { id_client: 1 })).find(
      (r) => r.numero === 'F2009-000219',
    );
    expect(listed).toMatchObject({ statut: 'emise', type_facture: 'facture' });
    expect(localDay(listed?.date_facture)).toBe('2009-03-05');
    expect(cents(listed?.total_ttc)).toBe('37.69');
    const facture = await one<{ id_facture: number }>(
      `SELECT id_facture FROM factures WHERE numero = 'F2009-000219'`,
    );
    const lines = await app.db.query<Record<string, unknown>>(
      `SELECT type_ligne, id_produit, montant_ht, taux_tva, periode_debut, periode_fin FROM factures_lignes
        WHERE id_facture = ? ORDER BY id_ligne`,
      [facture?.id_facture],
    );
    expect(
      lines.map((l) => [
        l.type_ligne,
        Number(l.id_produit),
        cents(l.montant_ht),
        String(l.taux_tva),
        l.periode_debut,
        l.periode_fin,
      ]),
    ).toEqual([
      // The pending row keeps its (older) id: attached to the new invoice.
      ['prorata', 3, '1.40', '19.6', '2008-11-20', '2009-03-01'],
      ['abonnement', 1, '20.07', '19.6', '2009-03-02', '2010-03-01'],
      ['option', 2, '5.02', '19.6', '2009-03-02', '2010-03-01'],
      ['option', 3, '5.02', '19.6', '2009-03-02', '2010-03-01'],
    ]);
    expect(await app.count('factures_lignes', 'id_facture = 0 AND id_hebergement = 1')).toBe(0);
    expect(await app.count('factures_lignes', "libelle LIKE '%prorata 102/365%'")).toBe(1);
    // The anniversary moved one year on; Gloux's balance agrees with gloux2's.
    expect(await anniversaryOf(1)).toBe('2010-03-02');
    const [solde] = await app.gloux('G4', { id_client: 1 });
    expect(cents(solde?.solde)).toBe('-37.69');
  });

  it('issues nothing on a second run over the same window, and says "déjà facturé"', async () => {
    // The first run's invoice notice is recorded after commit: let it land before counting.
    await app.settle();
    const before = [await counter(), await app.count('g2_events'), await app.count('factures')];
    const again = await billing.run({ from: '2009-03-01', to: '2009-03-31' });
    expect(again.counts).toEqual({
      issued: 0,
      planned: 0,
      already_billed: 1,
      skipped: 0,
      error: 0,
    });
    expect(again.accounts[0]).toMatchObject({
      hostingName: 'annelef',
      status: 'already_billed',
      number: 'F2009-000219',
      message: 'déjà facturé (F2009-000219)',
    });
    // An overlapping window, even one reaching the next anniversary, bills nothing more.
    const overlap = await billing.run({ from: '2009-03-02', to: '2010-03-02' });
    expect(overlap.counts.issued).toBe(0);
    await app.settle();
    expect([await counter(), await app.count('g2_events'), await app.count('factures')]).toEqual(
      before,
    );
    expect(await anniversaryOf(1)).toBe('2010-03-02');
  });

  it('never bills a year Gloux invoiced itself', async () => {
    // lesamis: Gloux's F2008-001544 covers 2008-09-12 → 2009-09-11, its anniversary still says 2008-09-12.
    const report = await billing.run({ from: '2008-09-01', to: '2008-09-30' });
    expect(report.accounts).toEqual([
      expect.objectContaining({
        hostingName: 'lesamis',
        status: 'already_billed',
        message: 'déjà facturé dans Gloux (F2008-001544)',
      }),
    ]);
    expect(await anniversaryOf(2)).toBe('2008-09-12');
  });

  it('bills a suspended account, with the reseller discount as Gloux writes it', async () => {
    await app.db.query(
      `UPDATE hebergements SET date_anniversaire = '2009-09-12' WHERE id_hebergement = 2`,
    );
    const report = await billing.run({ from: '2009-09-01', to: '2009-09-30' });
    expect(report.accounts).toEqual([
      expect.objectContaining({ hostingName: 'lesamis', status: 'issued', total: '21.60' }),
    ]);
    expect(report.accounts[0]?.lines.map((l) => [l.kind, l.label, l.net])).toEqual([
      ['subscription', 'Plaque de base', '20.07'],
      ['discount', 'Remise revendeur 10 %', '-2.01'],
    ]);
    expect(await anniversaryOf(2)).toBe('2010-09-12');
  });

  it('leaves an account in its free trial alone until the trial ends, and says why', async () => {
    const opened = await app.context.get(CommandBus).execute<SignUpCommand, SignUpResult>(
      new SignUpCommand(
        {
          kind: 'physique',
          firstName: 'Zoé',
          lastName: 'Essai',
          email: 'essai@example.org',
          address: '1 rue de la Paix',
          postalCode: '75002',
          city: 'Paris',
          login: 'essai',
          password: 'mot de passe sûr',
          passwordConfirmation: 'mot de passe sûr',
          hostingName: 'essaisite',
          planId: '1',
          shares: 1,
          acceptsTerms: true,
          acceptsPrivacy: true,
        },
        'billing-trial',
      ),
    );
    expect(opened.trialEndsOn).toBe('2009-04-05');
    const statusOf = async () =>
      (await billing.run({ from: '2009-04-01', to: '2009-04-30', dryRun: true })).accounts.find(
        (a) => a.hostingId === opened.accountId,
      );
    expect(await statusOf()).toMatchObject({
      status: 'skipped',
      message:
        'en période d’essai jusqu’au 05/04/2009 : facturé à sa conversion ou à la fin de l’essai',
      total: null,
    });
    const report = await billing.run({ from: '2009-04-01', to: '2009-04-30' });
    expect(report.counts.skipped).toBe(1);
    expect(report.counts.issued).toBe(0);
    const now = app.clock.now();
    app.clock.set(new Date('2009-04-06T09:00:00Z'));
    try {
      expect((await statusOf())?.status).toBe('planned');
    } finally {
      app.clock.set(now);
    }
  });

  it('refuses a window that ends before it starts or spans more than 366 days, changing nothing', async () => {
    const events = await app.count('g2_events');
    const backwards = await refusal(billing.run({ from: '2009-03-31', to: '2009-03-01' }));
    expect([backwards.code, backwards.field]).toEqual(['invalid_input', 'to']);
    const tooLong = await refusal(billing.run({ from: '2009-01-01', to: '2010-01-02' }));
    expect(tooLong.message).toMatch(/367 jours/);
    const garbage = await refusal(billing.run({ from: 'demain', to: '2009-03-01' }));
    expect(garbage.field).toBe('from');
    expect(await app.count('g2_events')).toBe(events);
  });

  it('gives product lines the schedule’s rate and refuses unknown products and shares', async () => {
    const line = (productId: string) => ({
      kind: 'option' as const,
      label: 'Option',
      productId,
      net: '5.02',
      serviceStart: '2009-03-05',
      serviceEnd: '2010-03-04',
    });
    const ok = await app.issue({ customerId: '3', issuedOn: '2009-03-05', lines: [line('2')] });
    expect(ok.total).toBe('6.00'); // 5.02 + round(0.98392)
    const before = await counter();
    const unknown = await refusal(
      app.issue({ customerId: '3', issuedOn: '2009-03-05', lines: [line('99')] }),
    );
    expect([unknown.code, unknown.field]).toEqual(['invalid_input', 'lines[0].productId']);
    const share = await refusal(
      app.issue({ customerId: '3', issuedOn: '2009-03-05', lines: [line('4')] }),
    );
    expect(share.message).toContain('part sociale');
    expect(await counter()).toBe(before);
  });

  it('proves a new VAT rate changes no issued invoice, read model, allocation or Gloux row', async () => {
    const invoice = (await app.queries.customerPage('1')).invoices.find(
      (i) => i.number === 'F2009-000219',
    )!;
    app.clock.set(new Date('2009-03-20T10:00:00Z'));
    await app.pay(cheque('1', invoice.invoiceId, '20.00', '2009-03-20', 'chq-tva', 'Banque'));
    const otherTables = readModelTables.filter((t) => t !== 'g2_rm_vat_rates');
    // Settled first: the payment's after-commit reactions land before either reading.
    const state = async () => {
      await app.settle();
      return {
        readModels: await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`)),
        allocation: await app.queries.allocation('2009'),
        gloux: await app.db.query(
          `SELECT f.numero, f.total_ht, f.total_tva, f.total_ttc, f.montant_regle, f.statut, l.taux_tva, l.montant_ht
             FROM factures f JOIN factures_lignes l ON l.id_facture = f.id_facture ORDER BY l.id_ligne`,
        ),
      };
    };
    const before = await state();
    expect(before.allocation.rows.length).toBeGreaterThan(0);
    expect(otherTables).toContain('g2_rm_hosting_billings');

    const handler = app.context.get(ScheduleVatRateHandler);
    // A later rate, and even a retroactive one covering the invoices above.
    await handler.execute(
      new ScheduleVatRateCommand(
        { rate: '21', effectiveFrom: '2030-01-01', reason: 'test' },
        'test',
      ),
    );
    await handler.execute(
      new ScheduleVatRateCommand(
        { rate: '5.5', effectiveFrom: '2009-01-01', reason: 'test' },
        'test',
      ),
    );
    await app.syncLegacy();
    const after = await state();
    for (const t of otherTables) expect(after.readModels[t]).toEqual(before.readModels[t]);
    expect(after.allocation).toEqual(before.allocation);
    expect(after.gloux).toEqual(before.gloux);
    expect(after.readModels.g2_rm_vat_rates).toHaveLength(4);

    // Rebuilt from the log, the read models are the same again.
    await app.pipeline.rebuild();
    const rebuilt = await state();
    for (const t of readModelTables) expect(rebuilt.readModels[t]).toEqual(after.readModels[t]);

    // New invoices do take the new entry: a product line dated 2009-03-05 now gets 5.5 %.
    const fresh = await app.issue({
      customerId: '3',
      issuedOn: '2009-03-05',
      lines: [
        {
          label: 'Plaque de base',
          productId: '1',
          net: '20.07',
          serviceStart: '2009-03-05',
          serviceEnd: '2010-03-04',
        },
      ],
    });
    expect(fresh.total).toBe('21.17'); // 20.07 + round(1.10385)
  });
});
