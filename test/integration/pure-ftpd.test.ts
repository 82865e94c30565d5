import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import mysql from 'mysql2/promise';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/errors.js';
import { sha256Crypt } from '../../src/hosting/crypt.js';
import { FtpAccountCommand } from '../../src/hosting/ftp/ftp-accounts.handler.js';
import { ftpCreateCli, ftpPasswordCli } from '../../src/hosting/ftp/ftp.cli.js';
import { HostingAccess } from '../../src/hosting/hosting-access.js';
import { HostingSections } from '../../src/hosting/hosting-sections.js';
import { hostingById } from '../../legacy-sync/legacy-hosting-inventory.js';
import { AppHarness } from '../support/app-harness.js';
import { cooperator, STAFF } from '../support/auth-users.js';
import { LegacyHostingMirror } from '../../legacy-sync/legacy-hosting-mirror.js';
import { createTestDatabase, MYSQL_ROOT_URL, type TestDatabase } from '../support/databases.js';
import { startPureFtpd, type RunningPureFtpd } from '../support/pure-ftpd.js';

jest.setTimeout(180_000);

/**
 * pure-ftpd-mysql started from the files `hosting:daemon-config` renders, on Gloux's sample
 * `ftp`/`hebergements` rows (HOSTING.md b.2): Gloux's DES row and a `$5$` row log in, a subfolder
 * account is chrooted and cannot follow a symbolic link out, the daemon's own guard refuses a
 * `..` or foreign folder whatever wrote the row, and a suspended hosting is refused
 * (SUSPENSION_CUTS=web,ftp, the default).
 */
let db: TestDatabase;
let ftpd: RunningPureFtpd;
const home = (prefix: string, path: string) => join(prefix, path);

async function ftpRow(login: string, password: string, repertoire: string, hosting = 1) {
  const uid = hosting === 1 ? 23001 : 23342;
  await db.gloux!.query(
    `INSERT INTO ftp (id_hebergement, login, mot_de_passe, mot_de_passe_clair, repertoire, uid, gid)
     VALUES (?, ?, ?, '', ?, ?, ?)`,
    [hosting, login, sha256Crypt(password), repertoire, uid, uid],
  );
}

beforeAll(async () => {
  db = await createTestDatabase('mysql');
  ftpd = await startPureFtpd(db.settings.url!);
  const anne = home(ftpd.rootPrefix, '/home/a/annelef');
  mkdirSync(join(anne, 'www/blog'), { recursive: true });
  mkdirSync(home(ftpd.rootPrefix, '/home/l/lesamis'), { recursive: true });
  writeFileSync(join(anne, 'secret.txt'), 'outside the blog');
  writeFileSync(join(anne, 'www/blog/index.html'), '<p>blog</p>');
  // A PHP site could make this link: the chroot must not follow it out of blog/.
  symlinkSync(anne, join(anne, 'www/blog/escape'));
  // The test cannot give the tree to uid 23001 on every machine: open it to everyone instead.
  for (const dir of ['/home', '/home/a', '/home/l']) chmodSync(home(ftpd.rootPrefix, dir), 0o755);
  for (const dir of ['', '/www', '/www/blog']) chmodSync(anne + dir, 0o777);
});

afterAll(async () => {
  await ftpd?.stop();
  await db?.drop();
});

describe('pure-ftpd-mysql on Gloux’s ftp table, from the rendered configuration', () => {
  it('Gloux’s own DES row (the master account) logs in at the hosting’s root and writes', async () => {
    const names = await ftpd.session('annelef', 'ftpsecret', async (client) => {
      await client.uploadFrom(Readable.from(['hello']), 'www/new.txt');
      return (await client.list()).map((f) => f.name).sort();
    });
    expect(names).toEqual(['secret.txt', 'www']);
    expect(await ftpd.loginCode('annelef', 'wrong-password')).toBe(530);
  });

  it('a $5$ subfolder row is chrooted to its folder; a symbolic link out is not followed', async () => {
    await ftpRow('annelef_blog', 'blog-password', '/home/a/annelef/www/blog');
    await ftpd.session('annelef_blog', 'blog-password', async (client) => {
      expect(await client.pwd()).toBe('/');
      await client.cd('..');
      expect(await client.pwd()).toBe('/');
      expect((await client.list()).map((f) => f.name).sort()).toEqual(['escape', 'index.html']);
      await expect(client.cd('escape')).rejects.toMatchObject({ code: 550 });
      await expect(client.list('escape')).rejects.toThrow();
      await expect(
        client.downloadTo(new (await import('node:stream')).PassThrough(), 'escape/secret.txt'),
      ).rejects.toMatchObject({ code: 550 });
      await client.uploadFrom(Readable.from(['post']), 'post.html');
    });
  });

  it('the daemon’s guard refuses a row with .. or outside the hosting’s folder, whatever wrote it', async () => {
    await ftpRow('annelef_evil', 'evil-password', '/home/a/annelef/../../../tmp');
    await ftpRow('annelef_other', 'other-password', '/home/l/lesamis');
    await ftpRow('annelef_near', 'near-password', '/home/a/annelefx');
    expect(await ftpd.loginCode('annelef_evil', 'evil-password')).toBe(530);
    expect(await ftpd.loginCode('annelef_other', 'other-password')).toBe(530);
    expect(await ftpd.loginCode('annelef_near', 'near-password')).toBe(530);
  });

  it('a suspended hosting is refused (SUSPENSION_CUTS has ftp by default)', async () => {
    await ftpRow('lesamis', 'lesamis-password', '/home/l/lesamis', 2);
    expect(await ftpd.loginCode('lesamis', 'lesamis-password')).toBe(530);
    await db.gloux!.query(`UPDATE hebergements SET etat = 'actif' WHERE id_hebergement = 2`);
    expect(await ftpd.loginCode('lesamis', 'lesamis-password')).toBe(230);
  });
});

describe('PowerDNS from the same rendering', () => {
  it('starts from pdns/pdns.conf alone, as its own least-privilege user, and answers Gloux’s sample zone', async () => {
    const root = await mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
    await root.query(readFileSync(join(ftpd.out, 'sql/pdns-views.sql'), 'utf8'));
    await root.end();
    const pdns = spawn('/usr/sbin/pdns_server', [`--config-dir=${join(ftpd.out, 'pdns')}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    pdns.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise((resolve) => pdns.once('exit', resolve));
    try {
      const resolver = new Resolver({ timeout: 1000, tries: 1 });
      resolver.setServers([`127.0.0.1:${ftpd.dnsPort}`]);
      let soa: { serial: number } | null = null;
      const giveUp = Date.now() + 60_000;
      while (!soa) {
        if (pdns.exitCode !== null || Date.now() > giveUp) throw new Error(`pdns_server:\n${log}`);
        soa = await resolver.resolveSoa('example.org').catch(() => null);
      }
      expect(soa.serial).toBe(2008112001);
      expect(await resolver.resolveMx('example.org')).toEqual([
        { exchange: 'mx.ouvaton.coop', priority: 10 },
      ]);
    } finally {
      pdns.kill('SIGTERM');
      await exited;
    }
  });
});

describe('through gloux2’s own commands (the CLI’s ftp:create and ftp:password)', () => {
  let app: AppHarness;
  const cecile = '/home/c/cecile';
  const events = () => app.count('g2_events', "stream_id = 'hosting-3'");
  const staff = STAFF;

  beforeAll(async () => {
    app = await AppHarness.start(db);
    // A hosting as Gloux creates it: its row, then its folders (a job's work, done here by hand).
    await db.gloux!.query(
      `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, serveur, repertoire, etat)
       VALUES (3, 1, 'cecile', 23400, 'web3', ?, 'actif')`,
      [cecile],
    );
    const root = home(ftpd.rootPrefix, cecile);
    mkdirSync(join(root, 'www/photos'), { recursive: true });
    chmodSync(home(ftpd.rootPrefix, '/home/c'), 0o755);
    for (const dir of ['', '/www', '/www/photos']) chmodSync(root + dir, 0o777);
    writeFileSync(join(root, 'www/index.html'), 'site');
  });
  afterAll(() => app?.close());

  const silently = async (run: () => Promise<number>) => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      return await run();
    } finally {
      log.mockRestore();
    }
  };

  it('master, vhost and supplementary accounts log in, each in its folder', async () => {
    expect(
      await silently(() =>
        ftpCreateCli(app.context, {
          hosting: 'cecile',
          kind: 'master',
          login: 'cecile',
          password: 'master-secret',
        }),
      ),
    ).toBe(0);
    await app.context.get(CommandBus).execute(
      new FtpAccountCommand(
        3,
        {
          action: 'create',
          kind: 'vhost',
          login: 'cecile_www',
          path: 'www',
          vhostId: 'v-www',
          password: 'vhost-secret',
        },
        'test',
      ),
    );
    await app.context.get(LegacyHostingMirror).catchUp();
    expect(
      await silently(() =>
        ftpCreateCli(app.context, {
          hosting: 'cecile',
          kind: 'supplementary',
          login: 'cecile_photos',
          path: 'www/photos',
          password: 'photos-secret',
        }),
      ),
    ).toBe(0);
    const [rows] = await db.gloux!.query<import('mysql2').RowDataPacket[]>(
      `SELECT mot_de_passe, mot_de_passe_clair, repertoire, uid, gid FROM ftp WHERE login = 'cecile_photos'`,
    );
    const row = rows[0];
    expect(row).toMatchObject({
      mot_de_passe_clair: '',
      repertoire: '/home/c/cecile/www/photos',
      uid: 23400,
      gid: 23400,
    });
    expect(String(row!.mot_de_passe)).toMatch(/^\$5\$.{60}$/);
    expect(await app.count('g2_hosting_secrets')).toBe(0);
    const names = (user: string, password: string) =>
      ftpd.session(user, password, async (c) => (await c.list()).map((f) => f.name).sort());
    expect(await names('cecile', 'master-secret')).toEqual(['www']);
    expect(await names('cecile_www', 'vhost-secret')).toEqual(['index.html', 'photos']);
    expect(await names('cecile_photos', 'photos-secret')).toEqual([]);
    await ftpd.session('cecile_photos', 'photos-secret', async (c) => {
      await c.cd('..');
      expect(await c.pwd()).toBe('/');
      await c.uploadFrom(Readable.from(['jpeg']), 'a.jpg');
    });
    // The hosting page's section lists them with their kind and folder.
    const hosting = (await app.db.run((q) => hostingById(q, '3')))!;
    const ftp = (await app.context.get(HostingSections).read(hosting, staff)).find(
      (section) => section.key === 'ftp',
    )!.data as { accounts: { login: string; kindText: string; folder: string }[] };
    expect(ftp.accounts.map((a) => [a.login, a.kindText, a.folder])).toEqual([
      ['cecile', 'principal', '/'],
      ['cecile_photos', 'supplémentaire', '/www/photos'],
      ['cecile_www', 'espace web', '/www'],
    ]);
    // No password and no hash in the log.
    const log = await app.db.query<{ data: string }>(
      `SELECT data FROM g2_events WHERE stream_id = 'hosting-3'`,
    );
    expect(log.map((e) => e.data).join()).not.toMatch(/secret|\$5\$/);
  });

  it('after ftp:password the old password is refused and the new one works', async () => {
    expect(
      await silently(() =>
        ftpPasswordCli(app.context, { login: 'cecile_photos', password: 'photos-secret-2' }),
      ),
    ).toBe(0);
    expect(await ftpd.loginCode('cecile_photos', 'photos-secret')).toBe(530);
    expect(await ftpd.loginCode('cecile_photos', 'photos-secret-2')).toBe(230);
    expect(await ftpd.loginCode('cecile_photos', 'wrong-one')).toBe(530);
  });

  it('refuses a path with .., a login Gloux took a moment before, another cooperator’s hosting: nothing written', async () => {
    const before = await events();
    const claims = await app.count('g2_hosting_names');
    const refusal = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        if (error instanceof DomainError) return { code: error.code, field: error.field };
        throw error;
      }
      throw new Error('accepted');
    };
    const create = (login: string, path: string) => () =>
      ftpCreateCli(app.context, { hosting: 'cecile', login, path, password: 'some-secret' });
    expect(await refusal(create('cecile_up', 'www/../../etc'))).toEqual({
      code: 'invalid_input',
      field: 'chemin',
    });
    await db.gloux!.query(
      `INSERT INTO ftp (id_hebergement, login, mot_de_passe, repertoire, uid, gid)
       VALUES (1, 'cecile_taken', 'abXYZ', '/home/a/annelef', 23001, 23001)`,
    );
    expect(await refusal(create('cecile_taken', 'www'))).toEqual({
      code: 'name_taken',
      field: 'login',
    });
    const other = cooperator('lesamis', ['2']);
    await expect(
      app.context.get(HostingAccess).manageableByName(other, 'cecile'),
    ).rejects.toThrow();
    expect(await events()).toBe(before);
    expect(await app.count('g2_hosting_names')).toBe(claims);
    expect(await app.count('g2_hosting_secrets')).toBe(0);
  });
});
