import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
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
});
