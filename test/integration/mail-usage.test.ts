import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertLegacyMailbox } from '../../legacy-sync/legacy-mail-usage.js';
import { MailUsageCollector } from '../../src/hosting/mail/mail-usage.collector.js';
import { mailUsageCollectCli } from '../../src/hosting/mail/mail-usage.cli.js';
import { MAIL_USAGE_CONFIG, type MailUsageConfig } from '../../src/kernel/config.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { AppHarness } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';

jest.setTimeout(120_000);

const SCRIPT = join(projectRoot, 'scripts', 'hosting', 'mail-usage');
const GB = 1024 * 1024;

/**
 * What `du -sk` counts for a directory: every block below it (st_blocks, 512 octets each, a
 * hard-linked file once), rounded up to the ko. Computed from lstat, independently of du.
 */
function duKb(path: string): number {
  const seen = new Set<string>();
  let bytes = 0;
  const walk = (p: string) => {
    const st = lstatSync(p);
    const id = `${st.dev}:${st.ino}`;
    if (!seen.has(id)) {
      seen.add(id);
      bytes += st.blocks * 512;
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(path);
  return Math.ceil(bytes / 1024);
}

/** A maildir (cur, new, tmp) with messages of these sizes in octets, random content. */
function maildir(root: string, domain: string, local: string, sizes: number[]): string {
  const dir = join(root, domain, local);
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  sizes.forEach((size, i) => {
    const block = Buffer.alloc(size);
    for (let j = 0; j < size; j += 1) block[j] = (j * 31 + i) & 0xff;
    writeFileSync(join(dir, 'cur', `${1700000000 + i}.M${i}P1.mx:2,S`), block);
  });
  return `${dir}/`;
}

function fallocate(file: string, size: string): void {
  const r = spawnSync('fallocate', ['-l', size, file], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(
      `fallocate failed (${r.error?.message ?? r.stderr}): install util-linux (apt-get install util-linux) on a file system that allocates (ext4, xfs)`,
    );
}

/**
 * `mail-usage:collect` with the real reference script (scripts/hosting/mail-usage, du) on a
 * temporary mail root holding maildirs of known sizes, on SQLite and MariaDB: the day's rows of
 * g2_mail_usage, a rerun replacing them, a missing maildir counted 0 and said, a box over 2 GB
 * (bigint), a maildir through a symlink or outside the root refused and reported, an
 * operator's script answering nonsense not believed, and Gloux's mails.utilise_ko written only
 * when asked.
 */
describe.each(dialects)('mail-usage:collect on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let root: string;
  let config: MailUsageConfig;
  const ids: Record<string, number> = {};

  const collector = (over: Partial<MailUsageConfig> = {}) =>
    new MailUsageCollector(app.db, app.clock, { ...config, ...over });
  const rows = (day: string) =>
    app.db.query<{
      address: string;
      hosting_id: number | string;
      domain: string;
      used_kb: number | string;
      quota_mb: number | string;
    }>(
      `SELECT address, hosting_id, domain, used_kb, quota_mb FROM g2_mail_usage WHERE day = ? ORDER BY address`,
      [day],
    );
  const figures = async (day: string) =>
    Object.fromEntries((await rows(day)).map((r) => [r.address, Number(r.used_kb)]));

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gloux2-mail-'));
    chmodSync(root, 0o755);
    config = {
      hook: SCRIPT,
      mailRoot: root,
      doveadm: null,
      writeGloux: false,
      timeoutMs: 60_000,
    };
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database, {
      now: '2026-03-10T09:00:00Z',
      overrides: [[MAIL_USAGE_CONFIG, config]],
    });
    const anne = maildir(root, 'example.org', 'anne', [100_000, 20_000]);
    const contact = maildir(root, 'example.org', 'contact', [1_048_576]);
    const big = maildir(root, 'example.org', 'archives', []);
    fallocate(join(big, 'cur', '1700000000.big:2,S'), '3G');
    const amis = maildir(root, 'lesamis.example', 'bureau', [4096]);
    mkdirSync(join(root, 'outside'));
    symlinkSync(join(root, 'outside'), join(root, 'example.org', 'lien'));
    await app.db.run(async (q) => {
      await q.execute(`DELETE FROM mails`);
      const box = (hostingId: number, address: string, dir: string, quotaMb: number) =>
        insertLegacyMailbox(q, { hostingId, domainId: hostingId, address, maildir: dir, quotaMb });
      ids.anne = await box(1, 'anne@example.org', anne, 100);
      ids.contact = await box(1, 'contact@example.org', contact, 1);
      ids.archives = await box(1, 'archives@example.org', big, 5000);
      ids.bob = await box(1, 'bob@example.org', `${root}/example.org/bob/`, 50);
      ids.lien = await box(1, 'lien@example.org', `${root}/example.org/lien/`, 50);
      ids.ailleurs = await box(1, 'ailleurs@example.org', '/var/mail/example.org/ailleurs/', 50);
      ids.bureau = await box(2, 'bureau@lesamis.example', amis, 200);
    });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes one row per box measured: du of its maildir, its hosting, domain and quota; a missing maildir counts 0 and is said', async () => {
    const summary = await app.context.get(MailUsageCollector).collect();
    expect(summary).toMatchObject({
      on: '2026-03-10',
      boxes: 7,
      measured: 5,
      missing: ['bob@example.org'],
      wroteGloux: false,
    });
    expect(summary.problems).toEqual([
      {
        address: 'ailleurs@example.org',
        message: `maildir hors de la racine des boîtes (${root}) : /var/mail/example.org/ailleurs/`,
      },
      {
        address: 'lien@example.org',
        message: `refusé : ${root}/example.org/lien passe par un lien symbolique (${root}/outside)`,
      },
    ]);
    const written = await rows('2026-03-10');
    expect(
      written.map((r) => [r.address, Number(r.hosting_id), r.domain, Number(r.quota_mb)]),
    ).toEqual([
      ['anne@example.org', 1, 'example.org', 100],
      ['archives@example.org', 1, 'example.org', 5000],
      ['bob@example.org', 1, 'example.org', 50],
      ['bureau@lesamis.example', 2, 'lesamis.example', 200],
      ['contact@example.org', 1, 'example.org', 1],
    ]);
    const kb = await figures('2026-03-10');
    expect(kb).toEqual({
      'anne@example.org': duKb(join(root, 'example.org', 'anne')),
      'archives@example.org': duKb(join(root, 'example.org', 'archives')),
      'bob@example.org': 0,
      'bureau@lesamis.example': duKb(join(root, 'lesamis.example', 'bureau')),
      'contact@example.org': duKb(join(root, 'example.org', 'contact')),
    });
    // Known sizes: the messages, plus the directories' own blocks.
    expect(kb['anne@example.org']).toBeGreaterThanOrEqual(Math.ceil(120_000 / 1024));
    expect(kb['contact@example.org']).toBeGreaterThanOrEqual(1024);
    // Over 2 GB (and over 2^31 octets): kept exactly, as bigint ko.
    expect(kb['archives@example.org']).toBeGreaterThanOrEqual(3 * GB);
    expect(kb['archives@example.org']).toBeLessThan(3 * GB + 64);
    // Read only: nothing was created for the missing box.
    expect(() => lstatSync(join(root, 'example.org', 'bob'))).toThrow();
  });

  it('running again the same day replaces the day’s rows with the new figures, and drops a box Gloux no longer has', async () => {
    rmSync(join(root, 'example.org', 'contact', 'cur'), { recursive: true });
    await app.db.run((q) => q.execute(`DELETE FROM mails WHERE id_mail = ?`, [ids.bureau]));
    await collector().collect('2026-03-10');
    const kb = await figures('2026-03-10');
    expect(Object.keys(kb)).toEqual([
      'anne@example.org',
      'archives@example.org',
      'bob@example.org',
      'contact@example.org',
    ]);
    expect(kb['contact@example.org']).toBe(duKb(join(root, 'example.org', 'contact')));
    expect(kb['contact@example.org']).toBeLessThan(1024);
    // Another day is its own rows.
    app.clock.set(new Date('2026-03-11T06:00:00Z'));
    await collector().collect();
    expect(Object.keys(await figures('2026-03-11'))).toHaveLength(4);
    expect(Object.keys(await figures('2026-03-10'))).toHaveLength(4);
  });

  it('an operator’s script answering nonsense is not believed: the box is reported and keeps its earlier figure of the day', async () => {
    const before = await figures('2026-03-11');
    const liar = join(root, 'liar');
    writeFileSync(
      liar,
      [
        '#!/bin/sh',
        'echo \'{"address":"anne@example.org","kb":"12"}\'',
        'echo \'{"address":"archives@example.org","kb":-5}\'',
        'echo \'{"address":"bob@example.org","kb":7}\'',
        'echo "du: permission denied"',
        'exit 0',
      ].join('\n'),
    );
    chmodSync(liar, 0o755);
    const s = await collector({ hook: liar }).collect('2026-03-11');
    expect(s.measured).toBe(1);
    expect(s.problems.map((p) => [p.address, p.message])).toEqual([
      ['ailleurs@example.org', expect.stringContaining('hors de la racine') as unknown],
      ['anne@example.org', 'taille illisible : {"address":"anne@example.org","kb":"12"}'],
      ['archives@example.org', 'taille illisible : {"address":"archives@example.org","kb":-5}'],
      [null, 'ligne illisible : du: permission denied'],
      ['contact@example.org', 'aucune mesure rendue par le script'],
      ['lien@example.org', 'aucune mesure rendue par le script'],
    ]);
    expect(await figures('2026-03-11')).toEqual({ ...before, 'bob@example.org': 7 });
    // The CLI says so and exits 2.
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const code = await mailUsageCollectCli({ get: () => collector({ hook: liar }) } as never, {
        on: '2026-03-11',
      });
      expect(code).toBe(2);
      expect(log.mock.calls.map((c) => String(c[0]))).toContain(
        '  anne@example.org : taille illisible : {"address":"anne@example.org","kb":"12"}',
      );
    } finally {
      log.mockRestore();
    }
  });

  it('writes Gloux’s mails.utilise_ko only when MAIL_USAGE_WRITE_GLOUX is on', async () => {
    const utilise = async () =>
      Object.fromEntries(
        (
          await app.db.query<{ id_mail: number | string; utilise_ko: number | string }>(
            `SELECT id_mail, utilise_ko FROM mails ORDER BY id_mail`,
          )
        ).map((r) => [Number(r.id_mail), Number(r.utilise_ko)]),
      );
    expect(Object.values(await utilise()).every((v) => v === 0)).toBe(true);
    await collector({ writeGloux: true }).collect('2026-03-11');
    const kb = await figures('2026-03-11');
    const written = await utilise();
    expect(written[ids.anne!]).toBe(kb['anne@example.org']);
    expect(written[ids.archives!]).toBe(kb['archives@example.org']);
    expect(written[ids.lien!]).toBe(0);
  });

  it('refuses a day in the future, a bad day, and runs nowhere without a script', async () => {
    await expect(collector().collect('2026-03-12')).rejects.toThrow('futur');
    await expect(collector().collect('10/03/2026')).rejects.toThrow('AAAA-MM-JJ');
    await expect(collector({ hook: null }).collect()).rejects.toThrow(
      'HOSTING_HOOK_MAIL_USAGE n’est pas configuré',
    );
  });
});
