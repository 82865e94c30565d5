import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './app-process.js';
import { runCli } from './cli-process.js';

jest.setTimeout(600_000);

/**
 * A kill -9 of the app between a command and its job (docs/hosting-jobs.md): the built CLI
 * seeds the demo (its last commands open two accounts and suspend one, each queueing an account
 * hook job) and is killed with SIGKILL as soon as the suspension is committed, before the job
 * ran. After a restart the job runs exactly once, and a third run runs nothing again.
 */
const CLI = join(projectRoot, 'dist/src/cli.js');
const TRIALS = 5;

describe('a kill -9 between the command and the job', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-jobs-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One trial on a fresh database; true when the kill landed before the job ran. */
  async function trial(n: number): Promise<boolean> {
    const file = join(dir, `crash-${n}.sqlite`);
    const log = join(dir, `hook-${n}.log`);
    const hook = join(dir, `hook-${n}.sh`);
    writeFileSync(hook, `#!/bin/sh\necho "$1 $2 $3" >> '${log}'\n`);
    chmodSync(hook, 0o755);
    const hooks = Object.fromEntries(
      ['OPEN', 'SUSPEND', 'REACTIVATE', 'CLOSE'].map((a) => [`PROVISIONING_HOOK_${a}`, hook]),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, ...hooks, SQLITE_PATH: file };
    delete env.DATABASE_URL;
    delete env.DEMO_DATA;
    const lines = () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : [];

    const child = spawn(process.execPath, [CLI, 'lifecycle:run'], { cwd: projectRoot, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let done = false;
    void exited.then(() => (done = true));
    // Wait for the suspension's commit, reading the file as another process would.
    const committed = (): boolean => {
      if (!existsSync(file)) return false;
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (
          db.prepare(`SELECT 1 FROM g2_events WHERE type = 'AccountSuspended' LIMIT 1`).get() !==
          undefined
        );
      } catch {
        return false; // not migrated yet
      } finally {
        db.close();
      }
    };
    while (!done && !committed()) await new Promise((r) => setTimeout(r, 1));
    expect(done).toBe(false);
    child.kill('SIGKILL');
    await exited;
    const before = lines();

    // Restart: the followers catch up from their checkpoints, the queue runs what is due.
    const restart = runCli(['lifecycle:run'], file, hooks);
    expect({ code: restart.code, stderr: restart.stderr }).toMatchObject({ code: 0 });
    const after = lines();
    expect(after.filter((l) => l.startsWith('suspend ')).length).toBe(1);
    expect(after.filter((l) => l.startsWith('open ')).length).toBe(1);
    expect(new Set(after).size).toBe(after.length);

    // Once more: nothing runs twice.
    expect(runCli(['lifecycle:run'], file, hooks).code).toBe(0);
    expect(lines()).toEqual(after);
    const db = new Database(file, { readonly: true });
    try {
      const jobs = db.prepare(`SELECT kind, status, attempts FROM g2_jobs ORDER BY id`).all() as {
        kind: string;
        status: string;
        attempts: number;
      }[];
      expect(jobs).toEqual([
        { kind: 'account.open', status: 'done', attempts: 1 },
        { kind: 'account.suspend', status: 'done', attempts: 1 },
      ]);
    } finally {
      db.close();
    }
    if (output.includes('Error')) throw new Error(`trial ${n}: ${output}`);
    return !before.some((l) => l.startsWith('suspend '));
  }

  it('runs the job exactly once after the restart', async () => {
    let beforeTheJob = 0;
    for (let n = 0; n < TRIALS && beforeTheJob === 0; n++) if (await trial(n)) beforeTheJob += 1;
    // At least one kill landed between the suspension's commit and its job.
    expect(beforeTheJob).toBe(1);
  });
});
