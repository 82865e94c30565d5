import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, FTPError } from 'basic-ftp';
import mysql from 'mysql2/promise';
import { daemonConfigCli } from '../../src/hosting/daemons/daemon-config.cli.js';
import { daemonUsers } from '../../src/hosting/daemons/daemon-config.js';
import { PURE_FTPD_BINARY } from '../../src/hosting/daemons/pure-ftpd-config.js';
import { migrateDatabase, MYSQL_ROOT_URL } from './databases.js';
import { freePort } from './powerdns.js';

export interface RunningPureFtpd {
  readonly port: number;
  /** The rendered files (`hosting:daemon-config --out`). */
  readonly out: string;
  /** `--root-prefix`: Gloux's `/home/a/annelef` is served from `<rootPrefix>/home/a/annelef`. */
  readonly rootPrefix: string;
  /** The rendered `--dns-port` and `--pdns-database` (dropped by stop). */
  readonly dnsPort: number;
  readonly pdnsDatabase: string;
  /** Logs in, runs `use`, closes; resolves with what `use` returned. */
  session<T>(user: string, password: string, use: (client: Client) => Promise<T>): Promise<T>;
  /** The FTP reply code a login gets (230 in, 530 refused). */
  loginCode(user: string, password: string): Promise<number>;
  stop(): Promise<void>;
}

/** Resolves once something answers on the port with pure-ftpd's 220 greeting. */
async function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('220'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Renders the daemons' files with gloux2's own `hosting:daemon-config` for the test database,
 * applies sql/grants.sql, and starts pure-ftpd-mysql from pure-ftpd/run.sh on a loopback port
 * (stopped by pid; its MySQL users dropped). pure-ftpd needs root: it chroots each account and
 * switches to the row's uid, which only root can do.
 */
export async function startPureFtpd(
  databaseUrl: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RunningPureFtpd> {
  if (!existsSync(PURE_FTPD_BINARY))
    throw new Error(
      'pure-ftpd-mysql is missing: install it (apt-get install pure-ftpd-mysql, or run bash .ci/ensure-system.sh as root).',
    );
  if (process.getuid?.() !== 0)
    throw new Error(
      'pure-ftpd-mysql must run as root (it chroots each account and switches to its uid): run this test as root.',
    );
  const out = mkdtempSync(join(tmpdir(), 'gloux2-daemons-'));
  const rootPrefix = mkdtempSync(join(tmpdir(), 'gloux2-homes-'));
  // The accounts' uids (not the test's) walk down to their folders.
  chmodSync(rootPrefix, 0o755);
  const port = await freePort();
  const database = new URL(databaseUrl).pathname.slice(1);
  const dnsPort = await freePort();
  const pdnsDatabase = `${database}_pdns`;
  const code = daemonConfigCli(
    {
      out,
      listen: '127.0.0.1',
      'ftp-port': String(port),
      'dns-port': String(dnsPort),
      'pdns-database': pdnsDatabase,
      'root-prefix': rootPrefix,
    },
    { DATABASE_URL: databaseUrl, ...env },
  );
  if (code !== 0) throw new Error(`hosting:daemon-config exited ${code}`);
  // grants.sql also grants the mail daemons' users on gloux2's g2_mailbox_deletions: the g2
  // tables must exist first, as in production (applied after gloux2's first start).
  await migrateDatabase({ dialect: 'mysql', url: databaseUrl });
  const root = await mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
  await root.query(readFileSync(join(out, 'sql/grants.sql'), 'utf8'));
  const child: ChildProcess = spawn('sh', [join(out, 'pure-ftpd/run.sh')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // run.sh execs the daemon: this pid is pure-ftpd's own.
      child.kill('SIGTERM');
      await exited;
    }
    // grants.sql creates every daemon's user (mail ones too): drop them all.
    for (const user of Object.values(daemonUsers(database)))
      for (const host of ['127.0.0.1', 'localhost'])
        await root.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
    await root.query(`DROP DATABASE IF EXISTS \`${pdnsDatabase}\``);
    await root.end();
    rmSync(out, { recursive: true, force: true });
    rmSync(rootPrefix, { recursive: true, force: true });
  };
  const giveUp = Date.now() + 60_000;
  while (!(await greets(port))) {
    if (child.exitCode !== null || Date.now() > giveUp) {
      await stop();
      throw new Error(
        `pure-ftpd-mysql did not greet on port ${port} (exit ${child.exitCode}):\n${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const session = async <T>(user: string, password: string, use: (c: Client) => Promise<T>) => {
    const client = new Client(10_000);
    try {
      await client.access({ host: '127.0.0.1', port, user, password, secure: false });
      return await use(client);
    } finally {
      client.close();
    }
  };
  const loginCode = async (user: string, password: string) => {
    try {
      return await session(user, password, async () => 230);
    } catch (error) {
      if (error instanceof FTPError) return error.code;
      throw error;
    }
  };
  return { port, out, rootPrefix, dnsPort, pdnsDatabase, session, loginCode, stop };
}
