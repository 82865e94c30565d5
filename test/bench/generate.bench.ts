/**
 * `npm run bench:generate -- [--db sqlite|mysql|both] [--members 5000] [--years 20] [--seed 1]
 * [--scale 2] [--force]`: writes the synthetic cooperative (cooperative-generator.ts) into a fresh
 * SQLite file (data/bench/) or a fresh MariaDB database (g2bench_…), keeps it for the other
 * benches and prints what it holds and how fast gloux2 wrote it.
 */
import cliProgress from 'cli-progress';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { Db } from '../../src/kernel/database/db.js';
import type { Dialect } from '../../src/kernel/database/settings.js';
import {
  bootContext,
  dayClock,
  dialectsFromFlags,
  flag,
  freshDatabase,
  loadManifest,
  measured,
  mysqlDatabaseName,
  n,
  rate,
  saveManifest,
  savedDatabase,
  shapeFromFlags,
  shapeName,
  tableCounts,
  type CoopShape,
} from './bench-kit.js';
import { commandCount, CooperativeGenerator, historyStart } from './cooperative-generator.js';

async function generate(dialect: Dialect, shape: CoopShape): Promise<void> {
  const settings = savedDatabase(dialect, shape);
  if (loadManifest(dialect, shape) && flag('force') === undefined) {
    console.log(`${dialect}: ${shapeName(shape)} already generated (--force to redo it)`);
    return;
  }
  await freshDatabase(settings);
  // Start-up work (the VAT schedule) is recorded on the first simulated day.
  const clock = dayClock(historyStart(shape));
  const app = await bootContext(settings, { clock });
  try {
    const generator = new CooperativeGenerator(app, clock, shape);
    await generator.seedCatalogue();
    const bar = new cliProgress.SingleBar(
      {
        format: `${dialect.padEnd(6)} [{bar}] {percentage}% {day} | {commands} commands, {rate}/s | ETA {eta_formatted}`,
        etaBuffer: 200,
        fps: 2,
        // Redirected to a file (a long run in the background): a line every 15 s instead.
        noTTYOutput: true,
        notTTYSchedule: 15_000,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(generator.days, 0, { day: generator.from, commands: 0, rate: 0 });
    const started = Date.now();
    const run = await measured(() =>
      generator.run((done, day) =>
        bar.update(done, {
          day,
          commands: n(generator.stats.commands),
          rate: rate(generator.stats.commands, (Date.now() - started) / 1000),
        }),
      ),
    );
    bar.stop();
    await app.get(LegacySyncWorker).catchUp();
    const counts = { ...(await tableCounts(app.get(Db))), ...run.value.counts };
    const stats = run.value;
    saveManifest({
      shape,
      dialect,
      from: generator.from,
      counts,
      commands: commandCount(stats),
      events: counts.events ?? 0,
      seconds: Math.round(run.seconds),
      peakRssMiB: run.peakRssMiB,
    });
    console.log(
      `${dialect}: ${shapeName(shape)} from ${generator.from} to ${shape.until} in ${run.seconds.toFixed(0)} s ` +
        `(${n(commandCount(stats))} commands, ${rate(commandCount(stats), stats.commandSeconds)} commands/s inside commands; ` +
        `peak RSS ${run.peakRssMiB} MiB)`,
    );
    for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(24)} ${n(v)}`);
    const refusals = Object.entries(stats.refusals);
    if (refusals.length > 0)
      console.log(
        `  refused (expected now and then): ${refusals.map(([k, v]) => `${k} ${v}`).join(', ')}`,
      );
    console.log(
      `  saved: ${settings.sqlitePath ?? `MariaDB database ${mysqlDatabaseName(settings)}`}`,
    );
  } finally {
    await app.close();
  }
}

const shape = shapeFromFlags();
for (const dialect of dialectsFromFlags()) await generate(dialect, shape);
