/**
 * `npm run bench:append -- [--db sqlite|mysql|both] [--members 1000] [--years 5] [--scale 2]`:
 * event append throughput. A cooperative is generated into a throw-away database through
 * gloux2's commands (the generator's mix: shares, billing runs, payments, bounces, credit notes,
 * overage, assemblies), timing each command; then the very rows it appended to g2_events are
 * inserted again into an empty copy of the table with raw driver calls, batched (500 rows per
 * INSERT) and one row per transaction. Prints rates and ratios; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSettings, Dialect } from '../../src/kernel/database/settings.js';
import { MYSQL_ROOT_URL } from '../support/databases.js';
import {
  bootContext,
  dayClock,
  dialectsFromFlags,
  freshDatabase,
  intFlag,
  measured,
  mysqlDatabaseName,
  mysqlRoot,
  n,
  rate,
  type CoopShape,
} from './bench-kit.js';
import { commandCount, CooperativeGenerator, historyStart } from './cooperative-generator.js';

import { rawInsert, readEventRows } from './raw-events.js';

async function bench(dialect: Dialect, shape: CoopShape): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'g2bench-'));
  const settings: DatabaseSettings =
    dialect === 'sqlite'
      ? { dialect, sqlitePath: join(dir, 'append.sqlite') }
      : { dialect, url: `${MYSQL_ROOT_URL.replace(/\/$/, '')}/g2bench_append_${process.pid}` };
  await freshDatabase(settings);
  try {
    const clock = dayClock(historyStart(shape));
    const app = await bootContext(settings, { clock });
    let stats;
    let peak: number;
    try {
      const generator = new CooperativeGenerator(app, clock, shape);
      await generator.seedCatalogue();
      const run = await measured(() => generator.run());
      stats = run.value;
      peak = run.peakRssMiB;
    } finally {
      await app.close();
    }
    const commands = commandCount(stats);
    const rows = await readEventRows(settings);
    const events = rows.length;
    const g2Rate = events / stats.commandSeconds;
    console.log(
      `${dialect.padEnd(6)} gloux2: ${n(commands)} commands appending ${n(events)} events in ${stats.commandSeconds.toFixed(1)} s ` +
        `inside commands: ${rate(commands, stats.commandSeconds)} commands/s, ${rate(events, stats.commandSeconds)} events/s (peak RSS ${peak} MiB)`,
    );
    for (const [type, t] of Object.entries(stats.timings).sort(
      (a, b) => b[1].seconds - a[1].seconds,
    )) {
      console.log(
        `         ${type.padEnd(20)} ${String(t.n).padStart(7)} × ${((t.seconds / t.n) * 1000).toFixed(2).padStart(7)} ms  (${rate(t.n, t.seconds)}/s)`,
      );
    }
    const batched = await rawInsert(settings, rows, 500);
    const single = await rawInsert(settings, rows.slice(0, Math.min(rows.length, 5000)), 1);
    const singleRate = Math.min(rows.length, 5000) / single;
    console.log(
      `         raw batched INSERT (500 rows, 1 transaction each): ${rate(events, batched)} events/s → gloux2 is ${(events / batched / g2Rate).toFixed(0)}× slower`,
    );
    console.log(
      `         raw INSERT, one row per transaction (first ${n(Math.min(rows.length, 5000))} rows): ${Math.round(singleRate).toLocaleString('en-US')} events/s → ` +
        `gloux2 commands/s is ${((commands / stats.commandSeconds / singleRate) * 100).toFixed(0)} % of it`,
    );
  } finally {
    if (settings.dialect === 'mysql') {
      const root = await mysqlRoot();
      await root.query(`DROP DATABASE IF EXISTS \`${mysqlDatabaseName(settings)}\``);
      await root.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const scale = intFlag('scale', 1);
const shape: CoopShape = {
  members: intFlag('members', 1000) * scale,
  years: intFlag('years', 5),
  seed: intFlag('seed', 1),
  until: '2026-11-24',
};
for (const dialect of dialectsFromFlags()) await bench(dialect, shape);
