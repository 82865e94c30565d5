import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import mysql from 'mysql2/promise';
import { powerDnsConf, powerDnsViewsSql } from '../../src/hosting/daemons/powerdns-config.js';
import { MYSQL_ROOT_URL } from './databases.js';

const PDNS = '/usr/sbin/pdns_server';
const PDNS_SCHEMA = '/usr/share/pdns-backend-mysql/schema/schema.mysql.sql';

export interface RunningPowerDns {
  readonly resolver: Resolver;
  readonly port: number;
  stop(): Promise<void>;
}

/** A loopback port free for both UDP and TCP at the time of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts PowerDNS (Debian's pdns-server + pdns-backend-mysql, installed by
 * .ci/ensure-system.sh) on a loopback port, serving `glouxDatabase`'s soa/rr through the views
 * and pdns.conf the project renders; resolves once it answers the SOA of `probeZone`. Stopped by
 * pid, its views database dropped.
 */
export async function startPowerDns(
  glouxDatabase: string,
  probeZone: string,
): Promise<RunningPowerDns> {
  if (!existsSync(PDNS) || !existsSync(PDNS_SCHEMA))
    throw new Error(
      'PowerDNS is missing: install pdns-server and pdns-backend-mysql (apt-get install pdns-server pdns-backend-mysql, or run bash .ci/ensure-system.sh as root).',
    );
  const viewsDatabase = `pdns_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const root = await mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
  await root.query(`CREATE DATABASE \`${viewsDatabase}\``);
  await root.query(`USE \`${viewsDatabase}\``);
  await root.query(readFileSync(PDNS_SCHEMA, 'utf8'));
  await root.query(powerDnsViewsSql(glouxDatabase));
  const url = new URL(MYSQL_ROOT_URL);
  const dir = mkdtempSync(join(tmpdir(), 'gloux2-pdns-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'pdns.conf'),
    powerDnsConf({
      glouxDatabase,
      viewsDatabase,
      mysqlHost: url.hostname,
      mysqlPort: Number(url.port || 3306),
      mysqlUser: decodeURIComponent(url.username) || 'root',
      mysqlPassword: decodeURIComponent(url.password),
      listenAddress: '127.0.0.1',
      listenPort: port,
      socketDir: dir,
    }),
  );
  const child: ChildProcess = spawn(PDNS, [`--config-dir=${dir}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await root.query(`DROP DATABASE IF EXISTS \`${viewsDatabase}\``);
    await root.end();
  };
  // Ready when it answers: no fixed wait; it fails fast if the daemon died, and names what
  // it said if it never answers (a generous bound for a loaded machine).
  const giveUp = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > giveUp) {
      await stop();
      throw new Error(
        `pdns_server did not answer for ${probeZone} (exit ${child.exitCode}):\n${log}`,
      );
    }
    try {
      await resolver.resolveSoa(probeZone);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { resolver, port, stop };
}
