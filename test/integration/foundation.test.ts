import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DomainError } from '../../domain/shared/errors.js';
import { Dec } from '../../domain/shared/money.js';
import {
  customerBalance,
  findInvoice,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import { readAll } from '../../src/kernel/event-store/event-store.js';
import { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import { customerCreditProjection } from '../../projections/customer-credit/customer-credit.projection.js';
import { invoiceBalancesProjection } from '../../projections/invoice-balances/invoice-balances.projection.js';
import type { Projection } from '../../src/kernel/projection.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { snapshotReadModels } from '../support/read-models.js';
import { refusal } from '../support/refusal.js';
import mysql from 'mysql2/promise';
import {
  createTestDatabase,
  dialects,
  glouxStatement,
  type TestDatabase,
} from '../support/databases.js';

jest.setTimeout(60_000);

/** Gloux's FLOAT/DOUBLE/DECIMAL money as an exact two-decimal string (compare rounded to the cent). */
const cents = (v: unknown) => new Dec(String(v)).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);

describe.each(dialects)('foundation on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** What Gloux's own screens say of an invoice, and what gloux2's read model says. */
  async function bothSides(invoiceId: string, number: string, customerId: string) {
    await app.syncLegacy();
    const mine = await app.db.run((q) => findInvoice(q, invoiceId));
    const [listed] = (await app.gloux('G5', { id_client: customerId })).filter(
      (r) => r.numero === number,
    );
    const [factureRow] = await app.db.query<{ id_facture: number }>(
      `SELECT id_facture FROM factures WHERE numero = ?`,
      [number],
    );
    const [reste] = await app.gloux('G6', { id_facture: Number(factureRow?.id_facture) });
    const [solde] = await app.gloux('G4', { id_client: customerId });
    const balance = await app.db.run((q) => customerBalance(q, customerId));
    return {
      mine: mine!,
      listed: listed!,
      reste: cents(reste?.reste),
      solde: cents(solde?.solde),
      balance,
    };
  }

  it('draws invoice numbers from Gloux’s counter, per year of the invoice date', async () => {
    const [before] = await app.db.query<{ valeur: number }>(
      `SELECT valeur FROM compteurs WHERE nom = 'facture_2009'`,
    );
    const old = await app.issue({
      customerId: '3',
      issuedOn: '2009-02-01',
      lines: [yearLine('Plaque de base', '20.07', '2009-02-01', '2010-01-31', '19.6')],
    });
    // The sample data left facture_2009 at 218: Gloux's next number is ours.
    const expected = before ? Number(before.valeur) + 1 : 1;
    expect(old.number).toBe(`F2009-${String(expected).padStart(6, '0')}`);
    expect(old.total).toBe('24.00'); // 20.07 + round(3.93372) = 20.07 + 3.93
    const a = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-02',
      lines: [yearLine('Plaque', '100.00', '2026-11-02', '2027-11-01')],
    });
    const b = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-03',
      lines: [yearLine('Plaque', '100.00', '2026-11-03', '2027-11-02')],
    });
    expect(a.number).toMatch(/^F2026-\d{6}$/);
    expect(Number(b.number.slice(6))).toBe(Number(a.number.slice(6)) + 1);
    const [counter] = await app.db.query<{ valeur: number }>(
      `SELECT valeur FROM compteurs WHERE nom = 'facture_2026'`,
    );
    expect(Number(counter?.valeur)).toBe(Number(b.number.slice(6)));
  });

  it('mirrors an invoice into factures and factures_lignes as Gloux writes them, accents included', async () => {
    const inv = await app.issue({
      customerId: '1',
      issuedOn: '2025-09-15',
      lines: [
        {
          ...yearLine('Plaque de base', '100.00', '2025-09-15', '2026-09-14'),
          kind: 'subscription',
          productId: '1',
          hostingId: '1',
        },
      ],
    });
    await app.syncLegacy();
    const [f] = await app.db.query<Record<string, unknown>>(
      `SELECT id_facture, id_client, date_facture, date_echeance, total_ht, total_tva, total_ttc, montant_regle, statut, type_facture, date_reglement
         FROM factures WHERE numero = ?`,
      [inv.number],
    );
    expect(f).toMatchObject({
      statut: 'emise',
      type_facture: 'facture',
      date_facture: '2025-09-15',
      date_echeance: '2025-11-14',
    });
    expect(cents(f?.total_ttc)).toBe('120.00');
    expect(cents(f?.total_tva)).toBe('20.00');
    expect(cents(f?.montant_regle)).toBe('0.00');
    expect(String(f?.date_reglement)).toMatch(/^0000-00-00/);
    const lines = await app.db.query<Record<string, unknown>>(
      `SELECT type_ligne, libelle, montant_ht, taux_tva, periode_debut, periode_fin, id_hebergement, id_produit FROM factures_lignes WHERE id_facture = ?`,
      [f?.id_facture],
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      type_ligne: 'abonnement',
      periode_debut: '2025-09-15',
      periode_fin: '2026-09-14',
    });
    expect(cents(lines[0]?.montant_ht)).toBe('100.00');
    if (database.gloux) {
      // Gloux stores the UTF-8 bytes of its pages in latin1 columns: so must we (4C6566C3A8767265 = "Lefèvre").
      const [hex] = (await database.gloux.query(
        `SELECT HEX(adresse_facturation) AS h FROM factures WHERE numero = ?`,
        [inv.number],
      )) as unknown as [{ h: string }[]];
      expect(hex[0]?.h).toContain(Buffer.from('Lefèvre', 'utf8').toString('hex').toUpperCase());
      const [sample] = (await database.gloux.query(
        `SELECT HEX(adresse_facturation) AS h FROM factures WHERE id_facture = 101`,
      )) as unknown as [{ h: string }[]];
      expect(sample[0]?.h).toContain('4C6566C3A8767265');
    }
    const page = await app.queries.customerPage('1');
    expect(page.customer.name).toBe('Anne Lefèvre');
  });

  it('records cheques; Gloux’s G4–G6 then show what the read models say, at every step', async () => {
    const inv = await app.issue({
      customerId: '1',
      issuedOn: '2025-09-15',
      lines: [yearLine('Plaque de base', '100.00', '2025-09-15', '2026-09-14')],
    });
    let sides = await bothSides(inv.invoiceId, inv.number, '1');
    expect(sides.reste).toBe('120.00');
    expect(sides.mine.balance).toBe('120.00');

    const first = await app.pay(
      cheque('1', inv.invoiceId, '50.00', '2026-02-03', '0004512', 'Crédit Mutuel'),
    );
    expect(first.invoices).toEqual([
      { invoiceId: inv.invoiceId, number: inv.number, allocated: '50.00', balance: '70.00' },
    ]);
    sides = await bothSides(inv.invoiceId, inv.number, '1');
    expect(sides.reste).toBe(sides.mine.balance);
    expect(sides.reste).toBe('70.00');
    expect(sides.listed).toMatchObject({ statut: 'emise' });
    expect(cents(sides.listed.montant_regle)).toBe('50.00');

    await app.pay(cheque('1', inv.invoiceId, '70.00', '2026-03-10', '0004513', 'Crédit Mutuel'));
    sides = await bothSides(inv.invoiceId, inv.number, '1');
    expect(sides.mine).toMatchObject({
      status: 'paid',
      paidOn: '2026-03-10',
      balance: '0.00',
      paid: '120.00',
    });
    expect(sides.reste).toBe('0.00');
    expect(sides.listed).toMatchObject({ statut: 'payee' });
    expect(cents(sides.listed.montant_regle)).toBe('120.00');
    const [f] = await app.db.query<{ date_reglement: string }>(
      `SELECT date_reglement FROM factures WHERE numero = ?`,
      [inv.number],
    );
    expect(String(f?.date_reglement)).not.toMatch(/^0000/);

    // Gloux's payment rows: one per cheque, valid, in 'cheque' mode, with their allocation.
    const rows = await app.db.query<Record<string, unknown>>(
      `SELECT p.mode, p.montant, p.date_paiement, p.reference, p.etat, pf.montant AS affecte
         FROM paiements p JOIN paiements_factures pf ON pf.id_paiement = p.id_paiement
         JOIN factures f ON f.id_facture = pf.id_facture WHERE f.numero = ? ORDER BY p.date_paiement`,
      [inv.number],
    );
    expect(
      rows.map((r) => [
        r.mode,
        cents(r.montant),
        r.date_paiement,
        r.reference,
        r.etat,
        cents(r.affecte),
      ]),
    ).toEqual([
      ['cheque', '50.00', '2026-02-03', '0004512', 'valide', '50.00'],
      ['cheque', '70.00', '2026-03-10', '0004513', 'valide', '70.00'],
    ]);
    // clients.solde (FLOAT) agrees with the project's balance of the customer, to the cent.
    expect(sides.solde).toBe(sides.balance);

    // The allocation of the worked example (docs/accounting.md §2).
    const allocation = await app.queries.allocation('2026');
    const mineRows = allocation.rows.filter((r) => r.invoiceNumber === inv.number);
    expect(mineRows.map((r) => [r.amount, r.vat, r.previous, r.current, r.next])).toEqual([
      ['50.00', '8.33', '12.33', '29.34', '0.00'],
      ['70.00', '11.67', '17.26', '41.07', '0.00'],
    ]);
  });

  it('refuses an overpayment and a payment of a paid invoice, changing nothing', async () => {
    const inv = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-04',
      lines: [yearLine('Plaque', '10.00', '2026-11-04', '2027-11-03')],
    });
    const events = await app.count('g2_events');
    await refusal(
      app.pay(cheque('3', inv.invoiceId, '12.01', '2026-11-06', '42')),
      'exceeds_balance',
      'allocations[0].amount',
    );
    await refusal(
      app.pay(cheque('3', inv.invoiceId, '-1.00', '2026-11-06', '42')),
      'invalid_input',
      'amount',
    );
    await refusal(
      app.pay(cheque('1', inv.invoiceId, '12.00', '2026-11-06', '42')),
      'invalid_input',
      'allocations[0].invoiceId',
    );
    expect(await app.count('g2_events')).toBe(events);
    await app.pay(cheque('3', inv.invoiceId, '12.00', '2026-11-06', '43'));
    await refusal(app.pay(cheque('3', inv.invoiceId, '1.00', '2026-11-07', '44')), 'already_paid');
  });

  it('checks an invoice fully before drawing a number, so bad input burns none', async () => {
    const [before] = await app.db.query<{ valeur: number }>(
      `SELECT valeur FROM compteurs WHERE nom = 'facture_2026'`,
    );
    const events = await app.count('g2_events');
    await refusal(
      app.issue({
        customerId: '3',
        issuedOn: '2026-11-01',
        lines: [yearLine('Plaque', '100.00', '2026-11-01', '2026-10-31')],
      }),
      'invalid_input',
      'lines[0].serviceEnd',
    );
    await refusal(
      app.issue({
        customerId: '3',
        issuedOn: '2026-11-01',
        lines: [yearLine('Plaque', '12,5', '2026-11-01', '2027-10-31')],
      }),
      'invalid_input',
      'lines[0].net',
    );
    await refusal(
      app.issue({
        customerId: '999',
        issuedOn: '2026-11-01',
        lines: [yearLine('Plaque', '1.00', '2026-11-01', '2027-10-31')],
      }),
      'not_found',
      'customerId',
    );
    const [after] = await app.db.query<{ valeur: number }>(
      `SELECT valeur FROM compteurs WHERE nom = 'facture_2026'`,
    );
    expect(Number(after?.valeur)).toBe(Number(before?.valeur));
    expect(await app.count('g2_events')).toBe(events);
  });

  it('answers a retried command with its first result (idempotency key), appending nothing', async () => {
    const input = {
      customerId: '3',
      issuedOn: '2026-11-04',
      lines: [yearLine('Option disque', '5.02', '2026-11-04', '2027-11-03')],
    };
    const first = await app.issue(input, 'retry-me-invoice');
    const events = await app.count('g2_events');
    const again = await app.issue(input, 'retry-me-invoice');
    expect(again).toEqual(first);
    expect(await app.count('g2_events')).toBe(events);
    const pay = cheque('3', first.invoiceId, '6.02', '2026-11-05', '777');
    const [p1, p2] = await Promise.all([
      app.pay(pay, 'retry-me-payment'),
      app.pay(pay, 'retry-me-payment'),
    ]);
    expect(p2).toEqual(p1);
    expect(await app.count('g2_rm_payments', 'reference = ?', ['777'])).toBe(1);
  });

  it('writes a 0.00 invoice as paid, so Gloux’s closing script (G3) cannot suspend for it', async () => {
    // Settle what member 1 still owes, so that only the 0.00 invoice could trigger G3.
    for (const open of (await app.queries.customerPage('1')).invoices.filter(
      (i) => i.status === 'issued',
    )) {
      await app.pay(
        cheque('1', open.invoiceId, open.balance, '2026-11-20', `solde-${open.number}`),
      );
    }
    const zero = await app.issue({
      customerId: '1',
      issuedOn: '2024-01-02',
      lines: [yearLine('Geste commercial', '0.00', '2024-01-02', '2024-01-02')],
    });
    await app.syncLegacy();
    const statut = async (n: string) =>
      (
        await app.db.query<{ statut: string }>(`SELECT statut FROM factures WHERE numero = ?`, [n])
      )[0]?.statut;
    expect(await statut(zero.number)).toBe('payee');
    expect((await app.db.run((q) => findInvoice(q, zero.invoiceId)))?.status).toBe('paid');
    if (database.gloux) {
      const etat = async () =>
        (
          await app.db.query<{ etat: string }>(
            `SELECT etat FROM hebergements WHERE id_hebergement = 1`,
          )
        )[0]?.etat;
      await app.gloux('G3');
      expect(await etat()).toBe('actif');
      // Control: an unpaid 1.00 invoice as old does make G3 suspend (so the check above means something).
      const owed = await app.issue({
        customerId: '1',
        issuedOn: '2024-01-02',
        lines: [yearLine('Frais', '1.00', '2024-01-02', '2024-01-02')],
      });
      await app.syncLegacy();
      await app.gloux('G3');
      expect(await etat()).toBe('suspendu');
      await app.pay(cheque('1', owed.invoiceId, '1.20', '2026-11-20', 'frais'));
      // Reactivation on payment comes with the accounts issue; put the account back by hand as Gloux's admins do.
      await app.db.query(
        `UPDATE hebergements SET etat = 'actif', motif_etat = '' WHERE id_hebergement = 1`,
      );
    }
  });

  it('rebuilds every projection from position 0 to exactly the live tables', async () => {
    const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
    const live = await snapshot();
    expect(live.g2_rm_payment_years!.length).toBeGreaterThan(0);
    const { events } = await app.pipeline.rebuild();
    expect(events).toBe(await app.count('g2_events'));
    expect(await snapshot()).toEqual(live);
    // MariaDB, a large log: fresh tables filled and swapped in (SQLite has one way).
    expect((await app.pipeline.rebuild(undefined, undefined, swap)).events).toBe(events);
    expect(await snapshot()).toEqual(live);
  });

  it('a command during a rebuild is neither lost nor applied twice (appends wait for the rebuild)', async () => {
    const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
    const [rebuilt, issued] = await Promise.all([
      app.pipeline.rebuild(undefined, undefined, swap),
      app.issue({
        customerId: '3',
        issuedOn: '2026-11-05',
        lines: [yearLine('Pendant la reconstruction', '12.00', '2026-11-05', '2027-11-04')],
      }),
    ]);
    expect(rebuilt.events).toBeGreaterThan(0);
    const live = await snapshot();
    const rows = await app.db.query(`SELECT 1 AS x FROM g2_rm_invoices WHERE invoice_id = ?`, [
      issued.invoiceId,
    ]);
    expect(rows).toHaveLength(1);
    await app.pipeline.rebuild();
    expect(await snapshot()).toEqual(live);
    if (dialect === 'mysql') expect(await copiesLeft()).toEqual([]);
  });

  it('a rebuild failing in one projection throws and leaves that projection’s tables as they were', async () => {
    const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
    const live = await snapshot();
    expect(live.g2_rm_invoice_lines!.length).toBeGreaterThan(0);
    const balances = invoiceBalancesProjection();
    let applied = 0;
    // Fails halfway through the log, once its tables are emptied and half refilled.
    const failing: Projection = {
      ...balances,
      start: () => {
        const apply = balances.start();
        return async (rows, event) => {
          if (++applied > 3) throw new Error('projection failed');
          await apply(rows, event);
        };
      },
    };
    const pipeline = new CommandPipeline(app.db, [customerCreditProjection(), failing]);
    await expect(pipeline.rebuild()).rejects.toThrow('projection failed');
    expect(await snapshot()).toEqual(live);
    applied = 0;
    await expect(pipeline.rebuild(undefined, undefined, swap)).rejects.toThrow('projection failed');
    expect(await snapshot()).toEqual(live);
    // MariaDB fills fresh copies and swaps them in: a failure leaves none behind.
    if (dialect === 'mysql') expect(await copiesLeft()).toEqual([]);
  });

  // MariaDB alone swaps tables (SQLite empties them in its one transaction): defined for it
  // only, so the SQLite run lists no skipped test.
  const onMariaDb = dialect === 'mysql' ? it : () => undefined;
  onMariaDb(
    'a MariaDB swap waits for no command: one that read a read model, then waits for appends, goes first',
    async () => {
      const snapshot = () => snapshotReadModels((table) => app.db.query(`SELECT * FROM ${table}`));
      const live = await snapshot();
      const conn = await mysql.createConnection({ uri: database.settings.url! });
      try {
        // As a command does: reads a read model (holding it until its transaction ends), then
        // waits for the append lock, which the rebuild holds while it swaps that very table.
        await conn.query(`START TRANSACTION`);
        await conn.query(`SELECT COUNT(*) FROM g2_rm_invoices`);
        const rebuilt = app.pipeline.rebuild(undefined, undefined, swap);
        await until(async () => {
          // The swap waits for this transaction's hold on g2_rm_invoices: appends are locked.
          const [rows] = await conn.query(
            `SELECT COUNT(*) AS n FROM information_schema.processlist
            WHERE id <> CONNECTION_ID() AND info LIKE '%RENAME TABLE%' AND state LIKE 'Waiting for table metadata lock'`,
          );
          return Number((rows as { n: number }[])[0]!.n) > 0;
        });
        await conn.query(`SELECT last_position FROM g2_append_lock WHERE id = 1 FOR UPDATE`);
        await conn.query(`COMMIT`);
        expect((await rebuilt).events).toBe(await app.count('g2_events'));
      } finally {
        await conn.end();
      }
      expect(await snapshot()).toEqual(live);
      expect(await copiesLeft()).toEqual([]);
    },
  );

  /** Whatever the log's size, so that MariaDB's swap is tested too. */
  const swap = { swapFromEvents: 0 };

  async function until(condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Tables a MariaDB rebuild creates beside the read models (fresh copies, swapped-out ones). */
  async function copiesLeft(): Promise<string[]> {
    const rows = await app.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = DATABASE() AND (table_name LIKE '%\\_\\_rebuild' OR table_name LIKE '%\\_\\_old')`,
    );
    return rows.map((r) => r.name);
  }

  it('re-running legacy-sync from the start changes nothing in Gloux’s tables', async () => {
    await app.syncLegacy();
    const state = async () =>
      app.db.query(
        `SELECT (SELECT COUNT(*) FROM factures) AS f, (SELECT COUNT(*) FROM factures_lignes) AS fl,
                (SELECT COUNT(*) FROM paiements) AS p, (SELECT COUNT(*) FROM paiements_factures) AS pf,
                (SELECT SUM(montant_regle) FROM factures) AS regle, (SELECT ROUND(SUM(solde), 2) FROM clients) AS solde`,
      );
    const before = JSON.stringify(await state());
    await app.db.query(`UPDATE g2_checkpoints SET position = 0 WHERE name = 'legacy-sync'`);
    await app.syncLegacy();
    expect(JSON.stringify(await state())).toBe(before);
    expect(await app.sync.position()).toBe(
      Number((await app.db.query<{ p: number }>(`SELECT MAX(position) AS p FROM g2_events`))[0]?.p),
    );
  });

  it('under concurrent commands: unique numbers, no overpayment, and a reader by position skips nothing', async () => {
    const target = await app.issue({
      customerId: '3',
      issuedOn: '2026-11-10',
      lines: [yearLine('Plaque', '100.00', '2026-11-10', '2027-11-09')],
    });
    let from = await app.sync.position();
    const seen: number[] = [];
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        const batch = await app.db.run((q) => readAll(q, from, 100));
        for (const e of batch) seen.push(e.position);
        if (batch.length > 0) from = batch[batch.length - 1]!.position;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const start = from;
    const issues = Array.from({ length: 8 }, (_, i) =>
      app.issue({
        customerId: '3',
        issuedOn: '2026-11-11',
        lines: [yearLine(`Ligne ${i}`, '1.00', '2026-11-11', '2026-11-11')],
      }),
    );
    const payments = Array.from({ length: 5 }, (_, i) =>
      app.pay(cheque('3', target.invoiceId, '30.00', '2026-11-12', `conc-${i}`)),
    );
    const glouxNumbers: Promise<string>[] = [];
    if (database.gloux) {
      // Gloux issuing numbers at the same time (G1) on its own connections.
      for (let i = 0; i < 4; i++) {
        glouxNumbers.push(
          (async () => {
            const conn = await mysql.createConnection({
              uri: database.settings.url!,
              multipleStatements: true,
            });
            try {
              await conn.query(`SET SESSION sql_mode = ''`);
              const [results] = (await conn.query(
                `${glouxStatement('G1')}; SELECT LAST_INSERT_ID() AS v`,
              )) as unknown as [unknown[]];
              const last = results[results.length - 1] as { v: number }[];
              return `F${new Date().getFullYear()}-${String(last[0]?.v).padStart(6, '0')}`;
            } finally {
              await conn.end();
            }
          })(),
        );
      }
    }
    const issued = await Promise.all(issues);
    const paid = await Promise.allSettled(payments);
    const glouxIssued = await Promise.all(glouxNumbers);
    stop = true;
    await reader;
    const after = await app.db.run((q) => readAll(q, from, 10_000));
    seen.push(...after.map((e) => e.position));

    const numbers = [...issued.map((i) => i.number), ...glouxIssued];
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const r of paid) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DomainError);
    }
    const succeeded = paid.filter((r) => r.status === 'fulfilled').length;
    expect(succeeded).toBe(4); // 4 × 30.00 ≤ 120.00 < 5 × 30.00
    const invoice = await app.db.run((q) => findInvoice(q, target.invoiceId));
    expect(invoice).toMatchObject({ paid: '120.00', balance: '0.00', status: 'paid' });
    const all = (
      await app.db.query<{ position: number }>(
        `SELECT position FROM g2_events WHERE position > ? ORDER BY position`,
        [start],
      )
    ).map((r) => Number(r.position));
    expect(seen).toEqual(all);
  });
});
