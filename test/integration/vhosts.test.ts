import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import {
  ChangeVhostCommand,
  CreateVhostCommand,
  RemoveVhostCommand,
  type VhostCommandResult,
} from '../../src/hosting/vhosts/vhost.commands.js';
import { HOSTING_CONFIG, loadHostingConfig } from '../../src/kernel/config.js';
import { FtpAccountCommand } from '../../src/hosting/ftp/ftp-accounts.handler.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { refusal } from '../support/refusal.js';

jest.setTimeout(120_000);

/**
 * Web spaces through gloux2's commands (issue 18): Gloux's `vhosts` row written as its cron reads
 * it, the folder's job queued once, a site under a domain not the hosting's refused, a name
 * Gloux holds for another hosting refused, Gloux's own sites changed like gloux2's.
 */
describe.each(dialects)('web spaces on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, {
      now: '2026-12-07T10:00:00Z',
      overrides: [[HOSTING_CONFIG, { ...loadHostingConfig({}), webIpv4: '192.0.2.80' }]],
    });
    // Both data sets: hosting 1 holds example.org and Gloux's site www.example.org; hosting 2
    // holds www.lesamis.example.
    await exec(`DELETE FROM domaines WHERE domaine IN ('example.org', 'lesamis.example')`);
    await exec(`DELETE FROM vhosts WHERE nom_hote IN ('www.example.org', 'www.lesamis.example')`);
    await exec(
      `INSERT INTO domaines (id_domaine, domaine, id_hebergement, id_soa, date_ajout) VALUES (901, 'example.org', 1, 0, '2004-03-02 10:00:00')`,
    );
    await exec(
      `INSERT INTO vhosts (id_hebergement, id_domaine, nom_hote, racine, alias, php) VALUES (1, 901, 'www.example.org', '/www', 'example.org', '5'), (2, 0, 'www.lesamis.example', '/', 'lesamis.example', '4')`,
    );
    await exec(
      `UPDATE hebergements SET repertoire = '/home/a/annelef', uid = 23001 WHERE id_hebergement = 1`,
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const exec = (sql: string, params: unknown[] = []) => app.db.run((q) => q.execute(sql, params));
  const run = (command: CreateVhostCommand | ChangeVhostCommand | RemoveVhostCommand) =>
    app.context.get(CommandBus).execute<typeof command, VhostCommandResult>(command);
  const row = async (host: string) =>
    (
      await app.db.query<Record<string, unknown>>(
        'SELECT id_hebergement, id_domaine, racine, alias, php, `ssl` AS ssl_flag, actif, a_regenerer FROM vhosts WHERE nom_hote = ?',
        [host],
      )
    ).map((r) => ({
      ...r,
      id_hebergement: Number(r.id_hebergement),
      id_domaine: Number(r.id_domaine),
      a_regenerer: Number(r.a_regenerer),
    }));
  const ftp = async (login: string) =>
    (
      await app.db.query<{ repertoire: string; uid: number | string; mot_de_passe: string }>(
        'SELECT repertoire, uid, mot_de_passe FROM ftp WHERE login = ?',
        [login],
      )
    ).map((r) => ({
      repertoire: r.repertoire,
      uid: Number(r.uid),
      hashed: String(r.mot_de_passe).startsWith('$5$'),
    }));
  const jobs = (host: string) =>
    app.db.query<{ kind: string; payload: string }>(
      `SELECT kind, payload FROM g2_jobs WHERE target_kind = 'vhost' AND target_id = ? ORDER BY id`,
      [host],
    );

  it('creates a site: Gloux’s row for its cron, and one folder job as the hosting’s uid', async () => {
    const done = await run(
      new CreateVhostCommand(
        1,
        { host: 'Blog.Example.org', aliases: 'shop.example.org' },
        'test',
        'k-create-1',
      ),
    );
    expect(done).toEqual({ hostingId: 1, host: 'blog.example.org', changed: true });
    await app.settle();
    expect(await row('blog.example.org')).toEqual([
      {
        id_hebergement: 1,
        id_domaine: 901,
        racine: '/blog.example.org',
        alias: 'shop.example.org',
        php: '5',
        ssl_flag: '1',
        actif: 'Y',
        a_regenerer: 1,
      },
    ]);
    // Its own FTP account, limited to its folder, with a hash nobody was shown.
    const [{ nom }] = (await app.db.query<{ nom: unknown }>(
      'SELECT nom FROM hebergements WHERE id_hebergement = 1',
    )) as [{ nom: unknown }];
    expect(await ftp(`${String(nom)}_blog`)).toEqual([
      { repertoire: '/home/a/annelef/blog.example.org', uid: 23001, hashed: true },
    ]);
    // The same key again: the first answer, nothing new appended, no second job.
    await run(
      new CreateVhostCommand(
        1,
        { host: 'Blog.Example.org', aliases: 'shop.example.org' },
        'test',
        'k-create-1',
      ),
    );
    await app.settle();
    const queued = await jobs('blog.example.org');
    expect(queued.map((j) => j.kind)).toEqual(['vhost.mkdir']);
    expect(JSON.parse(queued[0]!.payload)).toEqual({
      hostingRoot: '/home/a/annelef',
      path: 'blog.example.org',
      uid: 23001,
      gid: 23001,
    });
  });

  it('gives a new site under a zone served here its A record, bumping the serial, unless the name has one', async () => {
    // Gloux's sample zone of example.org (id 1 on MariaDB) gives way to a fresh one.
    await exec(`DELETE FROM rr WHERE zone IN (1, 901)`);
    await exec(`DELETE FROM soa WHERE id = 901 OR origin = 'example.org.'`);
    await exec(
      `INSERT INTO soa (id, origin, ns, mbox, serial) VALUES (901, 'example.org.', 'ns1.ouvaton.coop.', 'hostmaster.ouvaton.coop.', 2008112001)`,
    );
    await exec(
      `INSERT INTO rr (zone, name, type, data, aux, ttl) VALUES (901, '', 'NS', 'ns1.ouvaton.coop.', 0, 86400), (901, 'www', 'CNAME', 'example.org.', 0, 3600), (901, 'cdn', 'A', '192.0.2.99', 0, 3600)`,
    );
    await exec(`UPDATE domaines SET id_soa = 901 WHERE id_domaine = 901`);
    const records = () =>
      app.db.query<{ name: string; type: string; data: unknown }>(
        `SELECT name, type, data FROM rr WHERE zone = 901 AND type IN ('A', 'CNAME') ORDER BY name`,
      );
    await run(new CreateVhostCommand(1, { host: 'store.example.org' }, 'test'));
    // cdn already has an address: the cooperator's, left alone.
    await run(new CreateVhostCommand(1, { host: 'cdn.example.org' }, 'test'));
    await app.settle();
    expect((await records()).map((r) => [r.name.trim(), r.type, String(r.data)])).toEqual([
      ['cdn', 'A', '192.0.2.99'],
      ['store', 'A', '192.0.2.80'],
      ['www', 'CNAME', 'example.org.'],
    ]);
    const [soa] = await app.db.query<{ serial: number | string }>(
      'SELECT serial FROM soa WHERE id = 901',
    );
    expect(Number(soa!.serial)).toBe(2026120700);
  });

  it('refuses a name under a domain of no hosting of theirs, and one Gloux holds elsewhere', async () => {
    await refusal(
      run(new CreateVhostCommand(1, { host: 'www.autre.fr' }, 'test')),
      'invalid_input',
      'nom_hote',
    );
    const refused = await refusal(
      run(new CreateVhostCommand(2, { host: 'blog.example.org' }, 'test')),
      'invalid_input',
      'nom_hote',
    );
    expect(refused.message).toContain('ni sous ouvaton.org ni sous un de vos domaines');
    await exec(
      `INSERT INTO domaines (domaine, id_hebergement, id_soa, date_ajout) VALUES ('lesamis.example', 2, 0, '2007-09-12 00:00:00')`,
    );
    await exec(`UPDATE domaines SET id_hebergement = 1 WHERE domaine = 'lesamis.example'`);
    await refusal(
      run(new CreateVhostCommand(1, { host: 'www.lesamis.example' }, 'test')),
      'name_taken',
      'nom_hote',
    );
    await exec(`UPDATE domaines SET id_hebergement = 2 WHERE domaine = 'lesamis.example'`);
    await refusal(
      run(
        new CreateVhostCommand(
          1,
          { host: 'x.ouvaton.org', redirection: 'https://a.fr/"x' },
          'test',
        ),
      ),
      'invalid_input',
      'redirection',
    );
    expect(await row('x.ouvaton.org')).toEqual([]);
  });

  it('changes Gloux’s own site and gloux2’s alike, with the regeneration flag', async () => {
    await exec(`UPDATE vhosts SET a_regenerer = 0`);
    await run(
      new ChangeVhostCommand(1, 'www.example.org', { php: 'aucun', enabled: false }, 'test'),
    );
    const unchanged = await run(
      new ChangeVhostCommand(1, 'blog.example.org', { php: '5' }, 'test'),
    );
    expect(unchanged.changed).toBe(false);
    await app.settle();
    expect(await row('www.example.org')).toEqual([
      expect.objectContaining({ alias: 'example.org', php: 'aucun', actif: 'N', a_regenerer: 1 }),
    ]);
    expect(await row('blog.example.org')).toEqual([expect.objectContaining({ a_regenerer: 0 })]);
    await refusal(
      run(new ChangeVhostCommand(2, 'www.example.org', { php: '4' }, 'test')),
      'not_found',
    );
  });

  it('removes a site: its row, the name free again, its files’ deletion queued after its folder’s creation', async () => {
    await run(new RemoveVhostCommand(1, 'blog.example.org', 'test'));
    await app.settle();
    expect(await row('blog.example.org')).toEqual([]);
    const [{ nom }] = (await app.db.query<{ nom: unknown }>(
      'SELECT nom FROM hebergements WHERE id_hebergement = 1',
    )) as [{ nom: unknown }];
    expect(await ftp(`${String(nom)}_blog`)).toEqual([]);
    expect((await jobs('blog.example.org')).map((j) => j.kind)).toEqual([
      'vhost.mkdir',
      'files.delete',
    ]);
    // A site whose folder is the hosting's root never has its files deleted.
    await run(new RemoveVhostCommand(2, 'www.lesamis.example', 'test'));
    await app.settle();
    expect(await row('www.lesamis.example')).toEqual([]);
    expect(await jobs('www.lesamis.example')).toEqual([]);
    // The name can be taken again.
    await run(new CreateVhostCommand(1, { host: 'blog.example.org' }, 'test'));
    await app.settle();
    expect(await row('blog.example.org')).toHaveLength(1);
  });

  it('queues the folder of a supplementary FTP account, not of a site’s own account', async () => {
    const [{ nom }] = (await app.db.query<{ nom: unknown }>(
      'SELECT nom FROM hebergements WHERE id_hebergement = 1',
    )) as [{ nom: unknown }];
    const login = `${String(nom)}_photos`;
    await app.context.get(CommandBus).execute(
      new FtpAccountCommand(
        1,
        {
          action: 'create',
          kind: 'supplementary',
          login,
          path: 'www/photos',
          password: 'secret-photos-1',
        },
        'test',
      ),
    );
    await app.settle();
    const queued = await app.db.query<{ kind: string; payload: string }>(
      `SELECT kind, payload FROM g2_jobs WHERE target_kind = 'ftp' AND target_id = ?`,
      [login],
    );
    expect(queued.map((j) => [j.kind, JSON.parse(j.payload)])).toEqual([
      ['ftp.mkdir', { hostingRoot: '/home/a/annelef', path: 'www/photos', uid: 23001, gid: 23001 }],
    ]);
    expect(
      await app.db.query(
        `SELECT kind FROM g2_jobs WHERE target_kind = 'ftp' AND target_id LIKE ?`,
        [`%_blog`],
      ),
    ).toEqual([]);
  });
});
