import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { nextSerial } from '../../domain/hosting/zone-serial.js';
import { parisDayOf } from '../../domain/shared/day.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { namedCheckzone } from '../support/named-checkzone.js';
import { startPowerDns, type RunningPowerDns } from '../support/powerdns.js';
import { runCliOnDatabase } from './cli-process.js';

jest.setTimeout(300_000);

/**
 * Issue 18, proven on a real DNS server through gloux2's own commands: the built CLI's
 * `dns:add`/`dns:remove` on MariaDB holding Gloux's sample, and PowerDNS serving Gloux's
 * soa/rr through the views the project renders answers the new record under the new serial;
 * refusals exit 1 with the French message naming the option and write nothing; `dns:export`
 * passes named-checkzone.
 */
let database: TestDatabase;
let pdns: RunningPowerDns;

const cli = (...args: string[]) => runCliOnDatabase(args, database.settings.url!);

const zone = ['--domain', 'example.org'];
const BLOG_A = ['--name', 'blog', '--type', 'A', '--data', '192.0.2.30'];

async function gloux<T>(sql: string): Promise<T[]> {
  const [rows] = await database.gloux!.query(sql);
  return rows as T[];
}
const serial = async () =>
  Number((await gloux<{ serial: number }>('SELECT serial FROM soa WHERE id = 1'))[0]!.serial);
const rr = () =>
  gloux<Record<string, unknown>>(
    'SELECT id, name, type, HEX(data) AS data, aux, ttl FROM rr WHERE zone = 1 ORDER BY id',
  );

/** What the server answers, once it answers it (PowerDNS reads the views live: no wait). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const giveUp = Date.now() + 30_000;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > giveUp) return read();
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  database = await createTestDatabase('mysql');
  const name = new URL(database.settings.url!).pathname.slice(1);
  pdns = await startPowerDns(name, 'example.org');
});

afterAll(async () => {
  await pdns?.stop();
  await database?.drop();
});

describe('DNS records through the CLI, served by PowerDNS', () => {
  it('dns:add: the record is answered with the new serial', async () => {
    const before = await serial();
    const add = cli('dns:add', ...zone, ...BLOG_A);
    // stderr is printed when it fails (the app's warnings go there too).
    expect({ code: add.code, stderr: add.stderr }).toMatchObject({ code: 0 });
    const bumped = nextSerial(before, parisDayOf(new Date()));
    expect(add.stdout).toContain(`numéro de série ${bumped}`);
    expect(add.stdout).toContain('appliqué sous une minute');
    expect(await pdns.resolver.resolve4('blog.example.org')).toEqual(['192.0.2.30']);
    expect((await pdns.resolver.resolveSoa('example.org')).serial).toBe(bumped);
  });

  it('refuses with exit 1, the French message naming the option, and writes nothing', async () => {
    const [rows, soa] = [await rr(), await serial()];
    const refusals: [string[], string][] = [
      [
        ['--name', '@', '--type', 'TXT', '--data', 'k'.repeat(200)],
        '--data : Le texte fait 200 octets',
      ],
      [
        ['--name', '@', '--type', 'CAA', '--data', '0 issue "x"'],
        '--type : Type d’enregistrement non géré',
      ],
      [
        ['--name', 'www', '--type', 'TXT', '--data', 'hello'],
        '--name : www.example.org. est un alias',
      ],
      [['--name', 'x', '--type', 'MX', '--data', '192.0.2.1', '--aux', '5'], '--data : La cible'],
      // Ouvaton hosts example.org's mail (gere_mx 'O'): its MX are not edited by hand.
      [
        ['--name', '@', '--type', 'MX', '--data', 'mx2.example.net', '--aux', '20'],
        '--type : La messagerie de example.org est hébergée par Ouvaton',
      ],
      [
        ['--name', 'x', '--type', 'A', '--data', '192.0.2.1', '--ttl', '5'],
        '--ttl : La durée de vie',
      ],
    ];
    for (const [args, message] of refusals) {
      const run = cli('dns:add', ...zone, ...args);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toContain(message);
    }
    const unknown = cli(
      'dns:add',
      '--domain',
      'nowhere.example',
      '--name',
      'x',
      '--type',
      'A',
      '--data',
      '192.0.2.1',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--domain : Le domaine nowhere.example');
    expect(await rr()).toEqual(rows);
    expect(await serial()).toBe(soa);
  });

  it('an MX typed without its dot is served absolute, once the mail is elsewhere', async () => {
    await gloux(`UPDATE domaines SET gere_mx = 'N' WHERE domaine = 'example.org'`);
    const add = cli(
      'dns:add',
      ...zone,
      '--name',
      '@',
      '--type',
      'MX',
      '--data',
      'mx2.example.net',
      '--aux',
      '20',
    );
    expect(add.code).toBe(0);
    const mx = await until(
      () => pdns.resolver.resolveMx('example.org'),
      (m) => m.length === 2,
    );
    expect(mx).toContainEqual({ exchange: 'mx2.example.net', priority: 20 });
  });

  it('dns:remove: the record is no longer answered, under a higher serial', async () => {
    const before = await serial();
    const removed = cli('dns:remove', ...zone, ...BLOG_A);
    expect(removed.code).toBe(0);
    expect(await serial()).toBeGreaterThan(before);
    await expect(pdns.resolver.resolve4('blog.example.org')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    expect((await pdns.resolver.resolveSoa('example.org')).serial).toBe(await serial());
    const again = cli('dns:remove', ...zone, ...BLOG_A);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--data : Aucun enregistrement A');
  });

  it('dns:export writes the zone as served, which named-checkzone passes', async () => {
    const exported = cli('dns:export', ...zone);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`( ${await serial()} `);
    expect(exported.stdout).toContain('example.org. 3600 IN MX 20 mx2.example.net.');
    expect(exported.stdout).not.toContain('blog.example.org.');
    const check = namedCheckzone('example.org.', exported.stdout);
    expect(check.output).toContain(`loaded serial ${await serial()}`);
    expect(check.ok).toBe(true);
  });
});
