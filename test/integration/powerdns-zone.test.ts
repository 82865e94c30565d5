import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { exportZone, type RrRow, type SoaRow } from '../../domain/hosting/dns-export.js';
import { parseDnsRecord } from '../../domain/hosting/dns-records.js';
import { nextSerial } from '../../domain/hosting/zone-serial.js';
import { bumpZoneSerial } from '../../legacy-sync/legacy-zones.js';
import { Db } from '../../src/kernel/database/db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { namedCheckzone } from '../support/named-checkzone.js';
import { startPowerDns, type RunningPowerDns } from '../support/powerdns.js';

jest.setTimeout(180_000);

/**
 * Gloux's MyDNS tables served by a real PowerDNS through the views the project renders
 * (HOSTING.md b.4): what gloux2 writes to `rr` and `soa` is answered at once, the serial rule
 * holds beside a concurrent bump by Gloux, and the zone read back passes named-checkzone.
 */
let db: TestDatabase;
let gloux2: Db;
let pdns: RunningPowerDns;
const today = '2026-12-07';

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase('mysql');
  const name = new URL(db.settings.url!).pathname.slice(1);
  pdns = await startPowerDns(name, 'example.org');
  gloux2 = await Db.open(db.settings);
});

afterAll(async () => {
  await gloux2?.close();
  await pdns?.stop();
  await db?.drop();
});

describe('PowerDNS over the views of Gloux’s soa and rr', () => {
  it('answers Gloux’s sample zone as MyDNS did, and not the inactive one', async () => {
    expect(await pdns.resolver.resolveMx('example.org')).toEqual([
      { exchange: 'mx.ouvaton.coop', priority: 10 },
    ]);
    expect(await pdns.resolver.resolveTxt('example.org')).toEqual([['v=spf1 a mx ~all']]);
    expect(await pdns.resolver.resolve4('ftp.example.org')).toEqual(['192.0.2.10']);
    expect((await pdns.resolver.resolveSoa('example.org')).serial).toBe(2008112001);
    await expect(pdns.resolver.resolveSoa('lesamis.example')).rejects.toMatchObject({
      code: 'EREFUSED',
    });
  });

  it('serves a record written as the domain parses it, under a serial that only grows', async () => {
    const record = parseDnsRecord(
      { name: 'blog', type: 'MX', value: 'mx.ouvaton.coop', priority: '20' },
      'example.org.',
    );
    await gloux2.transaction(async (tx) => {
      await tx.execute(
        'INSERT INTO rr (zone, name, type, data, aux, ttl) VALUES (1, ?, ?, ?, ?, ?)',
        [record.name, record.type, record.data, record.aux, record.ttl],
      );
      expect(await bumpZoneSerial(tx, 1, today)).toBe(nextSerial(2008112001, today));
    });
    expect(await pdns.resolver.resolveMx('blog.example.org')).toEqual([
      { exchange: 'mx.ouvaton.coop', priority: 20 },
    ]);
    expect((await pdns.resolver.resolveSoa('example.org')).serial).toBe(2026120700);
    // Gloux bumps the serial itself meanwhile, then gloux2 bumps again: one up from Gloux's.
    await db.gloux!.query('UPDATE soa SET serial = 2026120750 WHERE id = 1');
    expect(await gloux2.run((q) => bumpZoneSerial(q, 1, today))).toBe(2026120751);
    const soa = await until(
      () => pdns.resolver.resolveSoa('example.org'),
      (s) => s.serial === 2026120751,
    );
    expect(soa.serial).toBe(2026120751);
  });

  it('reads the zone back from the tables into a file named-checkzone passes', async () => {
    const [soa] = await gloux2.run((q) =>
      q.query<SoaRow & Record<string, unknown>>(
        'SELECT origin, ns, mbox, serial, refresh, retry, expire, minimum, ttl FROM soa WHERE id = 1',
      ),
    );
    const rows = await gloux2.run((q) =>
      q.query<RrRow & Record<string, unknown>>(
        "SELECT name, type, CONVERT(data USING latin1) AS data, aux, ttl, active FROM rr WHERE zone = 1 AND active <> 'D'",
      ),
    );
    const zone = exportZone(
      { ...soa!, serial: Number(soa!.serial) },
      rows.map((r) => ({ ...r, aux: Number(r.aux), ttl: Number(r.ttl) })),
    );
    expect(zone).toContain('blog.example.org. 3600 IN MX 20 mx.ouvaton.coop.');
    const check = namedCheckzone('example.org.', zone);
    expect(check.output).toContain('loaded serial 2026120751');
    expect(check.ok).toBe(true);
  });
});
