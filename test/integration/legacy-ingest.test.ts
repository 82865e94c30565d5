import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { legacyUuid } from '../../legacy-sync/legacy-rows.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { driftReport, repairDrift, type Drift } from '../../legacy-sync/legacy-drift.js';
import { findCustomer } from '../../legacy-sync/legacy-gateway.js';
import {
  customerBalance,
  findInvoice,
  findInvoiceByNumber,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import { readAll, type RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { dialects, type TestDatabase } from '../support/databases.js';
import {
  glouxAvoir,
  glouxCheque,
  glouxEdit,
  glouxInvoice,
  glouxClosingScript,
  glouxInvoiceNumber,
  glouxShareExit,
  type GlouxSide,
} from '../support/gloux-writes.js';
import { snapshotReadModels } from '../support/read-models.js';
import { describeDrift, SAMPLE_DRIFT, startOnGlouxSample } from '../support/legacy-ingest-setup.js';

jest.setTimeout(120_000);

describe.each(dialects)('Gloux writes become events on %s', (dialect) => {
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

  const glouxEvents = async (): Promise<RecordedEvent[]> =>
    (await app.db.run((q) => readAll(q, 0, 100_000))).filter((e) => e.metadata.source === 'gloux');

  /** Ingest, then mirror, then the drift report. */
  async function settle(): Promise<Drift[]> {
    await ingester.poll();
    await app.syncLegacy();
    return app.db.run((q) => driftReport(q));
  }

  it('backfills the sample history: invoices and payments as events, the pending line left alone', async () => {
    const progress: string[] = [];
    const counts = await ingester.backfill((p) => progress.push(`${p.table} ${p.done}/${p.total}`));
    expect(counts).toMatchObject({ invoices: 2, payments: 2 });
    expect(progress).toContain('factures 2/2');
    expect(progress).toContain('paiements 2/2');
    const events = await glouxEvents();
    const billing = events.filter((e) => /^(Invoice|Payment)/.test(e.type));
    expect(billing.map((e) => e.type)).toEqual([
      'InvoiceIssued',
      'InvoiceIssued',
      'PaymentRecorded',
      'InvoicePaymentAllocated',
      'PaymentRecorded',
      'InvoicePaymentAllocated',
    ]);
    const a = await app.db.run((q) => findInvoiceByNumber(q, 'F2008-000955'));
    expect(a).toMatchObject({ total: '30.01', paid: '30.01', status: 'paid', customerId: '1' });
    expect(a?.invoiceId).toBe(legacyUuid('facture', 101));
    const b = await app.db.run((q) => findInvoiceByNumber(q, 'F2008-001544'));
    expect(b).toMatchObject({ total: '21.60', paid: '7.25', balance: '14.35', status: 'issued' });
    // clients.solde -14.35 = 7.25 - 21.60: gloux2 now says the same.
    expect(await app.db.run((q) => customerBalance(q, '2'))).toBe('-14.35');
    // The pending pro-rata line (id_facture = 0) is not an invoice.
    const lines = await app.db.query(`SELECT label FROM g2_rm_invoice_lines WHERE label LIKE ?`, [
      '%prorata%',
    ]);
    expect(lines).toEqual([]);
    // Gloux's VAT on the total (4.92) is the lines' VAT per rate: no made-up 0 % line.
    const issued = events.find(
      (e) => e.type === 'InvoiceIssued' && (e.data as { number: string }).number === 'F2008-000955',
    )!.data as { lines: { label: string; vat: string; total: string }[]; total: string };
    expect(issued.lines.map((l) => [l.label, l.vat, l.total])).toEqual([
      ['Plaque de base', '3.93', '24.00'],
      ['Espace disque supplémentaire (100 Mo)', '0.99', '6.01'],
    ]);
    expect(issued.total).toBe('30.01');
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
  });

  it('imports a G9 cheque on a gloux2 invoice within one poll, once, and both sides agree', async () => {
    const inv = await app.issue({
      customerId: '1',
      issuedOn: '2026-11-02',
      lines: [yearLine('Plaque', '100.00', '2026-11-02', '2027-11-01')],
    });
    await app.syncLegacy();
    const [f] = await app.db.query<{ id_facture: number }>(
      `SELECT id_facture FROM factures WHERE numero = ?`,
      [inv.number],
    );
    const before = (await glouxEvents()).length;
    const id = await glouxCheque(side, {
      idClient: 1,
      idFacture: Number(f!.id_facture),
      montant: '120.00',
      ref: 'chq 7788',
      banque: 'Crédit Agricole',
    });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const events = (await glouxEvents()).slice(before);
    expect(events.map((e) => [e.type, e.streamId])).toEqual([
      ['PaymentRecorded', `payment-${legacyUuid('paiement', id)}`],
      ['InvoicePaymentAllocated', `invoice-${inv.invoiceId}`],
    ]);
    expect(events[0]!.data).toMatchObject({
      method: 'cheque',
      amount: '120.00',
      reference: 'chq 7788',
      bank: 'Crédit Agricole',
    });
    expect(await app.db.run((q) => findInvoice(q, inv.invoiceId))).toMatchObject({
      status: 'paid',
      paid: '120.00',
    });
    // Polling again finds nothing new: exactly once.
    expect(await ingester.poll()).toMatchObject({ invoices: 0, payments: 0, events: 0 });
    expect((await glouxEvents()).length).toBe(before + 2);
  });

  it('imports an invoice Gloux issues (number from G1, accents, FLOAT amounts) and its payment', async () => {
    const { idFacture, numero } = await glouxInvoice(side, {
      idClient: 2,
      date: '2026-10-01',
      lines: [{ libelle: 'Hébergement « Les Amis » été', montantHt: 20.07 }],
    });
    await glouxEdit(
      side,
      `INSERT INTO factures_lignes (id_facture, id_client, type_ligne, libelle, montant_ht) VALUES (0, 2, 'prorata', 'En attente', 1.4)`,
    );
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const mine = await app.db.run((q) => findInvoiceByNumber(q, numero));
    expect(mine).toMatchObject({ total: '24.00', status: 'issued', customerId: '2' });
    const [line] = await app.db.query<{ label: string }>(
      `SELECT label FROM g2_rm_invoice_lines WHERE invoice_id = ?`,
      [mine!.invoiceId],
    );
    expect(line?.label).toBe('Hébergement « Les Amis » été');
    await glouxCheque(side, { idClient: 2, idFacture, montant: '10.00', ref: 'chq 1' });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await app.db.run((q) => findInvoiceByNumber(q, numero))).toMatchObject({
      paid: '10.00',
      balance: '14.00',
    });
    // gloux2 can take the rest of it, and Gloux's rows then say 'payee'.
    await app.pay(cheque('2', mine!.invoiceId, '14.00', '2026-11-20', '9911'));
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const [f] = await app.db.query<{ statut: string }>(
      `SELECT statut FROM factures WHERE id_facture = ?`,
      [idFacture],
    );
    expect(f?.statut).toBe('payee');
  });

  it('takes in Gloux’s invoice, cheque and avoir without writing clients.solde: Gloux moved it already (G9)', async () => {
    const solde = async () => (await app.db.run((q) => findCustomer(q, '1')))!.balance;
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    // A mark only Gloux's side holds: a take-in that rewrote the balance would wipe it.
    await glouxEdit(side, `UPDATE clients SET solde = solde + 1 WHERE id_client = 1`);
    const marked = await solde();
    const paid = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-11-03',
      lines: [{ libelle: 'Plaque', montantHt: 30 }],
    });
    await glouxCheque(side, {
      idClient: 1,
      idFacture: paid.idFacture,
      montant: paid.total,
      ref: 'chq solde',
    });
    const cancelled = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-11-03',
      lines: [{ libelle: 'Option', montantHt: 12 }],
    });
    await glouxAvoir(side, {
      idClient: 1,
      idFactureOrigine: cancelled.idFacture,
      date: '2026-11-04',
      lines: [{ libelle: 'Option', montantHt: 12 }],
      annule: true,
    });
    // Gloux's own writes left its balance where it was: invoiced, paid, cancelled.
    expect(await solde()).toBe(marked);
    await settle();
    expect(await app.db.run((q) => findInvoiceByNumber(q, paid.numero))).toMatchObject({
      status: 'paid',
    });
    expect(await app.db.run((q) => findInvoiceByNumber(q, cancelled.numero))).toMatchObject({
      status: 'cancelled',
    });
    expect(await solde()).toBe(marked);
    await glouxEdit(side, `UPDATE clients SET solde = solde - 1 WHERE id_client = 1`);
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
  });

  it('waits for the lines of an invoice read before Gloux wrote them, inventing none (issue 16 item 1)', async () => {
    const { idFacture, numero, writeLines } = await glouxInvoice(side, {
      idClient: 2,
      date: '2026-10-02',
      lines: [{ libelle: 'Hébergement', montantHt: 20.07 }],
      linesLater: true,
    });
    // Gloux lowered its balance already, gloux2 has no invoice yet: named, Gloux's, no repair.
    const midway = (await settle()).filter((d) => d.area === 'solde');
    expect(describeDrift(midway)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^solde client n° 2 solde: gloux=\\S+ gloux2=\\S+ \\(1 facture en cours d’écriture dans Gloux \\(${numero}\\) : à revoir une fois importée\\) \\(gloux\\)$`,
        ),
      ),
    ]);
    expect(midway[0]!.repair).toBeNull();
    expect(await app.db.run((q) => findInvoiceByNumber(q, numero))).toBeNull();
    const issue = async () =>
      (
        await app.db.query<{ code: string; message: string; blocking: unknown }>(
          `SELECT code, message, blocking FROM g2_legacy_issues WHERE source_table = 'factures' AND legacy_id = ?`,
          [idFacture],
        )
      ).map((i) => [i.code, Number(i.blocking), /Toujours incomplète/.test(i.message)]);
    expect(await issue()).toEqual([['lines_incomplete', 0, false]]);
    // Long past the delay, a person is asked to settle it.
    await app.db.run((q) =>
      q.execute(
        `UPDATE g2_legacy_issues SET first_seen = '2000-01-01 00:00:00.000' WHERE legacy_id = ? AND code = 'lines_incomplete'`,
        [idFacture],
      ),
    );
    await settle();
    expect(await issue()).toEqual([['lines_incomplete', 0, true]]);
    await writeLines();
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const mine = await app.db.run((q) => findInvoiceByNumber(q, numero));
    expect(mine).toMatchObject({ total: '24.00', status: 'issued' });
    const lines = await app.db.query<{ label: string }>(
      `SELECT label FROM g2_rm_invoice_lines WHERE invoice_id = ?`,
      [mine!.invoiceId],
    );
    expect(lines.map((l) => l.label)).toEqual(['Hébergement']);
    expect(await issue()).toEqual([]);
  });

  it('counts a late-lined invoice once in clients.solde while gloux2 writes for the customer meanwhile (issue 16 item 2)', async () => {
    const solde = async () => (await app.db.run((q) => findCustomer(q, '3')))!.balance;
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const before = await solde();
    // Gloux writes the factures row; its page writes the lines, then lowers the balance.
    const gloux = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-11-02',
      lines: [{ libelle: 'Hébergement', montantHt: 20.07 }],
      linesLater: true,
      balanceWithLines: true,
    });
    await settle();
    // Meanwhile gloux2 invoices the same customer, and the mirror writes clients.solde.
    const mine = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-02',
      lines: [yearLine('Plaque', '10.00', '2026-11-02', '2027-11-01')],
    });
    await app.syncLegacy();
    await gloux.writeLines();
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await solde()).toBe(
      (Number(before) - Number(gloux.total) - Number(mine.total)).toFixed(2),
    );
  });

  it('takes a cheque Gloux marks rejected back, and Gloux’s sums follow', async () => {
    const { idFacture, numero } = await glouxInvoice(side, {
      idClient: 3,
      date: '2026-11-03',
      lines: [{ libelle: 'Plaque', montantHt: 50 }],
    });
    const id = await glouxCheque(side, { idClient: 3, idFacture, montant: '59.80', ref: 'chq 2' });
    await settle();
    expect(await app.db.run((q) => findInvoiceByNumber(q, numero))).toMatchObject({
      status: 'paid',
    });
    await glouxEdit(side, `UPDATE paiements SET etat = 'rejete' WHERE id_paiement = ?`, [id]);
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect(await app.db.run((q) => findInvoiceByNumber(q, numero))).toMatchObject({
      status: 'issued',
      paid: '0.00',
    });
    const [row] = await app.db.query<{ statut: string }>(
      `SELECT statut FROM factures WHERE id_facture = ?`,
      [idFacture],
    );
    expect(row?.statut).toBe('emise');
    const types = (await glouxEvents()).slice(-2).map((e) => e.type);
    expect(types).toEqual(['PaymentReversed', 'InvoicePaymentAllocated']);
  });

  it('reports what it cannot import and why: orphan allocation, zero date', async () => {
    const id = await glouxEdit(
      side,
      `INSERT INTO paiements (id_client, mode, montant, date_paiement, reference, etat, objet) VALUES (1, 'virement', 5, '2026-11-04', 'VIR X', 'valide', 'facture')`,
    );
    await glouxEdit(side, `INSERT INTO paiements_factures VALUES (?, 99999, 5.00, '2026-11-04')`, [
      id,
    ]);
    const undated = await glouxEdit(
      side,
      `INSERT INTO factures (numero, id_client, adresse_facturation, date_facture, total_ht, total_tva, total_ttc, statut) VALUES ('F2026-999999', 1, '', '0000-00-00', 10, 2, 12, 'emise')`,
    );
    const drift = await settle();
    const issues = await app.db.query<{ source_table: string; legacy_id: unknown; code: string }>(
      `SELECT source_table, legacy_id, code FROM g2_legacy_issues ORDER BY source_table, legacy_id`,
    );
    expect(issues.map((i) => [i.source_table, Number(i.legacy_id), i.code])).not.toContainEqual([
      'factures',
      101,
      'rounding',
    ]);
    expect(issues.map((i) => [i.source_table, Number(i.legacy_id), i.code])).toEqual(
      expect.arrayContaining([
        ['factures', undated, 'no_date'],
        ['paiements', id, 'orphan_allocation_99999'],
      ]),
    );
    // The payment is imported without its orphan allocation; the undated invoice is named.
    expect(
      (await glouxEvents()).some((e) => e.streamId === `payment-${legacyUuid('paiement', id)}`),
    ).toBe(true);
    expect(describeDrift(drift)).toEqual([
      `facture F2026-999999 présence: gloux=facture emise gloux2=non importée (voir le rapport d’import) (gloux)`,
      ...SAMPLE_DRIFT,
    ]);
    await glouxEdit(side, `DELETE FROM factures WHERE id_facture = ?`, [undated]);
  });

  it('names a balance gloux2 owns that drifted, and legacy:repair puts it back', async () => {
    await glouxEdit(side, `UPDATE clients SET solde = solde + 3.5 WHERE id_client = 1`);
    await glouxEdit(side, `UPDATE tiers SET nb_parts = 7 WHERE id_tiers = 1`);
    const drift = await app.db.run((q) => driftReport(q));
    expect(describeDrift(drift)).toEqual([
      'solde client n° 1 solde: gloux=3.50 gloux2=0.00 (gloux2)',
      'tiers tiers n° 1 nb_parts: gloux=7 gloux2=2 (gloux2)',
      ...SAMPLE_DRIFT,
    ]);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual(SAMPLE_DRIFT);
  });

  it('names gloux2’s balance write a crash left unapplied, and legacy:repair applies it once', async () => {
    const mine = await app.issue({
      customerId: '1',
      issuedOn: '2026-11-24',
      lines: [yearLine('Plaque', '10.00', '2026-11-24', '2027-11-23')],
    });
    await app.syncLegacy();
    // The state a crash leaves between the journal row and the balance update (MariaDB: two
    // MyISAM statements): journaled, not applied.
    await app.db.run(async (q) => {
      await q.execute(`UPDATE g2_legacy_balance_deltas SET applied = 0 WHERE delta_key = ?`, [
        `invoice:${mine.invoiceId}`,
      ]);
      await q.execute(`UPDATE clients SET solde = solde + ? WHERE id_client = 1`, [
        Number(mine.total),
      ]);
    });
    const drift = await app.db.run((q) => driftReport(q));
    expect(describeDrift(drift)).toEqual([
      `solde client n° 1 solde: gloux=0.00 gloux2=-${mine.total} (dont -${mine.total} écrits par gloux2 et pas encore reportés au solde) (gloux2)`,
      ...SAMPLE_DRIFT,
    ]);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    await app.db.transaction((tx) => repairDrift(tx, drift));
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    await app.pay(cheque('1', mine.invoiceId, mine.total, '2026-11-24', 'repaired'));
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
  });

  it('leaves a share change the register refuses to a person: named, never written over by repair', async () => {
    const [share] = await app.db.query<{ numero: unknown; etat: string }>(
      `SELECT numero, etat FROM parts_sociales WHERE etat = 'liberee' ORDER BY numero LIMIT 1`,
    );
    const n = Number(share!.numero);
    // A paid-up share cannot be cancelled (only redeemed): the poll reports it, imports nothing.
    await glouxEdit(side, `UPDATE parts_sociales SET etat = 'annulee' WHERE numero = ?`, [n]);
    const drift = await settle();
    expect(describeDrift(drift)).toEqual([
      `part part n° ${n} etat: gloux=annulee gloux2=liberee (non importé : voir le rapport d’import) (gloux)`,
      ...SAMPLE_DRIFT,
    ]);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    const [after] = await app.db.query<{ etat: string }>(
      `SELECT etat FROM parts_sociales WHERE numero = ?`,
      [n],
    );
    expect(after!.etat).toBe('annulee');
    await glouxEdit(side, `UPDATE parts_sociales SET etat = ? WHERE numero = ?`, [share!.etat, n]);
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
  });

  it('takes in a share Gloux redeems at the next poll: no drift left, nothing for repair to write', async () => {
    const [share] = await app.db.query<{ numero: unknown }>(
      `SELECT numero FROM parts_sociales WHERE etat = 'souscrite' ORDER BY numero LIMIT 1`,
    );
    const n = Number(share!.numero);
    await glouxShareExit(side, { numero: n, etat: 'remboursee', date: '2026-11-25' });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    const changed = (await glouxEvents()).filter((e) => e.type === 'LegacyShareChanged');
    expect(changed.map((e) => (e.data as { share: { number: number } }).share.number)).toEqual([n]);
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
  });

  it('names an invoice number drawn and never used, and repair records it as an explained gap', async () => {
    const lost = await glouxInvoiceNumber(side, 2026);
    const drift = await settle();
    expect(describeDrift(drift)).toEqual([
      ...SAMPLE_DRIFT,
      expect.stringMatching(
        new RegExp(
          `^numero ${lost} numéro: gloux=tiré \\(facture_2026 = \\d+\\) gloux2=ni document ni trou enregistré \\(gloux2\\)$`,
        ),
      ),
    ]);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual(SAMPLE_DRIFT);
    const [gap] = await app.db.query<{ number: string }>(
      `SELECT number FROM g2_number_gaps WHERE number = ?`,
      [lost],
    );
    expect(gap?.number).toBe(lost);
  });

  it('takes G3’s suspension and an admin’s reactivation in Gloux as account events', async () => {
    const accounts = async (id: string) =>
      (await glouxEvents())
        .filter((e) => e.streamId === `account-${id}`)
        .map((e) => [
          e.type,
          (e.data as { reason?: string; liftedReason?: string }).reason ??
            (e.data as { liftedReason?: string }).liftedReason ??
            '',
        ]);
    // The sample's accounts: n° 1 active, n° 2 suspended by G3 long ago.
    expect(await accounts('1')).toEqual([['AccountOpened', '']]);
    expect(await accounts('2')).toEqual([
      ['AccountOpened', ''],
      ['AccountSuspended', 'unpaid'],
    ]);
    // Customer 1 gets an invoice left unpaid 60 days past due: G3 suspends account n° 1.
    const { idFacture } = await glouxInvoice(side, {
      idClient: 1,
      date: '2026-01-05',
      lines: [{ libelle: 'Plaque', montantHt: 20 }],
    });
    await glouxClosingScript(side);
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect((await accounts('1')).slice(1)).toEqual([['AccountSuspended', 'unpaid']]);
    // An admin reactivates it by hand in Gloux. (Before the payment: a payment's own reaction,
    // woken after each commit, would otherwise race the poll to reactivate it first.)
    await glouxEdit(
      side,
      `UPDATE hebergements SET etat = 'actif', motif_etat = '' WHERE id_hebergement = 1`,
    );
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect((await accounts('1')).slice(2)).toEqual([['AccountReactivated', 'unpaid']]);
    // The invoice is paid there too: nothing more for the account.
    await glouxCheque(side, { idClient: 1, idFacture, montant: '23.92', ref: 'chq 3' });
    expect(describeDrift(await settle())).toEqual(SAMPLE_DRIFT);
    expect((await accounts('1')).slice(2)).toEqual([['AccountReactivated', 'unpaid']]);
    expect(await ingester.poll()).toMatchObject({ accounts: 0, events: 0 });
  });

  it('rebuilds the read models from the log to the same tables, ingested events included', async () => {
    const live = await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`));
    await app.pipeline.rebuild();
    expect(await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`))).toEqual(live);
  });
});
