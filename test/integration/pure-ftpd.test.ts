import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import mysql from 'mysql2/promise';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256Crypt } from '../../src/hosting/crypt.js';
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
