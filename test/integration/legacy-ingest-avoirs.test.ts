import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import type { IssueCreditNote } from '../../domain/billing/credit-note.js';
import type { ReversePayment } from '../../domain/billing/payment.js';
import { DomainError } from '../../domain/shared/errors.js';
import { Dec } from '../../domain/shared/money.js';
import { legacyUuid } from '../../legacy-sync/legacy-rows.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { driftReport, repairDrift, type Drift } from '../../legacy-sync/legacy-drift.js';
import { importReport } from '../../legacy-sync/legacy-report.js';
import {
  customerBalance,
  customerCredit,
  findInvoiceByNumber,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import {
  IssueCreditNoteCommand,
  type IssueCreditNoteResult,
} from '../../src/billing/issue-credit-note.command.js';
import {
  ReversePaymentCommand,
  type ReversePaymentResult,
} from '../../src/billing/reverse-payment.command.js';
import {
  readAll,
  readStream,
  type RecordedEvent,
} from '../../src/kernel/event-store/event-store.js';
import { AfterCommit } from '../../src/lifecycle/after-commit.js';
import { AppHarness, yearLine } from '../support/app-harness.js';
import { dialects, type TestDatabase } from '../support/databases.js';
import {
  glouxAllocation,
  glouxAvoir,
  glouxCheque,
  glouxEdit,
  glouxInvoice,
  glouxPayment,
  type GlouxSide,
} from '../support/gloux-writes.js';
import { snapshotReadModels } from '../support/read-models.js';
import { describeDrift, SAMPLE_DRIFT, startOnGlouxSample } from '../support/legacy-ingest-setup.js';

jest.setTimeout(120_000);

const cents = (v: unknown) => new Dec(String(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
const minus = (a: string, b: string) => new Dec(a).minus(b).toFixed(2);

describe.each(dialects)('Gloux’s avoirs, later allocations and cancellations on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let ingester: LegacyIngester;
  let side: GlouxSide;

  beforeAll(async () => {
    ({ database, app, ingester, side } = await startOnGlouxSample(dialect));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const bus = () => app.context.get(CommandBus);
  const creditNote = (input: IssueCreditNote) =>
    bus().execute<IssueCreditNoteCommand, IssueCreditNoteResult>(
      new IssueCreditNoteCommand(input, 'test'),
    );
  const reverse = (input: ReversePayment) =>
    bus().execute<ReversePaymentCommand, ReversePaymentResult>(
      new ReversePaymentCommand(input, 'test'),
    );
  const glouxEvents = async (): Promise<RecordedEvent[]> =>
    (await app.db.run((q) => readAll(q, 0, 100_000))).filter((e) => e.metadata.source === 'gloux');
  const invoice = (numero: string) => app.db.run((q) => findInvoiceByNumber(q, numero));
  const balance = (customer: string) => app.db.run((q) => customerBalance(q, customer));
  const factures = async (id: number) =>
    (
      await app.db.query<{ statut: string; montant_regle: unknown }>(
        `SELECT statut, montant_regle FROM factures WHERE id_facture = ?`,
        [id],
      )
    )[0];
  /** G6, Gloux's "reste à payer". */
  const reste = async (id: number) => cents((await app.gloux('G6', { id_facture: id }))[0]?.reste);
  const issueCodes = async () =>
    (await app.db.run((q) => importReport(q))).issues.map(
      (i) => `${i.table} ${i.legacyId} ${i.code}${i.blocking ? ' (bloquant)' : ''}`,
    );

  /** Ingest, then mirror, then the drift report. */
  async function settle(): Promise<Drift[]> {
    await ingester.poll();
    await app.syncLegacy();
    return app.db.run((q) => driftReport(q));
  }

  it('backfills an avoir Gloux wrote on its invoice: a credit note with Gloux’s number, source gloux', async () => {
    const inv = await glouxInvoice(side, {
      idClient: 2,
      date: '2026-10-10',
      lines: [
        { libelle: 'Hébergement « été »', montantHt: 40 },
        { libelle: 'Option mail', montantHt: 10.05 },
      ],
    });
    // A pending pro-rata line of the same customer (id_facture = 0) is no part of either.
    await glouxEdit(
      side,
      `INSERT INTO factures_lignes (id_facture, id_client, type_ligne, libelle, montant_ht) VALUES (0, 2, 'prorata', 'En attente', 1.4)`,
    );
    const avoir = await glouxAvoir(side, {
      idClient: 2,
      idFactureOrigine: inv.idFacture,
      date: '2026-11-05',
      lines: [
        { libelle: 'Hébergement « été »', montantHt: 40 },
        { libelle: 'Option mail', montantHt: 10.05 },
      ],
      annule: true,
    });
    expect(avoir.total).toBe('-59.86');
    const counts = await ingester.backfill();
    expect(counts).toMatchObject({ invoices: 3, creditNotes: 1, payments: 2 });
    await app.syncLegacy();
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual(SAMPLE_DRIFT);
    const events = (await glouxEvents()).filter(
      (e) => e.streamId === `invoice-${legacyUuid('facture', inv.idFacture)}`,
    );
    expect(events.map((e) => e.type)).toEqual(['InvoiceIssued', 'CreditNoteIssued']);
    expect(events[1]!.data).toMatchObject({
      creditNoteId: legacyUuid('avoir', avoir.idFacture),
      number: avoir.numero,
      invoiceNumber: inv.numero,
      issuedOn: '2026-11-05',
      total: '59.86',
      settled: '59.86',
      toCredit: '0.00',
      reason: 'Avoir Gloux : Hébergement « été », Option mail',
    });
    expect(await invoice(inv.numero)).toMatchObject({ status: 'cancelled', balance: '0.00' });
    expect(await invoice(avoir.numero)).toMatchObject({ total: '-59.86' });
    // Gloux's invoice: 'annulee', nothing left to pay by G6; the customer owes what they did.
    expect(await factures(inv.idFacture)).toMatchObject({ statut: 'annulee' });
    expect(await reste(inv.idFacture)).toBe('0.00');
    expect(await balance('2')).toBe('-14.35');
    // Exactly once: nothing more on the next polls.
    expect(await ingester.poll()).toMatchObject({ invoices: 0, creditNotes: 0, events: 0 });
    expect(await ingester.backfill()).toMatchObject({ creditNotes: 0, events: 0 });
  });

  it('takes a partial avoir on a paid invoice: the credited part becomes the customer’s credit', async () => {
    const inv = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-10-12',
      lines: [
        { libelle: 'Plaque', montantHt: 40 },
        { libelle: 'Option disque', montantHt: 10 },
      ],
    });
    await glouxCheque(side, { idClient: 1, idFacture: inv.idFacture, montant: '59.80', ref: 'c1' });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const before = await balance('1');
    const avoir = await glouxAvoir(side, {
      idClient: 1,
      idFactureOrigine: inv.idFacture,
      date: '2026-11-06',
      lines: [{ libelle: 'Option disque', montantHt: 10 }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const [event] = (await glouxEvents()).filter((e) => e.type === 'CreditNoteIssued').slice(-1);
    expect(event!.data).toMatchObject({ number: avoir.numero, total: '11.96', toCredit: '11.96' });
    expect(await invoice(inv.numero)).toMatchObject({ status: 'paid', balance: '0.00' });
    expect(await app.db.run((q) => customerCredit(q, '1'))).toBe('11.96');
    expect(await balance('1')).toBe(new Dec(before).plus('11.96').toFixed(2));
    expect(await factures(inv.idFacture)).toMatchObject({ statut: 'payee' });
    expect(await ingester.poll()).toMatchObject({ creditNotes: 0, events: 0 });
  });

  it('never re-imports gloux2’s own credit note, mirrored into Gloux as an avoir', async () => {
    const mine = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-07',
      lines: [yearLine('Plaque', '100.00', '2026-11-07', '2027-11-06')],
    });
    const cn = await creditNote({
      invoiceId: mine.invoiceId,
      issuedOn: '2026-11-07',
      reason: 'Erreur',
    });
    const before = (await glouxEvents()).length;
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const [row] = await app.db.query<{ type_facture: string }>(
      `SELECT type_facture FROM factures WHERE numero = ?`,
      [cn.number],
    );
    expect(row?.type_facture).toBe('avoir');
    expect(await ingester.poll()).toMatchObject({ invoices: 0, creditNotes: 0, events: 0 });
    expect((await glouxEvents()).length).toBe(before);
  });

  it('keeps numbering and chronology: Gloux’s numbers kept, gloux2 never draws one again or dates before', async () => {
    const inv = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-11-10',
      lines: [{ libelle: 'Plaque', montantHt: 20 }],
    });
    // An avoir numbered by hand in gloux2's own series, and one from Gloux's counter (G1).
    const typed = await glouxAvoir(side, {
      idClient: 3,
      idFactureOrigine: inv.idFacture,
      date: '2026-11-12',
      lines: [{ libelle: 'Plaque', montantHt: 5 }],
      numero: 'A2026-000050',
    });
    const drawn = await glouxAvoir(side, {
      idClient: 3,
      idFactureOrigine: inv.idFacture,
      date: '2026-11-20',
      lines: [{ libelle: 'Plaque', montantHt: 5 }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice('A2026-000050')).toMatchObject({ total: '-5.98' });
    expect(await invoice(drawn.numero)).toMatchObject({ total: '-5.98' });
    expect(await invoice(inv.numero)).toMatchObject({ balance: '11.96', status: 'issued' });
    // gloux2's credit notes may not be dated before Gloux's last avoir of the A2026 series…
    await expect(
      creditNote({
        invoiceId: legacyUuid('facture', inv.idFacture),
        issuedOn: '2026-11-11',
        reason: 'x',
      }),
    ).rejects.toThrow(/chronologique/);
    // …and the next one comes after Gloux's hand-typed number…
    const mine = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-20',
      lines: [yearLine('Plaque', '10.00', '2026-11-20', '2027-11-19')],
    });
    const next = await creditNote({
      invoiceId: mine.invoiceId,
      issuedOn: '2026-11-20',
      reason: 'x',
    });
    expect(next.number).toBe('A2026-000051');
    // …and no invoice of the F2026 series may be dated before Gloux's avoir of 2026-11-20.
    await expect(
      app.issue({
        customerId: '3',
        issuedOn: '2026-11-19',
        lines: [yearLine('Plaque', '10.00', '2026-11-19', '2027-11-18')],
      }),
    ).rejects.toBeInstanceOf(DomainError);
    expect(typed.numero).toBe('A2026-000050');
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
  });

  it('reports what it cannot take and why: orphan avoirs, a zero date, an avoir larger than its invoice', async () => {
    const inv = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-11-01',
      lines: [{ libelle: 'Plaque', montantHt: 10 }],
    });
    const orphan = await glouxAvoir(side, {
      idClient: 1,
      idFactureOrigine: 99_999,
      date: '2026-11-02',
      lines: [{ libelle: 'x', montantHt: 1 }],
    });
    const none = await glouxAvoir(side, {
      idClient: 1,
      idFactureOrigine: 0,
      date: '2026-11-02',
      lines: [{ libelle: 'x', montantHt: 1 }],
    });
    const undated = await glouxAvoir(side, {
      idClient: 1,
      idFactureOrigine: inv.idFacture,
      date: '2026-11-02',
      lines: [{ libelle: 'Plaque', montantHt: 1 }],
    });
    await glouxEdit(side, `UPDATE factures SET date_facture = '0000-00-00' WHERE id_facture = ?`, [
      undated.idFacture,
    ]);
    const tooMuch = await glouxAvoir(side, {
      idClient: 1,
      idFactureOrigine: inv.idFacture,
      date: '2026-11-02',
      lines: [{ libelle: 'Plaque', montantHt: 12 }],
    });
    const drift = await settle();
    expect(await issueCodes()).toEqual(
      expect.arrayContaining([
        `factures ${orphan.idFacture} credit_note_orphan (bloquant)`,
        `factures ${none.idFacture} credit_note_orphan (bloquant)`,
        `factures ${undated.idFacture} no_date (bloquant)`,
        `factures ${tooMuch.idFacture} credit_note_lines (bloquant)`,
      ]),
    );
    const absent = (n: string) =>
      `facture ${n} présence: gloux=avoir emise gloux2=non importée (voir le rapport d’import) (gloux)`;
    expect(describeDrift(drift)).toEqual([
      absent(orphan.numero),
      absent(none.numero),
      absent(undated.numero),
      absent(tooMuch.numero),
      // Gloux's forms raised clients.solde for avoirs gloux2 could not take in: named, Gloux's.
      `solde client n° 1 solde: gloux=17.95 gloux2=0.00 (17.95 de Gloux non importé (${[
        orphan,
        none,
        undated,
        tooMuch,
      ]
        .map((a) => `avoir ${a.numero}`)
        .join(', ')}) : à régler dans Gloux) (gloux)`,
      ...SAMPLE_DRIFT,
    ]);
    expect(await invoice(inv.numero)).toMatchObject({ balance: '11.96', status: 'issued' });
    for (const a of [orphan, none, undated, tooMuch])
      await glouxEdit(side, `DELETE FROM factures WHERE id_facture = ?`, [a.idFacture]);
    // Deleted by hand, they leave Gloux's balance raised: gloux2's to put back, relatively.
    const after = await settle();
    expect(describeDrift(after).filter((d) => d.startsWith('solde'))).toEqual([
      'solde client n° 1 solde: gloux=17.95 gloux2=0.00 (gloux2)',
    ]);
    await app.db.transaction((tx) => repairDrift(tx, after));
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual(SAMPLE_DRIFT);
  });

  it('puts an allocation Gloux adds to a known payment on its stream: gloux2’s bounce reopens both invoices', async () => {
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
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const owed = await balance('3');
    const p = await glouxPayment(side, {
      idClient: 3,
      montant: '95.68',
      date: '2026-10-20',
      ref: 'chq 4242',
      allocations: [{ idFacture: a.idFacture, montant: '59.80' }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(a.numero)).toMatchObject({ status: 'paid' });
    expect(await invoice(b.numero)).toMatchObject({ status: 'issued' });
    await glouxAllocation(side, {
      idPaiement: p,
      idFacture: b.idFacture,
      montant: '35.88',
      at: '2026-11-02 09:00:00',
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(b.numero)).toMatchObject({ status: 'paid', balance: '0.00' });
    const paymentId = legacyUuid('paiement', p);
    const stream = await app.db.run((q) => readStream(q, `payment-${paymentId}`));
    expect(stream.map((e) => e.type)).toEqual(['PaymentRecorded', 'PaymentAllocationChanged']);
    expect(await ingester.poll()).toMatchObject({ payments: 0, events: 0 });
    expect(await balance('3')).toBe(minus(owed, '-95.68'));
    // The cheque bounces, recorded in gloux2: both invoices are due again, to the cent.
    const r = await reverse({
      paymentId,
      kind: 'bounced',
      on: '2026-11-25',
      reason: 'Sans provision',
    });
    expect(r.amount).toBe('95.68');
    expect(r.fromCredit).toBe('0.00');
    expect(await invoice(a.numero)).toMatchObject({
      status: 'issued',
      paid: '0.00',
      balance: '59.80',
    });
    expect(await invoice(b.numero)).toMatchObject({
      status: 'issued',
      paid: '0.00',
      balance: '35.88',
    });
    expect(await balance('3')).toBe(owed);
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await reste(a.idFacture)).toBe('59.80');
    expect(await reste(b.idFacture)).toBe('35.88');
    expect(await factures(b.idFacture)).toMatchObject({ statut: 'emise' });
    expect(await ingester.poll()).toMatchObject({ payments: 0, events: 0 });
  });

  it('takes a payment Gloux marks rejected back from every invoice, an allocation added later included', async () => {
    const c = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-10-07',
      lines: [{ libelle: 'Plaque', montantHt: 20 }],
    });
    const d = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-10-08',
      lines: [{ libelle: 'Option', montantHt: 10 }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const owed = await balance('1');
    const q = await glouxPayment(side, {
      idClient: 1,
      montant: '35.88',
      date: '2026-10-21',
      ref: 'chq 4343',
      allocations: [{ idFacture: c.idFacture, montant: '23.92' }],
    });
    await settle();
    await glouxAllocation(side, {
      idPaiement: q,
      idFacture: d.idFacture,
      montant: '11.96',
      at: '2026-11-03 09:00:00',
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(d.numero)).toMatchObject({ status: 'paid' });
    await glouxEdit(side, `UPDATE paiements SET etat = 'rejete' WHERE id_paiement = ?`, [q]);
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await invoice(c.numero)).toMatchObject({ status: 'issued', balance: '23.92' });
    expect(await invoice(d.numero)).toMatchObject({ status: 'issued', balance: '11.96' });
    expect(await balance('1')).toBe(owed);
    const stream = await app.db.run((x) => readStream(x, `payment-${legacyUuid('paiement', q)}`));
    expect(stream.map((e) => e.type)).toEqual([
      'PaymentRecorded',
      'PaymentAllocationChanged',
      'PaymentReversed',
    ]);
  });

  it('keeps an invoice cancelled by hand in Gloux due, names it, and settles once a credit note cancels it', async () => {
    const h = await glouxInvoice(side, {
      idClient: 2,
      date: '2026-11-08',
      lines: [{ libelle: 'Plaque', montantHt: 10 }],
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    await glouxEdit(side, `UPDATE factures SET statut = 'annulee' WHERE id_facture = ?`, [
      h.idFacture,
    ]);
    const drift = await settle();
    const named = `facture ${h.numero} statut: gloux=annulee gloux2=emise (annulée sans avoir : à régler par un avoir) (gloux)`;
    expect(describeDrift(drift)).toEqual([named, ...SAMPLE_DRIFT]);
    expect(await issueCodes()).toContain(`factures ${h.idFacture} cancelled_without_credit_note`);
    expect(await invoice(h.numero)).toMatchObject({ status: 'issued', balance: '11.96' });
    // Repair leaves Gloux's status alone: a person decides; no event either way.
    await app.db.transaction((tx) => repairDrift(tx, drift));
    expect(await factures(h.idFacture)).toMatchObject({ statut: 'annulee' });
    expect(await ingester.poll()).toMatchObject({ events: 0, issues: 0 });
    // The treasurer cancels it properly: a credit note in gloux2; both sides agree again.
    const mine = await invoice(h.numero);
    await creditNote({ invoiceId: mine!.invoiceId, issuedOn: '2026-11-25', reason: 'Annulée' });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await issueCodes()).not.toContain(
      `factures ${h.idFacture} cancelled_without_credit_note`,
    );
  });

  it('lifts the unpaid suspension once an allocation Gloux adds later settles the last overdue invoice', async () => {
    // Sample: account n° 2 suspended by G3 for F2008-001544, 14.35 still due.
    const state = async () =>
      (
        await app.db.query<{ etat: string }>(
          `SELECT etat FROM hebergements WHERE id_hebergement = 2`,
        )
      )[0]?.etat;
    const settleAll = async () => {
      await ingester.poll();
      await app.context.get(AfterCommit).settle();
    };
    const p = await glouxPayment(side, {
      idClient: 2,
      montant: '20.00',
      date: '2026-11-24',
      ref: 'chq 5151',
      allocations: [],
    });
    await settleAll();
    expect(await state()).toBe('suspendu');
    await glouxAllocation(side, {
      idPaiement: p,
      idFacture: 102,
      montant: '14.35',
      at: '2026-11-25 09:00:00',
    });
    await settleAll();
    expect(await invoice('F2008-001544')).toMatchObject({ status: 'paid' });
    expect(await state()).toBe('actif');
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual(SAMPLE_DRIFT);
  });

  it('takes an avoir written before its invoice’s row at the next poll, never looping on it', async () => {
    // One row per batch: a row left for later must not be fetched again and again.
    const oneByOne = new LegacyIngester(app.db, app.pipeline, app.clock, 1);
    const avoir = await glouxAvoir(side, {
      idClient: 3,
      idFactureOrigine: 0,
      date: '2026-11-21',
      lines: [{ libelle: 'Plaque', montantHt: 10 }],
    });
    await glouxEdit(side, `UPDATE factures SET id_facture_origine = ? WHERE id_facture = ?`, [
      avoir.idFacture + 1,
      avoir.idFacture,
    ]);
    const inv = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-11-21',
      lines: [{ libelle: 'Plaque', montantHt: 10 }],
    });
    expect(inv.idFacture).toBe(avoir.idFacture + 1);
    expect(await oneByOne.poll()).toMatchObject({ invoices: 1, creditNotes: 0 });
    expect(await issueCodes()).toContain(`factures ${avoir.idFacture} credit_note_pending`);
    expect(await oneByOne.poll()).toMatchObject({ invoices: 0, creditNotes: 1 });
    expect(await issueCodes()).not.toContain(`factures ${avoir.idFacture} credit_note_pending`);
    expect(await invoice(inv.numero)).toMatchObject({ status: 'cancelled' });
    await app.syncLegacy();
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual(SAMPLE_DRIFT);
  });

  it('rebuilds the read models from the log to the same tables', async () => {
    const live = await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`));
    await app.pipeline.rebuild();
    expect(await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`))).toEqual(live);
  });
});
