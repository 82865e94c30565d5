import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { projectRoot } from '../../src/paths.js';
import { snapshotReadModels } from '../support/read-models.js';

jest.setTimeout(120_000);

/** The CLI as the README runs it (after the build): `node dist/src/cli.js …`. */
function cli(args: string[], env: NodeJS.ProcessEnv) {
  const base = { ...process.env };
  delete base.DATABASE_URL; // the embedded SQLite file of this test, whatever the caller's environment
  const result = spawnSync(process.execPath, [join(projectRoot, 'dist/src/cli.js'), ...args], {
    cwd: projectRoot,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command line', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const snapshot = async () => {
    const db = new Database(join(dir, 'cli.sqlite'), { readonly: true });
    try {
      return await snapshotReadModels((t) => db.prepare(`SELECT * FROM ${t}`).all());
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-cli-'));
    env = { SQLITE_PATH: join(dir, 'cli.sqlite') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its usage', () => {
    const { code, stdout } = cli(['help'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('projections:rebuild');
    expect(stdout).toContain('legacy-sync:run');
  });

  it('mirrors the log into Gloux’s tables and rebuilds read models identical to the live ones', async () => {
    // The first run creates the embedded database and its demo data through the commands.
    const sync = cli(['legacy-sync:run'], env);
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/Mirrored \d+ events into Gloux's tables\./);
    const live = await snapshot();
    expect(live.g2_rm_payment_years!.length).toBeGreaterThan(0);

    const rebuilt = cli(['projections:rebuild'], env);
    expect(rebuilt.code).toBe(0);
    // Every projection is named; other issues add theirs to the list.
    expect(rebuilt.stdout).toMatch(
      /Rebuilt invoice-balances, payment-allocation, (.+, )?documents(, .+)? from \d+ events/,
    );
    expect(await snapshot()).toEqual(live);

    const one = cli(['projections:rebuild', 'payment-allocation'], env);
    expect(one.code).toBe(0);
    expect(await snapshot()).toEqual(live);
  });

  it('names an unknown projection and an unknown command, exiting non-zero', () => {
    const bad = cli(['projections:rebuild', 'nope'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown projection(s): nope');
    const unknown = cli(['frobnicate'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command: frobnicate');
  });
});
