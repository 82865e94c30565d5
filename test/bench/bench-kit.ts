/**
 * What every `npm run bench:*` script shares: command-line flags, the saved generated
 * cooperative (SQLite file or MariaDB database), the app booted over a database with a clock
 * the caller moves, and a peak-memory sampler. Benches print figures and never assert times.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import mysql from 'mysql2/promise';
import { AppModule } from '../../src/app.module.js';
import { Clock, FixedClock } from '../../src/kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../../src/kernel/config.js';
import { Db } from '../../src/kernel/database/db.js';
import { AfterCommit } from '../../src/lifecycle/after-commit.js';
import { projectRoot } from '../../src/kernel/paths.js';
import type { DatabaseSettings, Dialect } from '../../src/kernel/database/settings.js';
import { loadGlouxSql, MYSQL_ROOT_URL } from '../support/databases.js';

/** `--name value` or `--name=value` from argv; `--flag` alone gives 'true'. */
export function flag(name: string, fallback?: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith('--') ? 'true' : next;
    }
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return fallback;
}

export function intFlag(name: string, fallback: number): number {
  const raw = flag(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/** The dialects to run: `--db sqlite`, `--db mysql`, or both (default). */
export function dialectsFromFlags(): Dialect[] {
  const db = flag('db');
  if (db === undefined || db === 'both') return ['sqlite', 'mysql'];
  if (db !== 'sqlite' && db !== 'mysql') throw new Error('--db sqlite|mysql|both');
  return [db];
}

/** What identifies a generated cooperative; the same shape always gives the same history. */
export interface CoopShape {
  readonly members: number;
  readonly years: number;
  readonly seed: number;
  /** Last simulated day (fixed, so a rerun on another day gives the same history). */
  readonly until: string;
}

export function shapeFromFlags(): CoopShape {
  const scale = intFlag('scale', 1);
  return {
    members: intFlag('members', 5000) * scale,
    years: intFlag('years', 20),
    seed: intFlag('seed', 1),
    until: flag('until', '2026-11-24')!,
  };
}

export function shapeName(s: CoopShape): string {
  return `coop_m${s.members}_y${s.years}_s${s.seed}_${s.until.replaceAll('-', '')}`;
}

export const BENCH_DIR = join(projectRoot, 'data', 'bench');

/** Where a generated cooperative lives (kept between runs so every bench reuses it). */
export function savedDatabase(dialect: Dialect, shape: CoopShape): DatabaseSettings {
  const name = shapeName(shape);
  if (dialect === 'sqlite') return { dialect, sqlitePath: join(BENCH_DIR, `${name}.sqlite`) };
  return { dialect, url: `${MYSQL_ROOT_URL.replace(/\/$/, '')}/g2bench_${name}` };
}

/** What the generator wrote, saved beside the database (data/bench/<name>.<dialect>.json). */
export interface GeneratedManifest {
  readonly shape: CoopShape;
  readonly dialect: Dialect;
  readonly from: string;
  readonly counts: Record<string, number>;
  readonly commands: number;
  readonly events: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

function manifestPath(dialect: Dialect, shape: CoopShape): string {
  return join(BENCH_DIR, `${shapeName(shape)}.${dialect}.json`);
}

export function saveManifest(m: GeneratedManifest): void {
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(manifestPath(m.dialect, m.shape), `${JSON.stringify(m, null, 2)}\n`);
}

/** The manifest of a complete generation, or null (absent or interrupted). */
export function loadManifest(dialect: Dialect, shape: CoopShape): GeneratedManifest | null {
  const path = manifestPath(dialect, shape);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as GeneratedManifest) : null;
}

export function requireManifest(dialect: Dialect, shape: CoopShape): GeneratedManifest {
  const m = loadManifest(dialect, shape);
  if (!m) {
    throw new Error(
      `No generated cooperative ${shapeName(shape)} on ${dialect}: run ` +
        `npm run bench:generate -- --db ${dialect} --members ${shape.members} --years ${shape.years} first`,
    );
  }
  return m;
}

export async function mysqlRoot(): Promise<mysql.Connection> {
  return mysql.createConnection({ uri: MYSQL_ROOT_URL, multipleStatements: true });
}

export function mysqlDatabaseName(settings: DatabaseSettings): string {
  if (settings.dialect !== 'mysql' || !settings.url) throw new Error('not a MySQL database');
  return new URL(settings.url).pathname.slice(1);
}

export interface BootOptions {
  readonly clock?: Clock;
  readonly fiscalYearStart?: string;
}

function configFor(settings: DatabaseSettings, o: BootOptions): AppConfig {
  return {
    port: 0,
    database: settings,
    fiscalYearStart: o.fiscalYearStart ?? '01-01',
    demoData: false,
    legacySyncIntervalMs: 3_600_000,
  };
}

/** The app's modules (no HTTP) over `settings`; the caller closes it. */
export async function bootContext(
  settings: DatabaseSettings,
  o: BootOptions = {},
): Promise<INestApplicationContext> {
  const builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(configFor(settings, o));
  if (o.clock) builder.overrideProvider(Clock).useValue(o.clock);
  const moduleRef = await builder.compile();
  await moduleRef.init();
  // The after-commit workers (mirror, payment reactions, e-mails, provisioning) start from
  // their checkpoints: on a cooperative generated before one of them existed they first go
  // through the whole log. Let them finish before anything is measured.
  await moduleRef.get(AfterCommit).settle();
  return moduleRef;
}

/** A clock the generator moves day by day (10:00 UTC, i.e. late morning in Paris). */
export function dayClock(day: string): FixedClock {
  return new FixedClock(new Date(`${day}T10:00:00Z`));
}

/**
 * Peak resident memory while `work` runs (sampled every 20 ms, plus the process's maxRSS so a
 * spike between samples is not missed when it is the process's highest), and heap peak.
 */
export async function measured<T>(
  /** `sample` records memory now: work that never yields to the timer (SQLite) calls it itself. */
  work: (sample: () => void) => Promise<T>,
): Promise<{
  value: T;
  seconds: number;
  /** This process's CPU time (user + system): less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}> {
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  try {
    const value = await work(sample);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
    return { value, seconds, cpuSeconds, peakRssMiB: mib(rss), peakHeapMiB: mib(heap) };
  } finally {
    clearInterval(timer);
  }
}

export function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** The process's lifetime peak RSS (resourceUsage().maxRSS is in KiB). */
export function maxRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

export function rate(n: number, seconds: number): string {
  return seconds > 0 ? Math.round(n / seconds).toLocaleString('en-US') : '∞';
}

export function n(x: number): string {
  return x.toLocaleString('en-US');
}

/**
 * A fresh database: Gloux's schema (the generator writes Gloux's catalogue and members; the
 * sample data's 2008 invoices and shares would break the chronology of a generated 2008).
 */
export async function freshDatabase(settings: DatabaseSettings): Promise<void> {
  if (settings.dialect === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      rmSync(`${settings.sqlitePath!}${suffix}`, { force: true });
    return;
  }
  const name = mysqlDatabaseName(settings);
  const root = await mysql.createConnection({
    uri: MYSQL_ROOT_URL,
    multipleStatements: true,
    charset: 'latin1_swedish_ci',
  });
  try {
    await root.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await root.query(`CREATE DATABASE \`${name}\` DEFAULT CHARACTER SET latin1`);
    await root.query(`USE \`${name}\``);
    await root.query(`SET SESSION sql_mode = ''`);
    await loadGlouxSql(root, 'schema.sql');
  } finally {
    await root.end();
  }
}

export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [label, sql] of [
    ['events', `SELECT COUNT(*) AS n FROM g2_events`],
    ['invoices', `SELECT COUNT(*) AS n FROM g2_rm_invoices WHERE kind = 'invoice'`],
    ['credit notes', `SELECT COUNT(*) AS n FROM g2_rm_invoices WHERE kind = 'credit_note'`],
    ['payments', `SELECT COUNT(*) AS n FROM g2_rm_payments`],
    ['allocation rows', `SELECT COUNT(*) AS n FROM g2_rm_payment_lines`],
    ['Gloux factures', `SELECT COUNT(*) AS n FROM factures`],
    ['Gloux paiements', `SELECT COUNT(*) AS n FROM paiements`],
    ['Gloux parts_sociales', `SELECT COUNT(*) AS n FROM parts_sociales`],
  ] as const) {
    const [row] = await db.query<{ n: number | string }>(sql);
    out[label] = Number(row?.n ?? 0);
  }
  return out;
}
