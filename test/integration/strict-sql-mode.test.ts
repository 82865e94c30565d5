import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readTiers, writeTiers } from '../../legacy-sync/legacy-members.js';
import { AppHarness } from '../support/app-harness.js';
import {
  createTestDatabase,
  glouxStatement,
  runGloux,
  type TestDatabase,
} from '../support/databases.js';

jest.setTimeout(120_000);

/**
 * Issue 16 item 5: gloux2's own MariaDB sessions are strict, so a value too long for a Gloux
 * column is refused by the server rather than cut in the middle of a character; Gloux's own
 * sessions keep sql_mode '' and every statement of gloux-behaviour.sql still runs on them.
 */
describe('strict SQL mode on gloux2’s MariaDB sessions', () => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    app = await AppHarness.start(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('runs gloux2’s sessions strict, and refuses a value the column cannot hold whole', async () => {
    const modes = await Promise.all(
      Array.from({ length: 3 }, () =>
        app.db.query<{ m: string }>(`SELECT @@SESSION.sql_mode AS m`),
      ),
    );
    for (const [row] of modes) expect(row?.m.split(',')).toContain('STRICT_ALL_TABLES');
    const before = await app.db.run((q) => readTiers(q, '1'));
    // 60 characters, 120 UTF-8 bytes: tiers.nom holds 100.
    await expect(
      app.db.run((q) => writeTiers(q, '1', { ...before!, lastName: 'é'.repeat(60) })),
    ).rejects.toThrow(/too long/i);
    expect(await app.db.run((q) => readTiers(q, '1'))).toEqual(before);
    // What fits is written as before, zero dates included.
    await app.db.run((q) => writeTiers(q, '1', { ...before!, lastName: 'é'.repeat(50) }));
    expect((await app.db.run((q) => readTiers(q, '1')))?.lastName).toBe('é'.repeat(50));
    await app.db.query(`UPDATE clients SET date_fermeture = '0000-00-00' WHERE id_client = 1`);
  });

  it('leaves Gloux’s own sessions in its mode, where all of gloux-behaviour.sql runs', async () => {
    const conn = database.gloux!;
    const [[mode]] = (await conn.query(`SELECT @@SESSION.sql_mode AS m`)) as unknown as [
      { m: string }[],
    ];
    expect(mode?.m).toBe('');
    for (const id of ['G1', 'G2', 'G3'])
      await expect(runGloux(conn, glouxStatement(id))).resolves.toBeDefined();
    const vars = { id_client: 2, id_facture: 102, id_tiers: 2 };
    for (const id of ['G4', 'G5', 'G6', 'G7', 'G8'])
      expect(await runGloux(conn, glouxStatement(id), vars)).toBeDefined();
    const paiements = async () =>
      (
        (await conn.query(`SELECT COUNT(*) AS n FROM paiements`)) as unknown as [{ n: number }[]]
      )[0][0]!.n;
    const n = await paiements();
    await runGloux(conn, glouxStatement('G9'), {
      ...vars,
      montant: 14.35,
      ref: 'chq strict',
      banque: 'Crédit Coopératif',
      admin: 1,
    });
    expect(await paiements()).toBe(n + 1);
  });
});
