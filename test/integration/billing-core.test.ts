import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/errors.js';
import { Dec } from '../../domain/shared/money.js';
import {
  customerBalance,
  customerCredit,
  invoicesOfCustomer,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import { fromCents } from '../../domain/shared/cents.js';
import {
  ApplyCreditCommand,
  RefundCreditCommand,
} from '../../src/billing/customer-credit.commands.js';
import {
  IssueCreditNoteCommand,
  type IssueCreditNoteResult,
} from '../../src/billing/issue-credit-note.command.js';
import {
  ReversePaymentCommand,
  type ReversePaymentResult,
} from '../../src/billing/reverse-payment.command.js';
import type { IssueCreditNote } from '../../domain/billing/credit-note.js';
import type { ReversePayment } from '../../domain/billing/payment.js';
import { lastPosition } from '../../src/kernel/event-store/event-store.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(120_000);

const cents = (v: unknown) => new Dec(String(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
/** A DATE column as mysql2 (local Date) or SQLite (string) returns it. */
const dayOf = (v: unknown) =>
  v instanceof Date
    ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
    : String(v).slice(0, 10);
const GLOUX_STATUS = { issued: 'emise', paid: 'payee', cancelled: 'annulee' } as const;

describe.each(dialects)('billing core on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const customer = '3';

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const bus = () => app.context.get(CommandBus);
  const creditNote = (input: IssueCreditNote, key?: string) =>
    bus().execute<IssueCreditNoteCommand, IssueCreditNoteResult>(
      new IssueCreditNoteCommand(input, 'test', key),
    );
  const reverse = (input: ReversePayment) =>
    bus().execute<ReversePaymentCommand, ReversePaymentResult>(
      new ReversePaymentCommand(input, 'test'),
    );
  const issue = (issuedOn: string, net: string) =>
    app.issue({
      customerId: customer,
      issuedOn,
      lines: [yearLine('Plaque de base', net, issuedOn, '2026-12-31')],
    });

  /**
   * After legacy-sync, Gloux's own queries agree with the read models on every document of the
   * customer: G4 (solde) = balance; G5 total, montant_regle (paid + credited), statut; G6 reste.
   */
  async function expectGlouxAgrees(): Promise<void> {
    await app.syncLegacy();
    const [solde] = await app.gloux('G4', { id_client: customer });
    const balance = await app.db.run((q) => customerBalance(q, customer));
    expect(cents(solde?.solde)).toBe(balance);
    const listed = await app.gloux('G5', { id_client: customer });
    const mine = await app.db.run((q) => invoicesOfCustomer(q, customer));
    expect(listed.map((r) => r.numero).sort()).toEqual(mine.map((i) => i.number).sort());
    for (const doc of mine) {
      const row = listed.find((r) => r.numero === doc.number)!;
      expect({ number: doc.number, total: cents(row.total_ttc), statut: row.statut }).toEqual({
        number: doc.number,
        total: doc.total,
        statut: GLOUX_STATUS[doc.status],
      });
      if (doc.kind === 'credit_note') {
        expect(row.type_facture).toBe('avoir');
        continue;
      }
      const settled = new Dec(doc.paid).plus(doc.credited).toFixed(2);
      expect({ number: doc.number, regle: cents(row.montant_regle) }).toEqual({
        number: doc.number,
        regle: settled,
      });
      if (doc.status === 'cancelled') continue; // "reste à payer" means nothing on a cancelled invoice
      const [f] = await app.db.query<{ id_facture: number }>(
        `SELECT id_facture FROM factures WHERE numero = ?`,
        [doc.number],
      );
      const [reste] = await app.gloux('G6', { id_facture: Number(f!.id_facture) });
      expect({ number: doc.number, reste: cents(reste?.reste) }).toEqual({
        number: doc.number,
        reste: doc.balance,
      });
    }
  }

  /** No cent created or lost: an invoice's allocation rows add up to what it has been paid. */
  async function expectAllocationsMatchPayments(): Promise<void> {
    const rows = await app.db.query<{
      invoice_id: string;
      paid_cents: unknown;
      allocated: unknown;
    }>(
      `SELECT i.invoice_id, i.paid_cents,
              (SELECT COALESCE(SUM(vat_cents), 0) FROM g2_rm_payment_lines l WHERE l.invoice_id = i.invoice_id)
            + (SELECT COALESCE(SUM(net_cents), 0) FROM g2_rm_payment_years y WHERE y.invoice_id = i.invoice_id) AS allocated
         FROM g2_rm_invoices i WHERE i.kind = 'invoice'`,
    );
    for (const r of rows) expect(fromCents(r.allocated)).toBe(fromCents(r.paid_cents));
  }

  async function expectRefused(promise: Promise<unknown>, code: string): Promise<void> {
    const before = await app.db.run((q) => lastPosition(q));
    await expect(promise).rejects.toBeInstanceOf(DomainError);
    await promise.catch((e: DomainError) => expect(e.code).toBe(code));
    expect(await app.db.run((q) => lastPosition(q))).toBe(before);
  }

  it('runs the whole life of a member’s invoices, Gloux agreeing at every step', async () => {
    // A 120.00 and B 60.00.
    const a = await issue('2026-01-10', '100.00');
    const b = await issue('2026-02-01', '50.00');
    expect([a.total, b.total]).toEqual(['120.00', '60.00']);
    await expectGlouxAgrees();

    // A partial payment.
    await app.pay(cheque(customer, a.invoiceId, '50.00', '2026-02-03', '1000001'));
    await expectGlouxAgrees();

    // One cheque across both invoices, allocated oldest first.
    const both = await app.pay({
      customerId: customer,
      method: 'cheque',
      amount: '100.00',
      receivedOn: '2026-02-10',
      reference: '1000002',
    });
    expect(both.invoices.map((i) => [i.number, i.allocated, i.balance])).toEqual([
      [a.number, '70.00', '0.00'],
      [b.number, '30.00', '30.00'],
    ]);
    await expectGlouxAgrees();

    // Overpayment: refused unless asked, then kept as credit.
    await expectRefused(
      app.pay(cheque(customer, b.invoiceId, '50.00', '2026-02-11', '1000003')),
      'exceeds_balance',
    );
    const over = await app.pay({
      ...cheque(customer, b.invoiceId, '50.00', '2026-02-11', '1000003'),
      allocations: [{ invoiceId: b.invoiceId, amount: '30.00' }],
      overpayment: true,
    });
    expect(over.credited).toBe('20.00');
    expect(await app.db.run((q) => customerCredit(q, customer))).toBe('20.00');
    await expectGlouxAgrees();

    // The credit pays the next invoice at once.
    const c = await issue('2026-03-01', '30.00');
    expect(c.paidFromCredit).toBe('20.00');
    expect(await app.db.run((q) => customerCredit(q, customer))).toBe('0.00');
    await expectGlouxAgrees();

    // A partial credit note on C: 10.00 net (12.00 TTC) of the 16.00 still due.
    const partial = await creditNote({
      invoiceId: c.invoiceId,
      issuedOn: '2026-03-05',
      reason: 'Geste commercial',
      lines: [{ lineId: await firstLineId(c.invoiceId), net: '10.00' }],
    });
    expect(partial.number).toMatch(/^A2026-\d{6}$/);
    expect([partial.total, partial.toCredit]).toEqual(['12.00', '0.00']);
    await expectGlouxAgrees();

    // A full credit note on A, already paid: the whole 120.00 becomes credit.
    const full = await creditNote({
      invoiceId: a.invoiceId,
      issuedOn: '2026-03-06',
      reason: 'Erreur',
    });
    expect([full.total, full.toCredit]).toEqual(['120.00', '120.00']);
    expect(await app.db.run((q) => customerCredit(q, customer))).toBe('120.00');
    await expectRefused(
      app.pay(cheque(customer, a.invoiceId, '1.00', '2026-03-07', '1000009')),
      'invoice_cancelled',
    );
    await expectRefused(
      creditNote({ invoiceId: a.invoiceId, issuedOn: '2026-03-07', reason: 'Encore' }),
      'already_cancelled',
    );
    await expectGlouxAgrees();

    // Part of the credit is paid back.
    await bus().execute(
      new RefundCreditCommand(
        {
          customerId: customer,
          amount: '100.00',
          on: '2026-03-08',
          method: 'transfer',
          reference: 'VIR 1',
        },
        'test',
      ),
    );
    await expectRefused(
      bus().execute(
        new RefundCreditCommand(
          {
            customerId: customer,
            amount: '20.01',
            on: '2026-03-08',
            method: 'transfer',
            reference: 'VIR 2',
          },
          'test',
        ),
      ),
      'exceeds_credit',
    );
    await expectGlouxAgrees();

    // The cheque that paid A and B bounces: B is owed again; what it fed into A came back as
    // credit (20.00 left), and the credit it paid C with is taken back from C.
    const bounced = await reverse({ paymentId: both.paymentId, kind: 'bounced', on: '2026-03-20' });
    expect(bounced.amount).toBe('100.00');
    await expectRefused(
      reverse({ paymentId: both.paymentId, kind: 'bounced', on: '2026-03-21' }),
      'already_bounced',
    );
    const docs = await app.db.run((q) => invoicesOfCustomer(q, customer));
    const balanceOf = (n: string) => docs.find((d) => d.number === n)!.balance;
    expect([balanceOf(a.number), balanceOf(b.number), balanceOf(c.number)]).toEqual([
      '0.00',
      '30.00',
      '24.00',
    ]);
    // 20.00 of credit, 20.00 taken back from C, 30.00 owed outside any invoice.
    expect(await app.db.run((q) => customerCredit(q, customer))).toBe('-30.00');
    expect(await app.db.run((q) => customerBalance(q, customer))).toBe('-84.00');
    await expectGlouxAgrees();

    // A card payment partly refunded: the invoice is owed again for the refunded part.
    const d = await issue('2026-04-01', '20.00');
    const card = await app.pay({
      customerId: customer,
      method: 'card',
      amount: '24.00',
      receivedOn: '2026-04-02',
      reference: 'CB123',
      allocations: [{ invoiceId: d.invoiceId, amount: '24.00' }],
    });
    await expectRefused(
      reverse({ paymentId: card.paymentId, kind: 'refund', amount: '24.01', on: '2026-04-03' }),
      'exceeds_payment',
    );
    await expectRefused(
      reverse({ paymentId: card.paymentId, kind: 'bounced', on: '2026-04-03' }),
      'invalid_input',
    );
    const refund = await reverse({
      paymentId: card.paymentId,
      kind: 'refund',
      amount: '10.00',
      on: '2026-04-03',
      reference: 'RMB1',
    });
    expect(refund.invoices).toEqual([
      { invoiceId: d.invoiceId, number: d.number, balance: '10.00' },
    ]);
    await expectGlouxAgrees();
    // Gloux's card listing (G7) shows the refund on its own day.
    const g7 = await app.gloux('G7');
    const days = Object.fromEntries(g7.map((r) => [dayOf(r.date_paiement), Object.values(r)]));
    expect([
      days['2026-04-02']?.slice(1).map(String),
      days['2026-04-03']?.slice(1).map(String),
    ]).toEqual([
      ['1', '24'],
      ['1', '-10'],
    ]);

    // Credit applied by hand once the customer has some again.
    await app.pay({
      customerId: customer,
      method: 'transfer',
      amount: '5.00',
      receivedOn: '2026-04-05',
      reference: 'VIR 3',
      allocations: [],
      overpayment: true,
    });
    await expect(
      bus().execute(new ApplyCreditCommand({ customerId: customer }, 'test')),
    ).rejects.toMatchObject({ code: 'no_credit' }); // the -30.00 debt absorbed it
    await expectGlouxAgrees();

    await expectAllocationsMatchPayments();
  });

  it('refuses bad credit notes without drawing a number or recording anything', async () => {
    const inv = await issue('2026-05-01', '10.00');
    const lineId = await firstLineId(inv.invoiceId);
    const counter = async () =>
      (
        await app.db.query<{ valeur: number }>(
          `SELECT valeur FROM compteurs WHERE nom = 'avoir_2026'`,
        )
      )[0]?.valeur;
    const before = await counter();
    await expectRefused(
      creditNote({
        invoiceId: inv.invoiceId,
        issuedOn: '2026-05-02',
        reason: 'x',
        lines: [{ lineId, net: '10.01' }],
      }),
      'invalid_input',
    );
    await expectRefused(
      creditNote({ invoiceId: inv.invoiceId, issuedOn: '2026-04-30', reason: 'x' }),
      'invalid_input',
    );
    await expectRefused(
      creditNote({ invoiceId: inv.invoiceId, issuedOn: '2026-05-02', reason: ' ' }),
      'invalid_input',
    );
    await expectRefused(
      creditNote({
        invoiceId: '00000000-0000-4000-8000-000000000000',
        issuedOn: '2026-05-02',
        reason: 'x',
      }),
      'not_found',
    );
    // Numbering stays chronological: no date in the future, none before the series' last one.
    await expectRefused(
      creditNote({ invoiceId: inv.invoiceId, issuedOn: '2026-11-26', reason: 'x' }),
      'invalid_input',
    );
    await expectRefused(issue('2026-11-26', '1.00'), 'invalid_input');
    await expectRefused(issue('2026-04-30', '1.00'), 'invalid_input');
    expect(await counter()).toBe(before);
    // The same key twice: one credit note.
    const once = await creditNote(
      { invoiceId: inv.invoiceId, issuedOn: '2026-05-02', reason: 'y' },
      'cn-1',
    );
    const twice = await creditNote(
      { invoiceId: inv.invoiceId, issuedOn: '2026-05-02', reason: 'y' },
      'cn-1',
    );
    expect(twice).toEqual(once);
    await expectGlouxAgrees();
  });

  it('splits payments by their dates, not by the order they were recorded (issue 22 item 6)', async () => {
    // 106.70 + 20 % = 128.04: 33.33 on 10 June and 94.71 on 10 July carry 5.56 and 15.78 of VAT.
    const inv = await issue('2026-06-01', '106.70');
    await app.pay(cheque(customer, inv.invoiceId, '94.71', '2026-07-10', '2000001'));
    // The June cheque typed in after the July one: recording order used to give 5.55 / 15.79.
    await app.pay(cheque(customer, inv.invoiceId, '33.33', '2026-06-10', '2000002'));
    const rows = await app.db.query<{ paid_on: unknown; vat_cents: unknown }>(
      `SELECT paid_on, vat_cents FROM g2_rm_payment_lines WHERE invoice_id = ? ORDER BY paid_on`,
      [inv.invoiceId],
    );
    expect(rows.map((r) => [dayOf(r.paid_on), fromCents(r.vat_cents)])).toEqual([
      ['2026-06-10', '5.56'],
      ['2026-07-10', '15.78'],
    ]);
    const years = await app.db.query<{ net_cents: unknown }>(
      `SELECT net_cents FROM g2_rm_payment_years WHERE invoice_id = ? ORDER BY paid_on`,
      [inv.invoiceId],
    );
    expect(years.map((r) => fromCents(r.net_cents))).toEqual(['27.77', '78.93']);
  });

  it('rebuilds every read model from position 0 to exactly the live tables', async () => {
    const selectAll = (t: string) => app.db.query(`SELECT * FROM ${t}`);
    const live = await snapshotReadModels(selectAll);
    await app.pipeline.rebuild();
    expect(await snapshotReadModels(selectAll)).toEqual(live);
    // And re-running legacy-sync from 0 changes nothing in Gloux's tables.
    const gloux = async () => ({
      factures: await app.db.query(`SELECT * FROM factures ORDER BY id_facture`),
      paiements: await app.db.query(`SELECT * FROM paiements ORDER BY id_paiement`),
      pf: await app.db.query(
        `SELECT * FROM paiements_factures ORDER BY id_paiement, id_facture, montant`,
      ),
      clients: await app.db.query(`SELECT id_client, solde FROM clients ORDER BY id_client`),
    });
    const mirrored = await gloux();
    await app.db.run((q) =>
      q.execute(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'legacy-sync'`),
    );
    await app.syncLegacy();
    expect(await gloux()).toEqual(mirrored);
  });

  async function firstLineId(invoiceId: string): Promise<string> {
    const [row] = await app.db.query<{ line_id: string }>(
      `SELECT line_id FROM g2_rm_invoice_lines WHERE invoice_id = ? ORDER BY line_no`,
      [invoiceId],
    );
    return row!.line_id;
  }
});
