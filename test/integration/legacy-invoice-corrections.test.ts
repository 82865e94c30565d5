import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { GeneralLedger } from '../../domain/bank/fec.js';
import { driftReport, type Drift } from '../../legacy-sync/legacy-drift.js';
import type { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { legacyUuid } from '../../legacy-sync/legacy-rows.js';
import { findInvoiceByNumber } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { allocationOfFiscalYear } from '../../projections/payment-allocation/payment-allocation.queries.js';
import { vatDetail } from '../../projections/treasury/treasury.queries.js';
import { readAll, readStream } from '../../src/kernel/event-store/event-store.js';
import type { AppHarness } from '../support/app-harness.js';
import { dialects, type TestDatabase } from '../support/databases.js';
import {
  glouxAllocation,
  glouxEdit,
  glouxInvoice,
  glouxPayment,
  type GlouxSide,
} from '../support/gloux-writes.js';
import { describeDrift, SAMPLE_DRIFT, startOnGlouxSample } from '../support/legacy-ingest-setup.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(120_000);

/**
 * Gloux's later changes to what gloux2 already took in (issue 16 items 1 and 8): lines of an
 * invoice updated, added or deleted, and an allocation added to a payment, are corrections of
 * the day gloux2 sees them (the harness's clock: 2026-11-25), never rewrites of the past.
 */
describe.each(dialects)('Gloux corrections taken in on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let ingester: LegacyIngester;
  let side: GlouxSide;
  const TODAY = '2026-11-25';

  beforeAll(async () => {
    ({ database, app, ingester, side } = await startOnGlouxSample(dialect));
    await ingester.backfill();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  async function settle(): Promise<Drift[]> {
    await ingester.poll();
    await app.syncLegacy();
    return app.db.run((q) => driftReport(q));
  }

  const invoice = (numero: string) => app.db.run((q) => findInvoiceByNumber(q, numero));

  const ledger = async () => {
    const l = new GeneralLedger();
    for (const e of await app.db.run((q) => readAll(q, 0, 100_000))) l.apply(e);
    return l.entriesOf(2026);
  };

  const accounts = (lines: readonly { account: string; debit: unknown; credit: unknown }[]) =>
    lines.map((l) => `${l.account} ${String(l.debit)}/${String(l.credit)}`);

  it('takes Gloux’s changed, added and deleted lines of an invoice it has as corrections of the day it sees them', async () => {
    const a = await glouxInvoice(side, {
      idClient: 2,
      date: '2026-10-02',
      lines: [
        { libelle: 'Hébergement', montantHt: 50 },
        { libelle: 'Option', montantHt: 20 },
      ],
    });
    await glouxPayment(side, {
      idClient: 2,
      montant: a.total,
      date: '2026-10-20',
      ref: 'chq 7001',
      allocations: [{ idFacture: a.idFacture, montant: a.total }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(a.numero)).toMatchObject({ total: '83.72', status: 'paid' });
    const invoiceId = legacyUuid('facture', a.idFacture);
    const [option] = await app.db.query<{ id: unknown }>(
      `SELECT id_ligne AS id FROM factures_lignes WHERE id_facture = ? AND montant_ht = 20`,
      [a.idFacture],
    );

    // An admin corrects the option in Gloux: label and amount, and the totals with them.
    await glouxEdit(
      side,
      `UPDATE factures_lignes SET libelle = ?, montant_ht = 30, prix_unitaire_ht = 30 WHERE id_ligne = ?`,
      [side.conn ? Buffer.from('Option messagerie', 'utf8') : 'Option messagerie', option!.id],
    );
    // Read between the two writes: the lines do not make the total, nothing is taken yet.
    expect((await settle()).some((d) => /montant_ht/.test(d.field))).toBe(true);
    expect(await invoice(a.numero)).toMatchObject({ total: '83.72' });
    await glouxEdit(
      side,
      `UPDATE factures SET total_ht = 80, total_tva = 15.68, total_ttc = 95.68 WHERE id_facture = ?`,
      [a.idFacture],
    );
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const stream = await app.db.run((q) => readStream(q, `invoice-${invoiceId}`));
    const corrected = stream.filter((e) => e.type === 'LegacyInvoiceLinesCorrected');
    expect(corrected).toHaveLength(1);
    expect(corrected[0]!.data).toMatchObject({ on: TODAY, total: '95.68', totalVat: '15.68' });
    expect(await invoice(a.numero)).toMatchObject({
      total: '95.68',
      paid: '83.72',
      balance: '11.96',
      status: 'issued',
    });
    const lines = await app.db.query<{ label: string }>(
      `SELECT label FROM g2_rm_invoice_lines WHERE invoice_id = ? ORDER BY line_no`,
      [invoiceId],
    );
    expect(lines.map((l) => l.label)).toEqual(['Hébergement', 'Option messagerie']);
    // Turnover: the invoice's day keeps what it had; the difference is on the day seen.
    const revenue = await app.db.query<{ issued_on: string; kind: string; net: unknown }>(
      `SELECT issued_on, document_kind AS kind, SUM(net_cents) AS net FROM g2_rm_revenue_lines
        WHERE number = ? GROUP BY issued_on, document_kind ORDER BY issued_on`,
      [a.numero],
    );
    expect(revenue.map((r) => [r.issued_on, r.kind, Number(r.net)])).toEqual([
      ['2026-10-02', 'invoice', 7000],
      [TODAY, 'correction', 1000],
    ]);
    // The allocation: what the cheque pays moves between lines on the day seen, adding to zero.
    const moved = await app.db.query<{ paid_on: string; vat: unknown }>(
      `SELECT paid_on, SUM(vat_cents) AS vat FROM g2_rm_payment_lines WHERE invoice_id = ? AND kind = 'correction' GROUP BY paid_on`,
      [invoiceId],
    );
    expect(moved.map((m) => m.paid_on)).toEqual([TODAY]);
    const year = await app.db.run((q) => allocationOfFiscalYear(q, 2026));
    const rows = year.rows.filter((r) => r.invoiceNumber === a.numero);
    expect(rows.map((r) => [r.paidOn, r.kind])).toEqual([
      ['2026-10-20', 'payment'],
      [TODAY, 'correction'],
    ]);
    expect(rows[1]!.amount).toBe('0.00');
    // The FEC: a correction entry of the day, the invoice's own entry untouched.
    const entries = await ledger();
    const fix = entries.filter((e) => e.pieceRef === a.numero && e.date === TODAY);
    expect(fix.map((e) => e.label)).toEqual([
      `Régularisation de la facture ${a.numero} (lignes corrigées dans Gloux)`,
    ]);
    expect(accounts(fix[0]!.lines).slice(0, 3)).toEqual([
      '411 11.96/0.00',
      '7061 0.00/10.00',
      '44574 0.00/1.96',
    ]);
    const issued = entries.find(
      (e) => e.pieceRef === a.numero && e.journal === 'VT' && e.date === '2026-10-02',
    );
    expect(accounts(issued!.lines)).toEqual([
      '411 83.72/0.00',
      '7061 0.00/70.00',
      '44574 0.00/13.72',
    ]);

    // A line added, then nothing more: one more correction, then none.
    await glouxEdit(
      side,
      `INSERT INTO factures_lignes (id_facture, id_client, type_ligne, libelle, quantite, prix_unitaire_ht, taux_tva, montant_ht, periode_debut, periode_fin)
       VALUES (?, 2, 'option', 'Domaine', 1, 10, 19.6, 10, '2026-10-02', '2026-10-02')`,
      [a.idFacture],
    );
    await glouxEdit(
      side,
      `UPDATE factures SET total_ht = 90, total_tva = 17.64, total_ttc = 107.64 WHERE id_facture = ?`,
      [a.idFacture],
    );
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(a.numero)).toMatchObject({ total: '107.64', balance: '23.92' });
    expect(await ingester.poll()).toMatchObject({ invoices: 0, events: 0 });

    // Deleted below what was paid: gloux2 cannot follow without a refund; a person is asked.
    await glouxEdit(
      side,
      `DELETE FROM factures_lignes WHERE id_facture = ? AND id_ligne <> (SELECT MIN(id_ligne) FROM (SELECT id_ligne FROM factures_lignes WHERE id_facture = ?) x)`,
      [a.idFacture, a.idFacture],
    );
    await glouxEdit(
      side,
      `UPDATE factures SET total_ht = 50, total_tva = 9.80, total_ttc = 59.80 WHERE id_facture = ?`,
      [a.idFacture],
    );
    const drift = await settle();
    expect(drift.filter((d) => d.legacyId === String(a.idFacture)).map((d) => d.owner)).toContain(
      'gloux',
    );
    const issues = await app.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ?`,
      [a.idFacture],
    );
    expect(issues.map((i) => i.code)).toEqual(['lines_changed']);
    expect(issues[0]!.message).toMatch(/83\.72 déjà payés/);
    expect(await invoice(a.numero)).toMatchObject({ total: '107.64' });
    expect(await ingester.poll()).toMatchObject({ events: 0 });

    // The admin puts the lines back (new rows): taken in, the issue settled, nothing left over.
    for (const [libelle, net] of [
      ['Option messagerie', 30],
      ['Domaine', 10],
    ] as const)
      await glouxEdit(
        side,
        `INSERT INTO factures_lignes (id_facture, id_client, type_ligne, libelle, quantite, prix_unitaire_ht, taux_tva, montant_ht, periode_debut, periode_fin)
         VALUES (?, 2, 'option', ?, 1, ?, 19.6, ?, '2026-10-02', '2026-10-02')`,
        [a.idFacture, libelle, net, net],
      );
    await glouxEdit(
      side,
      `UPDATE factures SET total_ht = 90, total_tva = 17.64, total_ttc = 107.64 WHERE id_facture = ?`,
      [a.idFacture],
    );
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(
      await app.db.query(
        `SELECT code FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ?`,
        [a.idFacture],
      ),
    ).toEqual([]);
    const all = await app.db.run((q) => readStream(q, `invoice-${invoiceId}`));
    expect(all.filter((e) => e.type === 'LegacyInvoiceLinesCorrected')).toHaveLength(3);
    const net = await app.db.query<{ net: unknown }>(
      `SELECT SUM(net_cents) AS net FROM g2_rm_revenue_lines WHERE number = ?`,
      [a.numero],
    );
    expect(Number(net[0]!.net)).toBe(9000);
  });

  it('shows an allocation Gloux adds to a known payment as a correction of the day seen, in the allocation, VAT and FEC', async () => {
    const a = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-10-05',
      lines: [{ libelle: 'Plaque', montantHt: 50 }],
    });
    const b = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-10-06',
      lines: [{ libelle: 'Option', montantHt: 30 }],
    });
    const p = await glouxPayment(side, {
      idClient: 3,
      montant: '95.68',
      date: '2026-10-20',
      ref: 'chq 4343',
      allocations: [{ idFacture: a.idFacture, montant: '59.80' }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    await glouxAllocation(side, {
      idPaiement: p,
      idFacture: b.idFacture,
      montant: '35.88',
      at: '2026-11-02 09:00:00',
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const paymentId = legacyUuid('paiement', p);
    const year = await app.db.run((q) => allocationOfFiscalYear(q, 2026));
    const rows = year.rows.filter((r) => r.paymentId === paymentId);
    expect(rows.map((r) => [r.paidOn, r.invoiceNumber, r.kind])).toEqual([
      ['2026-10-20', a.numero, 'payment'],
      [TODAY, b.numero, 'allocation_correction'],
    ]);
    const vat: { day: string; kind: string; vat: string }[] = [];
    for await (const d of vatDetail(app.db, { from: '2026-10-01', to: '2026-11-30' }))
      if (d.sourceId === paymentId) vat.push({ day: d.day, kind: d.kind, vat: d.vat });
    expect(vat).toEqual([
      { day: '2026-10-20', kind: 'payment', vat: '9.80' },
      { day: TODAY, kind: 'allocation_correction', vat: '5.88' },
    ]);
    // The VAT it carries is collected on the day seen, in that day's correction entry: the
    // payment's own entry (October, maybe declared) is not rewritten.
    const entries = (await ledger()).filter((e) => e.pieceRef === 'chq 4343');
    expect(entries.map((e) => [e.date, e.label])).toEqual([
      ['2026-10-20', 'Règlement chèque chq 4343'],
      [
        TODAY,
        `Régularisation : affectation du règlement chq 4343 sur ${b.numero} (ajoutée dans Gloux)`,
      ],
    ]);
    expect(accounts(entries[0]!.lines)).toContain('44571 0.00/9.80');
    expect(accounts(entries[0]!.lines)).not.toContain('44571 0.00/5.88');
    expect(accounts(entries[1]!.lines)).toEqual([
      '4191 35.88/0.00',
      '411 0.00/35.88',
      '44574 5.88/0.00',
      '44571 0.00/5.88',
    ]);
  });

  it('dates a second Gloux allocation of a payment to the same invoice on the day seen, not the first row’s day', async () => {
    const a = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-10-07',
      lines: [{ libelle: 'Plaque', montantHt: 50 }],
    });
    const p = await glouxPayment(side, {
      idClient: 3,
      montant: '59.80',
      date: '2026-10-21',
      ref: 'chq 4545',
      allocations: [{ idFacture: a.idFacture, montant: '29.90' }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    // Gloux's second paiements_factures row for the same (payment, invoice).
    await glouxAllocation(side, {
      idPaiement: p,
      idFacture: a.idFacture,
      montant: '29.90',
      at: '2026-11-03 09:00:00',
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(a.numero)).toMatchObject({ status: 'paid', paid: '59.80' });
    const paymentId = legacyUuid('paiement', p);
    const year = await app.db.run((q) => allocationOfFiscalYear(q, 2026));
    const rows = year.rows.filter((r) => r.paymentId === paymentId);
    expect(rows.map((r) => [r.paidOn, r.invoiceNumber, r.kind, r.vat, r.current])).toEqual([
      ['2026-10-21', a.numero, 'payment', '4.90', '25.00'],
      [TODAY, a.numero, 'allocation_correction', '4.90', '25.00'],
    ]);
    const vat: { day: string; kind: string; vat: string }[] = [];
    for await (const d of vatDetail(app.db, { from: '2026-10-01', to: '2026-11-30' }))
      if (d.sourceId === paymentId) vat.push({ day: d.day, kind: d.kind, vat: d.vat });
    expect(vat).toEqual([
      { day: '2026-10-21', kind: 'payment', vat: '4.90' },
      { day: TODAY, kind: 'allocation_correction', vat: '4.90' },
    ]);
    // October's entry keeps its VAT; the rest is collected in the correction of the day seen.
    const entries = (await ledger()).filter((e) => e.pieceRef === 'chq 4545');
    expect(entries.map((e) => [e.date, e.label])).toEqual([
      ['2026-10-21', 'Règlement chèque chq 4545'],
      [
        TODAY,
        `Régularisation : affectation du règlement chq 4545 sur ${a.numero} (ajoutée dans Gloux)`,
      ],
    ]);
    expect(accounts(entries[0]!.lines)).toContain('44571 0.00/4.90');
    expect(accounts(entries[1]!.lines)).toEqual([
      '4191 29.90/0.00',
      '411 0.00/29.90',
      '44574 4.90/0.00',
      '44571 0.00/4.90',
    ]);
  });

  it('rebuilds the read models from the log to the same tables, corrections included', async () => {
    const live = await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`));
    await app.pipeline.rebuild();
    expect(await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`))).toEqual(live);
  });
});
