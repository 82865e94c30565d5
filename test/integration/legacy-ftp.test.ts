import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { FtpAccountCreated, FtpEvent } from '../../domain/hosting/ftp-events.js';
import { keepFtpHash, mirrorFtpEvent } from '../../legacy-sync/legacy-ftp.js';
import { sha256Crypt } from '../../src/hosting/crypt.js';
import type { Db } from '../../src/kernel/database/db.js';
import { dialects } from '../support/databases.js';
import { openSampleDatabase } from '../support/sqlite-sample-data.js';

jest.setTimeout(120_000);

/**
 * The FTP mirror writes Gloux's `ftp` rows as pure-ftpd reads them, once per account whatever
 * is replayed, with the hash taken from g2_hosting_secrets (then deleted), and never over a row
 * Gloux gave another hosting.
 */
const created = (
  accountId: string,
  login: string,
  path: string,
  hostingId = 1,
): FtpAccountCreated => ({
  type: 'FtpAccountCreated',
  data: { hostingId, accountId, kind: 'supplementary', login, path, vhostId: null, actor: 't' },
});
const now = new Date('2026-12-07T10:00:00Z');

describe.each(dialects)('ftp mirror on %s', (dialect) => {
  let sample: Awaited<ReturnType<typeof openSampleDatabase>>;
  let db: Db;
  const row = async (login: string) =>
    (
      await db.query<Record<string, unknown>>(
        'SELECT id_hebergement, mot_de_passe, mot_de_passe_clair, repertoire, uid, gid, actif FROM ftp WHERE login = ?',
        [login],
      )
    ).map((r) => ({
      mot_de_passe: String(r.mot_de_passe),
      mot_de_passe_clair: String(r.mot_de_passe_clair),
      repertoire: String(r.repertoire),
      actif: String(r.actif),
      id_hebergement: Number(r.id_hebergement),
      uid: Number(r.uid),
      gid: Number(r.gid),
    }));
  const secrets = async () =>
    (await db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM g2_hosting_secrets'))[0]!.n;
  const mirror = (e: FtpEvent) => db.transaction((tx) => mirrorFtpEvent(tx, e));
  const keep = (accountId: string, hash: string) =>
    db.transaction((tx) => keepFtpHash(tx, accountId, hash, now));

  beforeAll(async () => {
    sample = await openSampleDatabase(dialect);
    db = sample.db;
  });
  afterAll(() => sample?.close());

  it('inserts the row pure-ftpd reads, once, and forgets the hash once written', async () => {
    const hash = sha256Crypt('blog-password');
    await keep('a1', hash);
    const first = await mirror(created('a1', 'annelef_blog', 'www/blog'));
    expect(first.kind).toBe('written');
    expect(Number(await secrets())).toBe(0);
    expect(await mirror(created('a1', 'annelef_blog', 'www/blog'))).toEqual(first);
    expect(await row('annelef_blog')).toEqual([
      {
        id_hebergement: 1,
        mot_de_passe: hash,
        mot_de_passe_clair: '',
        repertoire: '/home/a/annelef/www/blog',
        uid: 23001,
        gid: 23001,
        actif: 'Y',
      },
    ]);
  });

  it('adopts the row a crash left with the very hash waiting for it', async () => {
    const hash = sha256Crypt('orphan-password');
    await keep('a2', hash);
    await db.transaction((tx) =>
      tx.execute(
        `INSERT INTO ftp (id_hebergement, login, mot_de_passe, mot_de_passe_clair, repertoire, uid, gid)
         VALUES (1, 'annelef_orphan', ?, '', '/home/a/annelef/www', 23001, 23001)`,
        [hash],
      ),
    );
    expect((await mirror(created('a2', 'annelef_orphan', 'www'))).kind).toBe('written');
    expect(await row('annelef_orphan')).toHaveLength(1);
  });

  it('records a conflict, Gloux’s row untouched, when Gloux gave the login to another row', async () => {
    await keep('a3', sha256Crypt('x-password'));
    const before = await row('annelef');
    expect(await mirror(created('a3', 'annelef', 'www'))).toEqual({
      kind: 'conflict',
      login: 'annelef',
      heldBy: 1,
    });
    expect(await row('annelef')).toEqual(before);
    await keep('a4', sha256Crypt('x-password'));
    await db.transaction((tx) =>
      tx.execute(
        `INSERT INTO ftp (id_hebergement, login, mot_de_passe, repertoire, uid, gid)
         VALUES (2, 'lesamis_www', 'ab01FAX.bQRSU', '/home/l/lesamis/www', 23342, 23342)`,
      ),
    );
    expect(await mirror(created('a4', 'lesamis_www', 'www'))).toEqual({
      kind: 'conflict',
      login: 'lesamis_www',
      heldBy: 2,
    });
  });

  it('writes a new hash once, a new folder, and removes only its own row', async () => {
    const newer = sha256Crypt('newer-password');
    await keep('a1', sha256Crypt('new-password'));
    await keep('a1', newer);
    const changed: FtpEvent = {
      type: 'FtpPasswordChanged',
      data: { hostingId: 1, accountId: 'a1', login: 'annelef_blog', actor: 't' },
    };
    await mirror(changed);
    await mirror(changed);
    expect((await row('annelef_blog'))[0]!.mot_de_passe).toBe(newer);
    expect(Number(await secrets())).toBe(2); // a3 and a4, refused: kept for the person who settles it
    await mirror({
      type: 'FtpRootChanged',
      data: {
        hostingId: 1,
        accountId: 'a1',
        login: 'annelef_blog',
        path: 'www/photos',
        actor: 't',
      },
    });
    expect((await row('annelef_blog'))[0]!.repertoire).toBe('/home/a/annelef/www/photos');
    await mirror({
      type: 'FtpAccountRemoved',
      data: {
        hostingId: 1,
        accountId: 'a4',
        login: 'lesamis_www',
        reason: 'requested',
        actor: 't',
      },
    });
    expect(await row('lesamis_www')).toHaveLength(1);
    await mirror({
      type: 'FtpAccountRemoved',
      data: {
        hostingId: 1,
        accountId: 'a1',
        login: 'annelef_blog',
        reason: 'requested',
        actor: 't',
      },
    });
    expect(await row('annelef_blog')).toEqual([]);
  });
});
