import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the folder holding package.json above this file. */
export const projectRoot = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
})();

const MAIN = join(projectRoot, 'dist', 'src', 'main.js');
const READY_LINE = 'gloux2 listening';
// Under a loaded machine (8 parallel runs) the start took 35 s: the beforeAll hooks allow 60 s.
const START_TIMEOUT_MS = 55_000;
const STOP_TIMEOUT_MS = 10_000;
/** Keep only the tail of the child's output (enough to explain a failure). */
const OUTPUT_LIMIT = 64 * 1024;

/** A port nobody listens on right now: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

export interface RunningApp {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly baseUrl: string;
  readonly port: number;
  /** The temp dir holding the SQLite file (removed by stop()). */
  readonly dir: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 10 s), remove the temp dir. */
  stop(): Promise<void>;
}

class OutputTail {
  private text = '';
  append(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > OUTPUT_LIMIT) this.text = this.text.slice(-OUTPUT_LIMIT);
  }
  toString(): string {
    return this.text;
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_TIMEOUT_MS);
}

/**
 * Starts the built app (`node dist/src/main.js`) on a free port and a fresh SQLite file, so it
 * seeds the demo data. Resolves once it prints "gloux2 listening"; rejects with its stderr if
 * it exits first or does not get there within 30 s.
 */
export async function startApp(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: run \`npm run build\` before the e2e tests.`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DEMO_DATA;
  // The demo's worked example assumes calendar fiscal years (the default).
  delete env.FISCAL_YEAR_START;
  Object.assign(env, extraEnv, { PORT: String(port), SQLITE_PATH: join(dir, 'gloux2.sqlite') });

  const child = spawn(process.execPath, [MAIN], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new OutputTail();
  const stderr = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => stdout.append(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.append(chunk));

  const stop = async () => {
    try {
      await terminate(child);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `gloux2 did not print "${READY_LINE}" within ${START_TIMEOUT_MS / 1000} s.\n` +
              `stdout:\n${stdout.toString()}\nstderr:\n${stderr.toString()}`,
          ),
        );
      }, START_TIMEOUT_MS);
      const onData = () => {
        if (stdout.toString().includes(READY_LINE)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        cleanup();
        reject(
          new Error(
            `gloux2 exited before listening (code ${String(code)}, signal ${String(signal)}).\n` +
              `stderr:\n${stderr.toString()}\nstdout:\n${stdout.toString()}`,
          ),
        );
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new Error(`could not start gloux2: ${error.message}`));
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    dir,
    stdout: () => stdout.toString(),
    stderr: () => stderr.toString(),
    stop,
  };
}

/** Exact money strings ('-12.34') as integer cents, so tests can add amounts without floats. */
export function cents(amount: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!match) throw new Error(`not a two-decimal amount: ${JSON.stringify(amount)}`);
  const [, sign = '', units = '0', hundredths = '00'] = match;
  const value = BigInt(units) * 100n + BigInt(hundredths);
  return sign === '-' ? -value : value;
}

/** Integer cents back to a two-decimal string ('-0.05'). */
export function amountOf(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const units = abs / 100n;
  const hundredths = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${units.toString()}.${hundredths}`;
}
