/**
 * `npm run bench:panel -- [--db sqlite|mysql|both] [--members 5000] [--years 20]
 * [--connections 10] [--seconds 8] [--only <page name part>]`: the built app (`node dist/src/main.js`, as in production)
 * over the saved generated cooperative, each panel page under concurrent load with autocannon.
 * Prints p50/p99 latency, requests/s and non-2xx answers per page, and the server's peak
 * resident memory (VmHWM). Asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { projectRoot } from '../../src/kernel/paths.js';
import type { DatabaseSettings, Dialect } from '../../src/kernel/database/settings.js';
import {
  bootContext,
  dialectsFromFlags,
  flag,
  intFlag,
  n,
  requireManifest,
  savedDatabase,
  shapeFromFlags,
  shapeName,
  type CoopShape,
} from './bench-kit.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(
  settings: DatabaseSettings,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DEMO_DATA: '0',
    LEGACY_SYNC_INTERVAL_MS: '3600000',
    // Pages only: no Gloux ingestion pass, no lifecycle job, no fake bank beside the server.
    LEGACY_INGEST: '0',
    LIFECYCLE_SCHEDULER: '0',
    FAKE_BANK: '0',
  };
  delete env.DATABASE_URL;
  if (settings.dialect === 'mysql') env.DATABASE_URL = settings.url;
  else env.SQLITE_PATH = settings.sqlitePath;
  const child = spawn(process.execPath, [join(projectRoot, 'dist', 'src', 'main.js')], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('gloux2 listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Resident memory of a process now and its peak so far, in MiB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) };
}

const LOGIN = 'bench-tresorier';
const PASSWORD = 'bench-password';

/**
 * A staff login in Gloux's utilisateurs (admin + treasurer, as Gloux's `admin,compta`), created
 * once in the generated cooperative the way Gloux stores it (MD5), so the pages can be signed in.
 */
async function ensureUser(settings: DatabaseSettings): Promise<void> {
  const md5 = createHash('md5').update(PASSWORD).digest('hex');
  const sql = `INSERT INTO utilisateurs (login, mot_de_passe, id_tiers, id_client, roles, actif, email, cree_le)
    SELECT ?, ?, 0, 0, 'admin,compta', 'Y', '', 0 FROM compteurs WHERE NOT EXISTS (SELECT 1 FROM utilisateurs WHERE login = ?) LIMIT 1`;
  if (settings.dialect === 'sqlite') {
    const db = new Database(settings.sqlitePath!);
    db.prepare(sql).run(LOGIN, md5, LOGIN);
    db.close();
  } else {
    const conn = await mysql.createConnection({ uri: settings.url });
    await conn.query(sql, [LOGIN, md5, LOGIN]);
    await conn.end();
  }
}

/** Signs in over the API and returns the session cookie to send with every request. */
async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/connexion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: LOGIN, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in refused: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('sign-in gave no session cookie');
  return cookie;
}

interface Sample {
  members: string[];
  invoices: string[];
  year: string;
}

/** Members with the longest histories, a spread of invoices, the last full fiscal year. */
async function sample(settings: DatabaseSettings, until: string): Promise<Sample> {
  const membersSql = `SELECT customer_id AS id FROM g2_rm_invoices WHERE kind = 'invoice' GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT 50`;
  const invoicesSql = `SELECT invoice_id AS id FROM g2_rm_invoices WHERE kind = 'invoice' ORDER BY number DESC LIMIT 50`;
  let rows: { id: string }[][];
  if (settings.dialect === 'sqlite') {
    const db = new Database(settings.sqlitePath!, { readonly: true });
    rows = [membersSql, invoicesSql].map((sql) => db.prepare(sql).all() as { id: string }[]);
    db.close();
  } else {
    const conn = await mysql.createConnection({ uri: settings.url });
    rows = [];
    for (const sql of [membersSql, invoicesSql])
      rows.push((await conn.query(sql))[0] as { id: string }[]);
    await conn.end();
  }
  return {
    members: rows[0]!.map((r) => String(r.id)),
    invoices: rows[1]!.map((r) => String(r.id)),
    year: String(Number(until.slice(0, 4)) - 1),
  };
}

function pages(s: Sample): { name: string; paths: string[] }[] {
  return [
    { name: 'home (members, balances)', paths: ['/'] },
    { name: 'member page', paths: s.members.map((id) => `/adherents/${id}`) },
    { name: 'member JSON', paths: s.members.map((id) => `/api/adherents/${id}`) },
    { name: 'invoice page', paths: s.invoices.map((id) => `/factures/${id}`) },
    { name: `allocation ${s.year}`, paths: [`/tresorerie/repartition?exercice=${s.year}`] },
    { name: 'share capital', paths: ['/admin/parts'] },
    { name: 'billing preview', paths: ['/admin/facturation'] },
  ];
}

async function load(
  url: string,
  cookie: string,
  paths: string[],
  connections: number,
  seconds: number,
) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers: { cookie },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
}

async function bench(dialect: Dialect, shape: CoopShape): Promise<void> {
  const manifest = requireManifest(dialect, shape);
  const settings = savedDatabase(dialect, shape);
  const connections = intFlag('connections', 10);
  const seconds = intFlag('seconds', 8);
  const s = await sample(settings, shape.until);
  await ensureUser(settings);
  // Migrations and the after-commit workers' first pass over the log, before any page is timed.
  await (await bootContext(settings)).close();
  const { url, child } = await startServer(settings);
  try {
    const cookie = await signIn(url);
    console.log(
      `${dialect}: ${shapeName(shape)} (${n(manifest.counts.invoices ?? 0)} invoices, ${n(manifest.events)} events), ` +
        `${connections} connections × ${seconds} s per page; server RSS at start ${memoryOf(child.pid!).rss} MiB`,
    );
    const only = flag('only');
    for (const page of pages(s).filter((p) => !only || p.name.includes(only))) {
      await load(url, cookie, page.paths, 1, 1); // warm-up
      const r = await load(url, cookie, page.paths, connections, seconds);
      const mem = memoryOf(child.pid!);
      console.log(
        `  ${page.name.padEnd(26)} p50 ${String(r.latency.p50).padStart(5)} ms  p99 ${String(r.latency.p99).padStart(6)} ms  ` +
          `${String(Math.round(r.requests.average)).padStart(5)} req/s  non-2xx ${r.non2xx}  errors ${r.errors}  ` +
          `server RSS ${mem.rss} MiB (peak ${mem.peak} MiB)`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const shape = shapeFromFlags();
for (const dialect of dialectsFromFlags()) await bench(dialect, shape);
