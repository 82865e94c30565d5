import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { listHostings, type HostingListQuery } from '../../legacy-sync/legacy-hosting-list.js';
import { Db } from '../../src/kernel/database/db.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(180_000);

/**
 * The staff's list of every hosting (`/admin/hebergements`), on both databases, over Gloux's
 * sample rows plus 120 more: search by hosting name, domain and holder (accents included),
 * the state filter, each order, and the pages.
 */
describe.each(dialects)('the list of every hosting on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  const list = (query: Partial<HostingListQuery>) =>
    app.context.get(Db).run((q) =>
      listHostings(q, {
        search: '',
        state: null,
        sort: { column: 'hebergement', order: 'asc' },
        offset: 0,
        limit: 100,
        ...query,
      }),
    );

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, { now: '2026-12-07T10:00:00Z' });
    const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));
    // 120 hostings of Webcoop (customer 3), zz000…zz119, the odd ones suspended, each with
    // i % 4 boxes and a disk use of i Mo for a quota of 100 Mo.
    for (let i = 0; i < 120; i++) {
      const name = `zz${String(i).padStart(3, '0')}`;
      await exec(
        `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, serveur, repertoire, etat, quota_disque_mo, disque_utilise_mo, nb_mails)
         VALUES (?, 3, ?, ?, 'web9', ?, ?, 100, ?, 1)`,
        [1000 + i, name, 30000 + i, `/home/z/${name}`, i % 2 ? 'suspendu' : 'actif', i],
      );
      for (let b = 0; b < i % 4; b++)
        await exec(
          `INSERT INTO mails (id_hebergement, id_domaine, adresse, maildir, quota_mo) VALUES (?, 0, ?, '', 10)`,
          [1000 + i, `b${b}@${name}.example`],
        );
    }
    await exec(
      `INSERT INTO domaines (domaine, id_hebergement, id_soa) VALUES ('trouvable.example', 1007, 0)`,
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('lists every hosting by name, 100 to a page, with the holder and the figures', async () => {
    const first = await list({});
    expect(first.total).toBeGreaterThanOrEqual(122);
    expect(first.rows).toHaveLength(100);
    const names = first.rows.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    const anne = first.rows.find((r) => r.name === 'annelef')!;
    expect(anne).toMatchObject({ customerId: '1', holder: 'Anne Lefèvre', state: 'actif' });
    const [row] = await app.db.query<{ nb_mails: number | string }>(
      `SELECT nb_mails FROM hebergements WHERE nom = 'annelef'`,
    );
    expect(anne.mailboxAllowance).toBe(Number(row!.nb_mails));
    const amis = first.rows.find((r) => r.name === 'lesamis')!;
    expect(amis.holder).toBe('Association Les Amis');
    const rest = await list({ offset: 100 });
    expect(rest.rows.map((r) => r.name)).not.toContain(names[0]);
    expect(first.rows.length + rest.rows.length).toBe(first.total);
  });

  it('finds a hosting by the start of its name, of a domain, or by its holder', async () => {
    expect((await list({ search: 'ZZ01' })).rows.map((r) => r.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `zz01${i}`),
    );
    expect((await list({ search: 'trouvable' })).rows.map((r) => r.name)).toEqual(['zz007']);
    expect((await list({ search: 'lefèvre' })).rows.map((r) => r.name)).toContain('annelef');
    expect((await list({ search: 'Association' })).rows.map((r) => r.name)).toEqual(['lesamis']);
    // Wildcards are text, not patterns.
    expect((await list({ search: '%' })).total).toBe(0);
    expect((await list({ search: 'personne-de-ce-nom' })).total).toBe(0);
  });

  it('filters by state and orders by each column', async () => {
    const suspended = await list({ state: 'suspendu', limit: 500 });
    expect(suspended.rows.every((r) => r.state === 'suspendu')).toBe(true);
    const [n] = await app.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM hebergements WHERE etat = 'suspendu'`,
    );
    expect(suspended.total).toBe(Number(n!.n));
    expect(suspended.total).toBeGreaterThanOrEqual(60);
    const byBoxes = await list({ sort: { column: 'boites', order: 'desc' }, limit: 500 });
    const boxes = byBoxes.rows.map((r) => r.mailboxes);
    expect(boxes).toEqual([...boxes].sort((a, b) => b - a));
    expect(byBoxes.rows[0]!.mailboxes).toBe(3);
    const byDisk = await list({ sort: { column: 'disque', order: 'desc' }, limit: 3 });
    expect(byDisk.rows.map((r) => r.name)).toEqual(['zz119', 'zz118', 'zz117']);
    const byHolder = await list({ sort: { column: 'adherent', order: 'asc' }, limit: 500 });
    const holders = byHolder.rows.map((r) => r.holder);
    // By surname (a company by its name), as the members' list: Association < Lefèvre < Webcoop.
    expect(holders.indexOf('Association Les Amis')).toBeLessThan(holders.indexOf('Anne Lefèvre'));
    expect(holders.indexOf('Anne Lefèvre')).toBeLessThan(holders.indexOf('Webcoop SARL'));
    // Ties keep one order from page to page: the hosting's number breaks them.
    const byServer = await list({ sort: { column: 'serveur', order: 'asc' }, limit: 500 });
    const web9 = byServer.rows.filter((r) => r.server === 'web9').map((r) => r.hostingId);
    expect(web9).toEqual([...web9].sort((a, b) => a - b));
  });
});
