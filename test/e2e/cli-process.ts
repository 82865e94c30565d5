import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './app-process.js';

function spawnCli(args: string[], env: NodeJS.ProcessEnv, timeout: number) {
  const result = spawnSync(process.execPath, [join(projectRoot, 'dist/src/cli.js'), ...args], {
    cwd: projectRoot,
    env,
    encoding: 'utf8',
    timeout,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The built CLI as the README runs it (`node dist/src/cli.js …`) on the embedded SQLite file
 * `sqlitePath`, whatever the caller's environment says (no DATABASE_URL, demo data on).
 */
export function runCli(args: string[], sqlitePath: string, extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, SQLITE_PATH: sqlitePath };
  delete env.DATABASE_URL;
  delete env.DEMO_DATA;
  return spawnCli(args, env, 60_000);
}

/** The built CLI on a MariaDB database (`DATABASE_URL`), without demo data. */
export function runCliOnDatabase(args: string[], databaseUrl: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.DEMO_DATA;
  return spawnCli(args, env, 120_000);
}
