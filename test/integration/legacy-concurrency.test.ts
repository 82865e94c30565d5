import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import mysql from 'mysql2/promise';
import { driftReport, type Drift } from '../../legacy-sync/legacy-drift.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { unpaidInvoices } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { RedeemSharesCommand, SubscribeSharesCommand } from '../../src/shares/shares.commands.js';
import { AppHarness, cheque, yearLine } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import {
  glouxCheque,
  glouxClosingScript,
  glouxInvoice,
  glouxShareExit,
  glouxShares,
  type GlouxSide,
} from '../support/gloux-writes.js';

jest.setTimeout(300_000);

/**
 * Gloux and gloux2 on one MariaDB at the same time (Gloux README points 1 and 4): Gloux issues
 * invoices (G1), records cheques (G9), subscribes shares (G2) and runs its closing script (G3)
 * on its own connections while gloux2 issues invoices, records payments, subscribes shares,
 * mirrors and ingests. At the end no invoice or share number is used twice or lost, no payment
 * is lost, and both sides agree (empty drift report).
 */
const ROUNDS = 25;
/** The day of the share movements (the register is kept in date order). */
const SHARES_DAY = '2026-11-25';

describe('Gloux and gloux2 writing at once on MariaDB', () => {
  let database: TestDatabase;
  let app: AppHarness;
  let ingester: LegacyIngester;
  const conns: mysql.Connection[] = [];
  let glouxPayments = 0;
  const glouxRedeemed: number[] = [];
  let gloux2Redeemed = 0;
  let shareCounterStart = 0;
  let invoiceCounterStart = 0;

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    // The sample's one Gloux anomaly (nb_parts without shares) settled first.
    await database.gloux!.query(
      `UPDATE tiers SET nb_parts = 0, societaire = 'N' WHERE id_tiers = 3`,
    );
    app = await AppHarness.start(database);
    ingester = app.context.get(LegacyIngester);
    await ingester.backfill();
    await app.syncLegacy();
    for (let i = 0; i < 2; i++) {
      const c = await mysql.createConnection({
        uri: database.settings.url!,
        charset: 'latin1_swedish_ci',
        multipleStatements: true,
      });
      await c.query(`SET SESSION sql_mode = ''`);
      conns.push(c);
    }
    const [rows] = (await database.gloux!.query(
      `SELECT nom, valeur FROM compteurs WHERE nom IN ('part_sociale', 'facture_2026')`,
    )) as unknown as [{ nom: string; valeur: number }[]];
    shareCounterStart = Number(rows.find((r) => r.nom === 'part_sociale')?.valeur ?? 0);
    invoiceCounterStart = Number(rows.find((r) => r.nom === 'facture_2026')?.valeur ?? 0);
  });

  afterAll(async () => {
    for (const c of conns) await c.end();
    await app?.close();
    await database?.drop();
  });

  /** Gloux's side: its own connection, its own statements, no transaction. */
  async function glouxLoop(conn: mysql.Connection, k: number): Promise<void> {
    const side: GlouxSide = { conn, q: null as never };
    const mine: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const client = 1 + ((i + k) % 3);
      const { idFacture, total } = await glouxInvoice(side, {
        idClient: client,
        date: i % 5 === 0 ? '2026-01-10' : '2026-11-20',
        lines: [{ libelle: `Gloux ${k}-${i}`, montantHt: 12 + i }],
      });
      if (i % 5 !== 0) {
        await glouxCheque(side, {
          idClient: client,
          idFacture,
          montant: total,
          ref: `chq g${k}-${i}`,
        });
        glouxPayments += 1;
      }
      if (i % 4 === 0) {
        // G2, then the row and the member's count as Gloux's form writes them.
        mine.push(...(await glouxShares(side, { idTiers: 2, count: 1, date: '2026-11-20' })));
      }
      if (i % 4 === 2) {
        // Gloux redeems one of its own shares (some polled already, some not yet).
        const numero = mine.shift()!;
        await glouxShareExit(side, { numero, etat: 'remboursee', date: SHARES_DAY });
        glouxRedeemed.push(numero);
      }
      if (i % 10 === 9) await glouxClosingScript(side);
    }
  }

  /** gloux2's side: commands, the mirror and the ingestion, all at once. */
  async function gloux2Loop(): Promise<void> {
    const bus = app.context.get(CommandBus);
    for (let i = 0; i < ROUNDS; i++) {
      const customerId = String(1 + (i % 3));
      const inv = await app.issue({
        customerId,
        issuedOn: '2026-11-24',
        lines: [yearLine('Plaque', `${20 + i}.00`, '2026-11-24', '2027-11-23')],
      });
      if (i % 2 === 0)
        await app.pay(cheque(customerId, inv.invoiceId, inv.total, '2026-11-24', `g2-${i}`));
      if (i % 5 === 0)
        await bus.execute(
          new SubscribeSharesCommand({ tiersId: '1', count: 2, on: SHARES_DAY }, 'test'),
        );
      if (i % 5 === 2) {
        // gloux2 redeems one of its own: mirrored into Gloux, never taken back in.
        const [held] = await app.db.query<{ number: unknown }>(
          `SELECT number FROM g2_rm_shares WHERE source = 'g2' AND tiers_id = '1' AND state = 'souscrite' ORDER BY number LIMIT 1`,
        );
        await bus.execute(
          new RedeemSharesCommand(
            { tiersId: '1', numbers: [Number(held!.number)], on: SHARES_DAY },
            'test',
          ),
        );
        gloux2Redeemed += 1;
      }
      await ingester.poll();
    }
  }

  async function settle(): Promise<Drift[]> {
    // Gloux's shares come in by the poll alone (no start-up import here).
    for (let i = 0; i < 3; i++) {
      await app.syncLegacy();
      await ingester.poll();
    }
    await app.syncLegacy();
    return app.db.run((q) => driftReport(q));
  }

  it('uses every number once, loses no payment, and ends with both sides in agreement', async () => {
    await Promise.all([
      glouxLoop(conns[0]!, 0),
      glouxLoop(conns[1]!, 1),
      gloux2Loop(),
      (async () => {
        for (let i = 0; i < ROUNDS; i++) {
          await app.syncLegacy();
          await ingester.poll();
        }
      })(),
    ]);
    // gloux2 pays what Gloux left unpaid of its own, now that both are settled.
    await settle();
    for (const inv of (await app.db.run((q) => unpaidInvoices(q))).slice(0, 5))
      await app.pay(
        cheque(inv.customerId, inv.invoiceId, inv.balance, '2026-11-25', `late-${inv.number}`),
      );
    const drift = await settle();
    expect(drift.map((d) => `${d.area} ${d.label} ${d.field}: ${d.gloux} / ${d.gloux2}`)).toEqual(
      [],
    );

    const q = <T>(sql: string, params: unknown[] = []) =>
      app.db.query<T & Record<string, unknown>>(sql, params);
    // Invoice numbers: none twice, none lost (each on a document or in an explained gap).
    expect(await q(`SELECT numero FROM factures GROUP BY numero HAVING COUNT(*) > 1`)).toEqual([]);
    const [c] = await q<{ f: unknown; p: unknown }>(
      `SELECT (SELECT valeur FROM compteurs WHERE nom = 'facture_2026') AS f, (SELECT valeur FROM compteurs WHERE nom = 'part_sociale') AS p`,
    );
    const used = new Set(
      (
        await q<{ n: string }>(
          `SELECT numero AS n FROM factures WHERE numero LIKE 'F2026-%' UNION SELECT number FROM g2_number_gaps WHERE counter = 'facture_2026'`,
        )
      ).map((r) => Number(String(r.n).slice(6)) || Number(r.n)),
    );
    for (let v = invoiceCounterStart + 1; v <= Number(c!.f); v++) expect(used.has(v)).toBe(true);
    // Share numbers: none twice (primary key), none lost.
    const shares = new Set(
      (
        await q<{ n: unknown }>(
          `SELECT numero AS n FROM parts_sociales UNION SELECT value FROM g2_number_gaps WHERE counter = 'part_sociale'`,
        )
      ).map((r) => Number(r.n)),
    );
    for (let v = shareCounterStart + 1; v <= Number(c!.p); v++) expect(shares.has(v)).toBe(true);
    expect(Number(c!.p)).toBeGreaterThan(shareCounterStart + 2 * (ROUNDS / 4));
    // Every share movement once: Gloux's redemptions taken in (none refused), gloux2's own
    // never taken back in, and no share subscribed or redeemed twice in the register.
    expect(
      await q(`SELECT code FROM g2_legacy_issues WHERE source_table = 'parts_sociales'`),
    ).toEqual([]);
    const redeemed = await q<{ number: unknown; source: string }>(
      `SELECT number, source FROM g2_rm_shares WHERE state = 'remboursee' AND exit_on = ?`,
      [SHARES_DAY],
    );
    expect(
      redeemed
        .filter((r) => r.source === 'gloux')
        .map((r) => Number(r.number))
        .sort((a, b) => a - b),
    ).toEqual([...glouxRedeemed].sort((a, b) => a - b));
    expect(redeemed.filter((r) => r.source === 'g2')).toHaveLength(gloux2Redeemed);
    expect(
      await q(
        `SELECT numbers, kind FROM g2_rm_share_movements GROUP BY numbers, kind HAVING COUNT(*) > 1`,
      ),
    ).toEqual([]);
    const [changes] = await q<{ n: unknown; decided: unknown }>(
      `SELECT (SELECT COUNT(*) FROM g2_events WHERE source = 'gloux' AND type = 'LegacyShareChanged') AS n,
              (SELECT COUNT(*) FROM g2_events WHERE source = 'gloux' AND type LIKE 'Shares%') AS decided`,
    );
    expect(Number(changes!.n)).toBeLessThanOrEqual(glouxRedeemed.length);
    expect(Number(changes!.decided)).toBe(0);
    // No payment lost: every G9 cheque is a PaymentRecorded of source gloux (plus the sample's two).
    const [p] = await q<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM g2_events WHERE source = 'gloux' AND type = 'PaymentRecorded'`,
    );
    expect(Number(p!.n)).toBe(glouxPayments + 2);
  });
});
