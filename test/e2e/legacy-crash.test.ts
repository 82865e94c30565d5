import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Db } from '../../src/kernel/database/db.js';
import { driftReport } from '../../legacy-sync/legacy-drift.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import {
  glouxCheque,
  glouxInvoice,
  glouxShareExit,
  glouxShares,
  type GlouxSide,
} from '../support/gloux-writes.js';
import { projectRoot } from './app-process.js';

jest.setTimeout(600_000);

/**
 * Crash safety (Gloux README point 6): the built CLI runs the anniversary billing (gloux2's
 * commands, mirrored into Gloux after each commit) and the Gloux backfill, and is killed with
 * SIGKILL at random points, many times, while Gloux keeps writing. After a last run to the end
 * nothing is lost or doubled, and once the numbers the killed runs drew are recorded as gaps
 * (legacy:repair), the drift report is empty.
 */
const CLI = join(projectRoot, 'dist/src/cli.js');
const KILLS = 16;
const HOSTINGS = 60;
const SHARES_DAY = '2026-11-20';

/** A seeded generator, so a failure can be replayed (CRASH_SEED=…). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('crash safety of the Gloux sync on MariaDB', () => {
  let database: TestDatabase;
  let side: GlouxSide;
  let env: NodeJS.ProcessEnv;
  let glouxInvoices = 2; // the sample's
  let glouxPayments = 2;
  /** Gloux's shares still held, oldest first. */
  const glouxShareRows: number[] = [];
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
  const rnd = random(seed);

  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: projectRoot,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
  };

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function lastPosition(): Promise<number> {
    const [rows] = (await database.gloux!.query(
      `SELECT COALESCE(MAX(position), 0) AS p FROM g2_events`,
    )) as unknown as [{ p: unknown }[]];
    return Number(rows[0]?.p ?? 0);
  }

  async function glouxWrites(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const client = 1 + Math.floor(rnd() * 3);
      const { idFacture, total } = await glouxInvoice(side, {
        idClient: client,
        date: '2026-11-20',
        lines: [{ libelle: `Prestation é ${i}`, montantHt: 10 + Math.floor(rnd() * 9000) / 100 }],
      });
      glouxInvoices += 1;
      if (rnd() < 0.7) {
        await glouxCheque(side, {
          idClient: client,
          idFacture,
          montant: total,
          ref: `chq crash ${idFacture}`,
        });
        glouxPayments += 1;
      }
      // Gloux's share movements too: a subscription, and now and then a redemption.
      if (rnd() < 0.3)
        glouxShareRows.push(
          ...(await glouxShares(side, { idTiers: 2, count: 1, date: SHARES_DAY })),
        );
      if (rnd() < 0.15 && glouxShareRows.length > 0) {
        const numero = glouxShareRows.shift()!;
        await glouxShareExit(side, { numero, etat: 'remboursee', date: SHARES_DAY });
      }
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    side = { conn: database.gloux, q: null as never };
    env = {
      ...process.env,
      DATABASE_URL: database.settings.url,
      DEMO_DATA: '0',
      LEGACY_INGEST_BATCH: '7',
    };
    delete env.SQLITE_PATH;
    expect(cli(['migrate']).code).toBe(0);
    const conn = database.gloux!;
    // The sample's one Gloux anomaly (nb_parts without shares) is settled first: drift must end empty.
    await conn.query(`UPDATE tiers SET nb_parts = 0, societaire = 'N' WHERE id_tiers = 3`);
    for (let i = 0; i < HOSTINGS; i++) {
      await conn.query(
        `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, id_plaque, serveur, repertoire, date_creation, date_anniversaire, etat)
         VALUES (?, ?, ?, ?, 1, 'web1', '/home/x', '2020-11-10 00:00:00', '2026-11-10', 'actif')`,
        [100 + i, 1 + (i % 3), `crash${i}`, 30000 + i],
      );
    }
    await glouxWrites(60);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it(`loses and doubles nothing after ${KILLS} SIGKILLs at random points`, async () => {
    let killedMidWork = 0;
    for (let i = 0; i < KILLS; i++) {
      const args =
        i % 2 === 0
          ? ['billing:run', '--from', '2026-11-01', '--to', '2026-11-30']
          : ['legacy:backfill'];
      const child = spawn(process.execPath, [CLI, ...args], { cwd: projectRoot, env });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      let done = false;
      void exited.then(() => (done = true));
      // Kill once the child is at work, after a random number of its events (not a random
      // time: on an idle machine the work ends before most random delays).
      const start = await lastPosition();
      const target = start + 1 + Math.floor(rnd() * 6);
      while (!done && (await lastPosition()) < target) await sleep(5);
      if (!done) {
        child.kill('SIGKILL');
        killedMidWork += 1;
      }
      const code = await exited;
      if (code !== null && code !== 0 && code !== 2)
        throw new Error(`seed ${seed}: ${args.join(' ')} failed (${code}):\n${output}`);
      await glouxWrites(12); // Gloux keeps working meanwhile
    }
    expect(killedMidWork).toBeGreaterThanOrEqual(KILLS / 2);

    // Restart and run to the end.
    const run = cli(['billing:run', '--from', '2026-11-01', '--to', '2026-11-30']);
    expect([0, 2]).toContain(run.code);
    const backfill = cli(['legacy:backfill']);
    expect(backfill.code).toBe(0);
    expect(cli(['legacy-sync:run']).code).toBe(0);

    const db = await Db.open(database.settings);
    try {
      const q = <T>(sql: string, params: unknown[] = []) =>
        db.query<T & Record<string, unknown>>(sql, params);
      // No invoice number twice in Gloux, every gloux2 document there once.
      expect(await q(`SELECT numero FROM factures GROUP BY numero HAVING COUNT(*) > 1`)).toEqual(
        [],
      );
      const [docs] = await q<{ mine: unknown; mirrored: unknown }>(
        `SELECT (SELECT COUNT(*) FROM g2_rm_invoices) AS mine,
                (SELECT COUNT(*) FROM g2_rm_invoices r JOIN g2_legacy_map m ON m.g2_id = r.invoice_id AND m.kind = 'invoice'
                   JOIN factures f ON f.id_facture = m.legacy_id) AS mirrored`,
      );
      expect(Number(docs!.mirrored)).toBe(Number(docs!.mine));
      // Every crash hosting billed exactly once.
      const billed = await q<{ hosting_id: string; n: unknown }>(
        `SELECT hosting_id, COUNT(*) AS n FROM g2_rm_hosting_billings WHERE CAST(hosting_id AS UNSIGNED) >= 100 GROUP BY hosting_id`,
      );
      expect(billed).toHaveLength(HOSTINGS);
      expect(billed.every((b) => Number(b.n) === 1)).toBe(true);
      // Every Gloux invoice and payment imported once, as one stream each.
      const [imported] = await q<Record<string, unknown>>(
        `SELECT (SELECT COUNT(*) FROM g2_events WHERE source = 'gloux' AND type = 'InvoiceIssued') AS invoices,
                (SELECT COUNT(DISTINCT stream_id) FROM g2_events WHERE source = 'gloux' AND type = 'InvoiceIssued') AS streams,
                (SELECT COUNT(*) FROM g2_events WHERE source = 'gloux' AND type = 'PaymentRecorded') AS payments`,
      );
      expect([imported!.invoices, imported!.streams, imported!.payments].map(Number)).toEqual([
        glouxInvoices,
        glouxInvoices,
        glouxPayments,
      ]);
      // Gloux's share movements taken in once each, none refused: every share subscribed once
      // in the register, every change once (its id derives from the share and Gloux's row).
      expect(
        await q(`SELECT code FROM g2_legacy_issues WHERE source_table = 'parts_sociales'`),
      ).toEqual([]);
      expect(
        await q(
          `SELECT numbers FROM g2_rm_share_movements WHERE kind = 'souscription' GROUP BY numbers HAVING COUNT(*) > 1`,
        ),
      ).toEqual([]);
      const changes = await q<{ data: string }>(
        `SELECT data FROM g2_events WHERE source = 'gloux' AND type = 'LegacyShareChanged'`,
      );
      const ids = changes.map((c) => (JSON.parse(c.data) as { changeId: string }).changeId);
      expect(new Set(ids).size).toBe(ids.length);
      // What the killed runs drew and never used is named; repair records it, then no drift.
      const before = await db.run((x) => driftReport(x));
      expect(before.filter((d) => d.area !== 'numero')).toEqual([]);
    } finally {
      await db.close();
    }
    const repair = cli(['legacy:repair']);
    expect(repair.out).toContain('Aucun écart');
    const drift = cli(['legacy:drift']);
    expect(drift.out).toContain('Aucun écart');
    expect(drift.code).toBe(0);
  });
});
