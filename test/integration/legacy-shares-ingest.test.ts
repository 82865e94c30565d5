import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { CommandBus } from '@nestjs/cqrs';
import { customerNumberOf } from '../../domain/accounts/sign-up.js';
import { driftReport, repairDrift, type Drift } from '../../legacy-sync/legacy-drift.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { readAll, type RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import {
  CancelSharesCommand,
  PayUpSharesCommand,
  RedeemSharesCommand,
  SubscribeSharesCommand,
  TransferSharesCommand,
} from '../../src/shares/shares.commands.js';
import { AppHarness } from '../support/app-harness.js';
import { dialects, type TestDatabase } from '../support/databases.js';
import {
  glouxEdit,
  glouxShareExit,
  glouxShareNumber,
  glouxSharePaid,
  glouxShares,
  type GlouxSide,
} from '../support/gloux-writes.js';
import { describeDrift, startOnGlouxSample } from '../support/legacy-ingest-setup.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(120_000);

const TODAY = '2026-11-25';

/** The pid of a process that has ended (ran to its end before this returns). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** The MariaDB connection id of Gloux's side (alive all along the test). */
async function connectionId(side: GlouxSide): Promise<number> {
  const [rows] = (await side.conn!.query('SELECT CONNECTION_ID() AS id')) as unknown as [
    { id: number }[],
  ];
  return rows[0]!.id;
}

/** A poll that found nothing to take in or report. */
const NOTHING = {
  invoices: 0,
  creditNotes: 0,
  payments: 0,
  accounts: 0,
  shares: 0,
  events: 0,
  issues: 0,
};

/**
 * Gloux's share movements (parts_sociales) reach the register at each poll (Gloux README point
 * 4): its subscriptions, pay-ups and redemptions become share events with source 'gloux',
 * exactly once, gloux2's own share writes are never taken back in, and what the register's
 * rules refuse is reported and left to a person, never written over.
 */
describe.each(dialects)('Gloux share movements become events on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let ingester: LegacyIngester;
  let side: GlouxSide;
  let subscribed: number[] = [];

  beforeAll(async () => {
    ({ database, app, ingester, side } = await startOnGlouxSample(dialect));
    // The sample's one Gloux anomaly (nb_parts without any share row) settled first.
    await glouxEdit(side, `UPDATE tiers SET nb_parts = 0, societaire = 'N' WHERE id_tiers = 3`);
    await ingester.backfill();
    await app.syncLegacy();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const glouxShareEvents = async (): Promise<RecordedEvent[]> =>
    (await app.db.run((q) => readAll(q, 0, 100_000))).filter(
      (e) => e.metadata.source === 'gloux' && e.streamId === 'share-capital',
    );

  async function settle(): Promise<Drift[]> {
    await ingester.poll();
    await app.syncLegacy();
    return app.db.run((q) => driftReport(q));
  }

  const share = async (n: number) =>
    (
      await app.db.query<Record<string, unknown>>(
        `SELECT state, paid_on, legacy_payment_id, exit_on, held_until, source FROM g2_rm_shares WHERE number = ?`,
        [n],
      )
    )[0];

  const shareIssues = () =>
    app.db.query(`SELECT code FROM g2_legacy_issues WHERE source_table = 'parts_sociales'`);

  const capitalCents = async () => {
    const [row] = await app.db.query<{ c: unknown }>(
      `SELECT capital_cents AS c FROM g2_rm_capital_days ORDER BY day DESC LIMIT 1`,
    );
    return Number(row?.c ?? 0);
  };

  /** G8: Gloux's capital figure, in cents. */
  const glouxCapitalCents = async () => {
    const [row] = await app.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM parts_sociales WHERE etat IN ('souscrite', 'liberee')`,
    );
    return Number(row?.n ?? 0) * 1600;
  };

  it('starts in agreement: the sample’s shares are in the register', async () => {
    expect(describeDrift(await settle())).toEqual([]);
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
  });

  it('names a share number drawn and never used, and repair records it as a gap', async () => {
    expect(await settle()).toEqual([]);
    // Gloux's form drew a number (G2) and stopped before writing the row.
    const lost = await glouxShareNumber(side);
    const drift = await settle();
    expect(describeDrift(drift)).toEqual([
      `numero part n° ${lost} numéro: gloux=tiré (part_sociale = ${lost}) gloux2=ni part ni trou enregistré (gloux2)`,
    ]);
    expect(drift[0]).toMatchObject({
      label: `part n° ${lost}`,
      gloux2: 'ni part ni trou enregistré',
    });
    await app.db.transaction((tx) => repairDrift(tx, drift));
    expect(await settle()).toEqual([]);
    const [gap] = await app.db.query<{ number: string }>(
      `SELECT number FROM g2_number_gaps WHERE counter = 'part_sociale' AND value = ?`,
      [lost],
    );
    expect(gap?.number).toBe(String(lost));
  });

  it('records at the next poll a share number whose drawing process died before using it', async () => {
    // A draw journaled by a process that no longer exists (its number drawn, never used).
    const lost = await glouxShareNumber(side);
    const holder = dialect === 'mysql' ? 'conn:4000000000' : `pid:${hostname()}:${deadPid()}`;
    await app.db.query(
      `INSERT INTO g2_number_draws (counter, floor_value, value, holder, started_at) VALUES ('part_sociale', ?, ?, ?, '2026-11-25 10:00:00.000')`,
      [lost - 1, lost, holder],
    );
    // A live draw beside it (this process) is left alone.
    const live =
      dialect === 'mysql' ? `conn:${await connectionId(side)}` : `pid:${hostname()}:${process.pid}`;
    await app.db.query(
      `INSERT INTO g2_number_draws (counter, floor_value, value, holder, started_at) VALUES ('part_sociale', ?, NULL, ?, '2026-11-25 10:00:00.000')`,
      [lost, live],
    );
    await ingester.poll();
    const [gap] = await app.db.query<{ reason: string }>(
      `SELECT reason FROM g2_number_gaps WHERE counter = 'part_sociale' AND value = ?`,
      [lost],
    );
    expect(gap?.reason).toContain('redémarrage');
    const left = await app.db.query<{ holder: string }>(`SELECT holder FROM g2_number_draws`);
    expect(left.map((r) => r.holder)).toEqual([live]);
    await app.db.query(`DELETE FROM g2_number_draws`);
    expect(await settle()).toEqual([]);
  });

  it('takes in the shares Gloux subscribes within one poll, exactly once', async () => {
    const before = (await glouxShareEvents()).length;
    subscribed = await glouxShares(side, { idTiers: 2, count: 3, date: TODAY });
    expect(await ingester.poll()).toMatchObject({ shares: 3, events: 1 });
    await app.syncLegacy();
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual([]);
    const events = (await glouxShareEvents()).slice(before);
    expect(events.map((e) => e.type)).toEqual(['LegacySharesImported']);
    const data = events[0]!.data as { shares: { number: number; state: string }[] };
    expect(data.shares.map((s) => [s.number, s.state])).toEqual(
      subscribed.map((n) => [n, 'souscrite']),
    );
    expect(await share(subscribed[0]!)).toMatchObject({ state: 'souscrite', source: 'gloux' });
    expect(await capitalCents()).toBe(await glouxCapitalCents());
    // A second poll finds nothing: exactly once.
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
    expect((await glouxShareEvents()).length).toBe(before + 1);
  });

  it('takes in a pay-up and a redemption Gloux records on existing shares, once', async () => {
    const before = (await glouxShareEvents()).length;
    const capital = await capitalCents();
    await glouxSharePaid(side, { numero: subscribed[0]!, date: TODAY, idPaiement: 501 });
    await glouxShareExit(side, { numero: subscribed[1]!, etat: 'remboursee', date: TODAY });
    expect(await ingester.poll()).toMatchObject({ shares: 2, events: 2 });
    await app.syncLegacy();
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual([]);
    const events = (await glouxShareEvents()).slice(before);
    expect(
      events.map((e) => {
        const d = e.data as { share: { number: number }; movement: string; on: string };
        return [e.type, d.share.number, d.movement, d.on];
      }),
    ).toEqual([
      ['LegacyShareChanged', subscribed[0], 'liberation', TODAY],
      ['LegacyShareChanged', subscribed[1], 'remboursement', TODAY],
    ]);
    expect(await share(subscribed[0]!)).toMatchObject({
      state: 'liberee',
      paid_on: TODAY,
      legacy_payment_id: expect.anything(),
    });
    expect(Number((await share(subscribed[0]!))!.legacy_payment_id)).toBe(501);
    expect(await share(subscribed[1]!)).toMatchObject({
      state: 'remboursee',
      exit_on: TODAY,
      held_until: TODAY,
    });
    expect(await capitalCents()).toBe(capital - 1600);
    expect(await capitalCents()).toBe(await glouxCapitalCents());
    const movements = await app.db.query<{ kind: string; source: string }>(
      `SELECT kind, source FROM g2_rm_share_movements WHERE numbers IN (?, ?) ORDER BY kind`,
      [String(subscribed[0]), String(subscribed[1])],
    );
    expect(movements.map((m) => [m.kind, m.source])).toEqual([
      ['liberation', 'gloux'],
      ['remboursement', 'gloux'],
      ['souscription', 'gloux'],
      ['souscription', 'gloux'],
    ]);
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
    expect((await glouxShareEvents()).length).toBe(before + 2);
  });

  it('never takes gloux2’s own share writes back in, even before the mirror wrote them', async () => {
    const before = (await glouxShareEvents()).length;
    const bus = app.context.get(CommandBus);
    await bus.execute(
      new SubscribeSharesCommand({ tiersId: '1', count: 2, on: TODAY, paid: true }, 'test'),
    );
    // Not mirrored yet: the register holds them, Gloux does not.
    expect(await ingester.poll()).toEqual(NOTHING);
    await app.syncLegacy();
    const mine = (
      await app.db.query<{ number: unknown }>(
        `SELECT number FROM g2_rm_shares WHERE source = 'g2' ORDER BY number`,
      )
    ).map((r) => Number(r.number));
    expect(mine).toHaveLength(2);
    await bus.execute(
      new RedeemSharesCommand({ tiersId: '1', numbers: [mine[0]], on: TODAY }, 'test'),
    );
    await app.syncLegacy();
    // Back to the moment before the mirror wrote the redemption (the app mirrors right after
    // each commit): Gloux's row still 'liberee', the mirror's checkpoint before the event.
    const [redeemed] = await app.db.query<{ position: unknown }>(
      `SELECT MAX(position) AS position FROM g2_events WHERE stream_id = 'share-capital'`,
    );
    await glouxEdit(
      side,
      `UPDATE parts_sociales SET etat = 'liberee', date_sortie = '0000-00-00' WHERE numero = ?`,
      [mine[0]],
    );
    await glouxEdit(side, `UPDATE g2_checkpoints SET position = ? WHERE name = 'legacy-sync'`, [
      Number(redeemed!.position) - 1,
    ]);
    // The register says 'remboursee', Gloux's row 'liberee': not a change of Gloux's, so
    // neither taken in nor reported.
    expect(await ingester.poll()).toEqual(NOTHING);
    expect(await shareIssues()).toEqual([]);
    await app.syncLegacy();
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
    expect((await glouxShareEvents()).length).toBe(before);
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual([]);
  });

  it('reports a change the register cannot take, and repair never writes over it', async () => {
    // Share 2207 is paid up: Gloux cancelling it breaks a rule (a paid-up share is redeemed).
    await glouxShareExit(side, { numero: 2207, etat: 'annulee', date: TODAY });
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
    const issues = await app.db.query<{ legacy_id: unknown; code: string; blocking: unknown }>(
      `SELECT legacy_id, code, blocking FROM g2_legacy_issues WHERE source_table = 'parts_sociales'`,
    );
    expect(issues.map((i) => [Number(i.legacy_id), i.code, Number(i.blocking)])).toEqual([
      [2207, 'share_cancel_paid', 1],
    ]);
    const drift = await app.db.run((q) => driftReport(q));
    expect(describeDrift(drift)).toContain(
      'part part n° 2207 etat: gloux=annulee gloux2=liberee (non importé : voir le rapport d’import) (gloux)',
    );
    // Besides the share, only its holder's count (Gloux's rows against the register) differs.
    expect(drift.filter((d) => d.area !== 'tiers' || d.legacyId !== '1')).toHaveLength(1);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    const [row] = await app.db.query<{ etat: string }>(
      `SELECT etat FROM parts_sociales WHERE numero = 2207`,
    );
    expect(row!.etat).toBe('annulee');
    expect(await share(2207)).toMatchObject({ state: 'liberee' });
    // Someone puts Gloux's row back: the refusal leaves the report at the next poll.
    await glouxEdit(
      side,
      `UPDATE parts_sociales SET etat = 'liberee', date_sortie = '0000-00-00' WHERE numero = 2207`,
    );
    await glouxEdit(
      side,
      `UPDATE tiers SET nb_parts = nb_parts + 1, societaire = 'O' WHERE id_tiers = 1`,
    );
    expect(describeDrift(await settle())).toEqual([]);
    expect(await shareIssues()).toEqual([]);
  });

  it('names a Gloux share row deleted in Gloux for a person, and repair does not write it back', async () => {
    const [row] = await app.db.query<Record<string, unknown>>(
      `SELECT * FROM parts_sociales WHERE numero = ?`,
      [subscribed[2]],
    );
    await glouxEdit(side, `DELETE FROM parts_sociales WHERE numero = ?`, [subscribed[2]]);
    const drift = await settle();
    expect(describeDrift(drift).filter((d) => d.startsWith('part'))).toEqual([
      `part part n° ${subscribed[2]} présence: gloux=absente gloux2=souscrite (gloux)`,
    ]);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    expect(
      await app.db.query(`SELECT numero FROM parts_sociales WHERE numero = ?`, [subscribed[2]]),
    ).toEqual([]);
    await glouxEdit(
      side,
      `INSERT INTO parts_sociales (numero, id_tiers, valeur_nominale, date_souscription, etat) VALUES (?, ?, 16.00, ?, 'souscrite')`,
      [subscribed[2], Number(row!.id_tiers), TODAY],
    );
    expect(describeDrift(await settle())).toEqual([]);
  });

  it('keeps the capital floor: Gloux redeeming every share is taken in down to the floor', async () => {
    const held = (
      await app.db.query<{ numero: unknown }>(
        `SELECT numero FROM parts_sociales WHERE etat IN ('souscrite', 'liberee') ORDER BY numero`,
      )
    ).map((r) => Number(r.numero));
    const [highest] = await app.db.query<{ p: unknown }>(
      `SELECT MAX(peak_cents) AS p FROM g2_rm_capital_days`,
    );
    const floor = Math.ceil(Number(highest!.p) / 4);
    for (const numero of held)
      await glouxShareExit(side, { numero, etat: 'remboursee', date: TODAY });
    const counts = await ingester.poll();
    const refused = held.length - counts.shares;
    expect(counts.shares).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const capital = await capitalCents();
    expect(capital).toBeGreaterThanOrEqual(floor);
    // One share more would have gone under it.
    expect(capital - 1600).toBeLessThan(floor);
    const issues = await app.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM g2_legacy_issues WHERE source_table = 'parts_sociales' AND blocking = 1`,
    );
    expect(issues).toHaveLength(refused);
    expect(issues.every((i) => i.code === 'share_floor')).toBe(true);
    expect(issues[0]!.message).toMatch(/Remboursement refusé : le capital passerait de/);
    await app.syncLegacy();
    const drift = await app.db.run((q) => driftReport(q));
    expect(drift.filter((d) => d.area === 'part').map((d) => d.owner)).toEqual(
      Array.from({ length: refused }, () => 'gloux'),
    );
    await app.db.transaction((tx) => repairDrift(tx, drift));
    const [left] = await app.db.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM parts_sociales WHERE etat IN ('souscrite', 'liberee')`,
    );
    expect(Number(left!.n)).toBe(0);
    expect(await ingester.poll()).toMatchObject({ shares: 0, events: 0 });
  });

  it('names a customer left with the sign-up’s placeholder number, and repair finishes it', async () => {
    const id = await glouxEdit(
      side,
      `INSERT INTO clients (num_client, id_tiers, solde, etat, date_ouverture) VALUES ('~0a1b2c3d4e5f', 1, 0, 'actif', ?)`,
      [TODAY],
    );
    const number = customerNumberOf(TODAY, id);
    const drift = (await app.db.run((q) => driftReport(q))).filter((d) => d.area === 'client');
    expect(describeDrift(drift)).toEqual([
      `client client n° ${id} num_client: gloux=~0a1b2c3d4e5f gloux2=${number} (gloux2)`,
    ]);
    await app.db.transaction((tx) => repairDrift(tx, drift));
    const [row] = await app.db.query<{ num_client: string }>(
      `SELECT num_client FROM clients WHERE id_client = ?`,
      [id],
    );
    expect(row!.num_client).toBe(number);
    expect((await app.db.run((q) => driftReport(q))).filter((d) => d.area === 'client')).toEqual(
      [],
    );
  });

  it('rebuilds the read models from the log to the same tables, Gloux’s share changes included', async () => {
    const live = await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`));
    await app.pipeline.rebuild();
    expect(await snapshotReadModels((t) => app.db.query(`SELECT * FROM ${t}`))).toEqual(live);
  });
  it('never takes gloux2’s own pay-ups, transfers and cancellations back in once mirrored', async () => {
    const before = (await glouxShareEvents()).length;
    const g2Shares = async () =>
      (
        await app.db.query<{ number: unknown }>(
          `SELECT number FROM g2_rm_shares WHERE source = 'g2'`,
        )
      ).map((r) => Number(r.number));
    const earlier = new Set(await g2Shares());
    const bus = app.context.get(CommandBus);
    await bus.execute(
      new SubscribeSharesCommand({ tiersId: '2', count: 1, on: TODAY, paid: true }, 'test'),
    );
    await bus.execute(
      new SubscribeSharesCommand({ tiersId: '1', count: 3, on: TODAY, paid: false }, 'test'),
    );
    const unpaid = (
      await app.db.query<{ number: unknown }>(
        `SELECT number FROM g2_rm_shares WHERE source = 'g2' AND tiers_id = ? AND state = 'souscrite' ORDER BY number`,
        ['1'],
      )
    ).map((r) => Number(r.number));
    expect(unpaid).toHaveLength(3);
    const [a, b, c] = unpaid;
    await bus.execute(new PayUpSharesCommand({ tiersId: '1', numbers: [a, b], on: TODAY }, 'test'));
    await bus.execute(
      new TransferSharesCommand(
        { fromTiersId: '1', toTiersId: '2', numbers: [a], on: TODAY },
        'test',
      ),
    );
    await bus.execute(new CancelSharesCommand({ tiersId: '1', numbers: [c], on: TODAY }, 'test'));
    await app.syncLegacy();
    // The tiers 2 share, the three subscribed, the transferee's new one.
    const ours = new Set((await g2Shares()).filter((n) => !earlier.has(n)));
    expect(ours.size).toBe(5);
    // The poll may take in redemptions the floor refused before (the capital rose since), but
    // every row the mirror wrote is the register's: none is a change of Gloux's.
    await ingester.poll();
    const touched = (await glouxShareEvents()).slice(before).flatMap((e) => {
      const d = e.data as { share?: { number: number }; shares?: { number: number }[] };
      return [...(d.share ? [d.share] : []), ...(d.shares ?? [])].map((x) => x.number);
    });
    expect(touched.filter((n) => ours.has(n))).toEqual([]);
    expect(await ingester.poll()).toEqual(NOTHING);
  });
});

/** Gloux's transfers over two polls (issue 16 item 8), on a register of their own. */
describe.each(dialects)('Gloux share transfers and changes racing the mirror on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let ingester: LegacyIngester;
  let side: GlouxSide;

  beforeAll(async () => {
    ({ database, app, ingester, side } = await startOnGlouxSample(dialect));
    await glouxEdit(side, `UPDATE tiers SET nb_parts = 0, societaire = 'N' WHERE id_tiers = 3`);
    await ingester.backfill();
    await app.syncLegacy();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const capitalCents = async () => {
    const [row] = await app.db.query<{ c: unknown }>(
      `SELECT capital_cents AS c FROM g2_rm_capital_days ORDER BY day DESC LIMIT 1`,
    );
    return Number(row?.c ?? 0);
  };

  it('a transfer Gloux records over two polls never raises the highest capital, whichever row comes first (issue 16 item 8)', async () => {
    const highest = async () => {
      const [row] = await app.db.query<{ p: unknown }>(
        `SELECT MAX(peak_cents) AS p FROM g2_rm_capital_days`,
      );
      return Number(row?.p ?? 0);
    };
    const [first, second] = await glouxShares(side, { idTiers: 2, count: 2, date: TODAY });
    await ingester.poll();
    const before = await highest();
    const capital = await capitalCents();
    // The transferee's new row first, the old one marked 'cedee' at the next poll.
    await glouxShares(side, { idTiers: 1, count: 1, date: TODAY });
    expect(await ingester.poll()).toMatchObject({ shares: 1 });
    await glouxShareExit(side, { numero: first!, etat: 'cedee', date: TODAY, cessionnaire: 1 });
    expect(await ingester.poll()).toMatchObject({ shares: 1 });
    expect(await capitalCents()).toBe(capital);
    expect(await highest()).toBe(before);
    // The old row first, then the new one.
    await glouxShareExit(side, { numero: second!, etat: 'cedee', date: TODAY, cessionnaire: 1 });
    expect(await ingester.poll()).toMatchObject({ shares: 1 });
    await glouxShares(side, { idTiers: 1, count: 1, date: TODAY });
    expect(await ingester.poll()).toMatchObject({ shares: 1 });
    expect(await capitalCents()).toBe(capital);
    expect(await highest()).toBe(before);
    await app.syncLegacy();
    expect(describeDrift(await app.db.run((q) => driftReport(q)))).toEqual([]);
  });

  it('a share Gloux changes while gloux2’s movement of it waits for the mirror keeps Gloux’s row, said in the report (issue 16 item 8)', async () => {
    const bus = app.context.get(CommandBus);
    await bus.execute(
      new SubscribeSharesCommand({ tiersId: '1', count: 1, on: TODAY, paid: false }, 'test'),
    );
    await app.syncLegacy();
    const [mine] = await app.db.query<{ number: unknown }>(
      `SELECT number FROM g2_rm_shares WHERE source = 'g2' AND state = 'souscrite' ORDER BY number DESC LIMIT 1`,
    );
    const numero = Number(mine!.number);
    await bus.execute(
      new PayUpSharesCommand({ tiersId: '1', numbers: [numero], on: TODAY }, 'test'),
    );
    await app.syncLegacy();
    // Back to the moment before the mirror wrote the pay-up (the app mirrors right after each
    // commit), then Gloux redeems the share meanwhile.
    const [paid] = await app.db.query<{ position: unknown }>(
      `SELECT MAX(position) AS position FROM g2_events WHERE stream_id = 'share-capital'`,
    );
    await glouxEdit(
      side,
      `UPDATE parts_sociales SET etat = 'souscrite', date_liberation = '0000-00-00' WHERE numero = ?`,
      [numero],
    );
    await glouxEdit(side, `UPDATE g2_checkpoints SET position = ? WHERE name = 'legacy-sync'`, [
      Number(paid!.position) - 1,
    ]);
    await glouxShareExit(side, { numero, etat: 'remboursee', date: TODAY });
    await app.syncLegacy();
    const [row] = await app.db.query<{ etat: string }>(
      `SELECT etat FROM parts_sociales WHERE numero = ?`,
      [numero],
    );
    expect(row?.etat).toBe('remboursee');
    const issues = await app.db.query<{ code: string; message: string }>(
      `SELECT code, message FROM g2_legacy_issues WHERE source_table = 'parts_sociales' AND legacy_id = ?`,
      [numero],
    );
    expect(issues.map((i) => i.code)).toEqual(['share_mirror_conflict']);
    expect(issues[0]!.message).toBe(
      `Part n° ${numero} (tiers 1) : passée à « remboursée » dans Gloux pendant que gloux2 y écrivait sa libération ; la ligne de Gloux est gardée (Gloux l’emporte), la prochaine lecture de Gloux la prend en compte ou la signale.`,
    );
    // The next poll takes Gloux's redemption in.
    expect(await ingester.poll()).toMatchObject({ shares: 1 });
    const [register] = await app.db.query<{ state: string }>(
      `SELECT state FROM g2_rm_shares WHERE number = ?`,
      [numero],
    );
    expect(register?.state).toBe('remboursee');
  });
});
