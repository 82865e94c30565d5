import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import mysql from 'mysql2/promise';
import { customerBalance } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { RefundCreditCommand } from '../../src/billing/customer-credit.commands.js';
import { IssueCreditNoteCommand } from '../../src/billing/issue-credit-note.command.js';
import { ReversePaymentCommand } from '../../src/billing/reverse-payment.command.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import {
  createTestDatabase,
  glouxStatement,
  runGloux,
  type TestDatabase,
} from '../support/databases.js';
import { glouxCheque, glouxInvoice, type GlouxSide } from '../support/gloux-writes.js';

jest.setTimeout(300_000);

/**
 * Contract G9 on MariaDB: Gloux records a cheque as four autocommit statements, the last one
 * `UPDATE clients SET solde = solde + @montant`. A gloux2 payment mirrored for the same customer
 * meanwhile must neither lose Gloux's update nor count it twice.
 */
describe('clients.solde when gloux2 and Gloux pay for one customer at once (G9)', () => {
  let database: TestDatabase;
  let app: AppHarness;
  let conn: mysql.Connection;
  const side = (): GlouxSide => ({ conn, q: null as never });

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    app = await AppHarness.start(database);
    await app.syncLegacy();
    conn = await mysql.createConnection({
      uri: database.settings.url!,
      charset: 'latin1_swedish_ci',
      multipleStatements: true,
    });
    await conn.query(`SET SESSION sql_mode = ''`);
  });

  afterAll(async () => {
    await conn?.end();
    await app?.close();
    await database?.drop();
  });

  const solde = async (idClient: number): Promise<string> => {
    const [rows] = (await conn.query(
      `SELECT CAST(ROUND(solde, 2) AS DECIMAL(12,2)) AS s FROM clients WHERE id_client = ?`,
      [idClient],
    )) as unknown as [{ s: string }[]];
    return String(rows[0]!.s);
  };
  const cents = (euros: string) => Math.round(Number(euros) * 100);

  it('a gloux2 payment mirrored between Gloux’s allocation and its solde update counts Gloux’s cheque once', async () => {
    const gloux2 = await app.issue({
      customerId: '1',
      issuedOn: '2026-11-24',
      lines: [yearLine('Plaque', '20.00', '2026-11-24', '2027-11-23')],
    });
    const gloux = await glouxInvoice(side(), {
      idClient: 1,
      date: '2026-11-20',
      lines: [{ libelle: 'Plaque Gloux', montantHt: 10 }],
    });
    await app.syncLegacy();
    const before = await solde(1);
    // G9 up to its last statement: paiements, paiements_factures, factures.
    const g9 = glouxStatement('G9').split(';\n');
    expect(g9).toHaveLength(4);
    await runGloux(conn, g9.slice(0, 3).join(';\n'), {
      id_client: 1,
      montant: gloux.total,
      ref: 'chq race',
      banque: '',
      admin: 3,
      id_facture: gloux.idFacture,
    });
    // gloux2's payment, mirrored now.
    await app.pay(cheque('1', gloux2.invoiceId, gloux2.total, '2026-11-24', 'g2 race'));
    await app.syncLegacy();
    // Gloux's last statement: its own relative update of the balance.
    await runGloux(conn, g9[3]!);
    expect(cents(await solde(1))).toBe(cents(before) + cents(gloux2.total) + cents(gloux.total));
  });

  it('many payments from both sides at once: the balance is what both added', async () => {
    const rounds = 15;
    await app.syncLegacy();
    const before = await solde(2);
    await Promise.all([
      (async () => {
        for (let i = 0; i < rounds; i++) {
          const { idFacture, total } = await glouxInvoice(side(), {
            idClient: 2,
            date: '2026-11-20',
            lines: [{ libelle: `Gloux ${i}`, montantHt: 10 + i }],
          });
          await glouxCheque(side(), { idClient: 2, idFacture, montant: total, ref: `chq ${i}` });
        }
      })(),
      (async () => {
        for (let i = 0; i < rounds; i++) {
          const inv = await app.issue({
            customerId: '2',
            issuedOn: '2026-11-24',
            lines: [yearLine('Plaque', `${20 + i}.00`, '2026-11-24', '2027-11-23')],
          });
          await app.pay(cheque('2', inv.invoiceId, inv.total, '2026-11-24', `g2 ${i}`));
          await app.syncLegacy();
        }
      })(),
    ]);
    await app.syncLegacy();
    // Every invoice on both sides was issued and paid in full: the balance is back where it was.
    expect(await solde(2)).toBe(before);
  });

  /**
   * Every other gloux2 write that changes what a customer owes (G9 for the rest): each runs,
   * and is mirrored, between Gloux's paiements_factures insert and its own solde update, and
   * must move clients.solde by exactly what it changes of gloux2's balance, Gloux's cheque once.
   */
  describe('every gloux2 write beside a Gloux cheque', () => {
    const bus = () => app.context.get(CommandBus);
    let customer = '';
    let opened = 0;
    const owes = async () => cents(await app.db.run((q) => customerBalance(q, customer)));
    const issued = (net: string) =>
      app.issue({
        customerId: customer,
        issuedOn: '2026-11-24',
        lines: [yearLine('Plaque', net, '2026-11-24', '2027-11-23')],
      });
    const lineOf = async (invoiceId: string) =>
      (
        await app.db.query<{ line_id: string }>(
          `SELECT line_id FROM g2_rm_invoice_lines WHERE invoice_id = ?`,
          [invoiceId],
        )
      )[0]!.line_id;

    // Each case on a customer of its own: credit left by one would pay the next one's invoices.
    beforeEach(async () => {
      const [r] = (await conn.query(
        `INSERT INTO clients (num_client, id_tiers, solde, etat, date_ouverture) VALUES (?, 3, 0, 'actif', '2020-01-01')`,
        [`G9-${++opened}`],
      )) as unknown as [{ insertId: number }];
      customer = String(r.insertId);
    });

    /** Runs `write` inside Gloux's G9 for a fresh Gloux invoice of the customer, then checks. */
    async function beside(write: () => Promise<unknown>): Promise<void> {
      const id = Number(customer);
      const gloux = await glouxInvoice(side(), {
        idClient: id,
        date: '2026-11-20',
        lines: [{ libelle: 'Plaque Gloux', montantHt: 10 }],
      });
      await app.syncLegacy();
      const before = await solde(id);
      const owedBefore = await owes();
      const g9 = glouxStatement('G9').split(';\n');
      await runGloux(conn, g9.slice(0, 3).join(';\n'), {
        id_client: id,
        montant: gloux.total,
        ref: `chq ${gloux.numero}`,
        banque: '',
        admin: 3,
        id_facture: gloux.idFacture,
      });
      await write();
      await app.syncLegacy();
      // Replayed from the start (a crash after the balance moved): nothing added twice.
      await app.db.run((q) =>
        q.execute(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'legacy-sync'`),
      );
      await app.syncLegacy();
      await runGloux(conn, g9[3]!);
      const changed = (await owes()) - owedBefore;
      expect(cents(await solde(id))).toBe(cents(before) + changed + cents(gloux.total));
    }

    it('a credit note on an unpaid invoice', async () => {
      const inv = await issued('40.00');
      const lineId = await lineOf(inv.invoiceId);
      await app.syncLegacy();
      await beside(() =>
        bus().execute(
          new IssueCreditNoteCommand(
            {
              invoiceId: inv.invoiceId,
              issuedOn: '2026-11-25',
              reason: 'geste',
              lines: [{ lineId, net: '10.00' }],
            },
            'test',
          ),
        ),
      );
    });

    it('a credit note cancelling a paid invoice (its money to credit), then that credit refunded', async () => {
      const inv = await issued('30.00');
      await app.pay(cheque(customer, inv.invoiceId, inv.total, '2026-11-24', 'g2 paid'));
      await app.syncLegacy();
      await beside(() =>
        bus().execute(
          new IssueCreditNoteCommand(
            { invoiceId: inv.invoiceId, issuedOn: '2026-11-25', reason: 'annulation' },
            'test',
          ),
        ),
      );
      await beside(() =>
        bus().execute(
          new RefundCreditCommand(
            {
              customerId: customer,
              amount: '10.00',
              on: '2026-11-25',
              method: 'transfer',
              reference: 'VIR remb',
            },
            'test',
          ),
        ),
      );
    });

    it('an overpayment kept as credit, then the credit paying an invoice at its issue', async () => {
      const inv = await issued('20.00');
      await app.syncLegacy();
      await beside(() =>
        app.pay({
          ...cheque(customer, inv.invoiceId, inv.total, '2026-11-24', 'g2 over'),
          amount: (Number(inv.total) + 15).toFixed(2),
          overpayment: true,
        }),
      );
      await beside(async () => {
        const next = await issued('10.00');
        expect(next.paidFromCredit).toBe('12.00');
      });
    });

    it('a refund of a payment, and a bounced cheque', async () => {
      const inv = await issued('50.00');
      const paid = await app.pay(cheque(customer, inv.invoiceId, inv.total, '2026-11-24', 'g2 r'));
      await app.syncLegacy();
      await beside(() =>
        bus().execute(
          new ReversePaymentCommand(
            { paymentId: paid.paymentId, kind: 'refund', amount: '12.00', on: '2026-11-25' },
            'test',
          ),
        ),
      );
      const other = await issued('25.00');
      const bounced = await app.pay(
        cheque(customer, other.invoiceId, other.total, '2026-11-24', 'g2 b'),
      );
      await app.syncLegacy();
      await beside(() =>
        bus().execute(
          new ReversePaymentCommand(
            { paymentId: bounced.paymentId, kind: 'bounced', on: '2026-11-25' },
            'test',
          ),
        ),
      );
    });
  });
});
