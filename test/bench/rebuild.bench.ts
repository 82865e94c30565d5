/**
 * `npm run bench:rebuild -- [--db sqlite|mysql|both] [--members 5000] [--years 20] [--scale 2]
 * [--only payment-allocation,…] [--swap]`: full projection rebuild of the saved generated
 * cooperative (every read model emptied and replayed from position 0, as `projections:rebuild` does),
 * against a raw streaming SELECT of the event table that parses each row's JSON. Prints
 * events/s, the ratio and peak memory of each; asserts nothing.
 */
import { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import type { Dialect } from '../../src/kernel/database/settings.js';
import {
  bootContext,
  dialectsFromFlags,
  flag,
  measured,
  n,
  rate,
  requireManifest,
  savedDatabase,
  shapeFromFlags,
  shapeName,
  type CoopShape,
} from './bench-kit.js';
import { rawStreamingRead } from './raw-events.js';

async function bench(dialect: Dialect, shape: CoopShape): Promise<void> {
  const manifest = requireManifest(dialect, shape);
  const settings = savedDatabase(dialect, shape);
  const base = process.memoryUsage().rss;
  const raw = await measured(() => rawStreamingRead(settings));
  const app = await bootContext(settings);
  try {
    const pipeline = app.get(CommandPipeline);
    const only = flag('only')?.split(',');
    const booted = process.memoryUsage().rss;
    // Memory at every batch of 1,000 events: better-sqlite3 never yields to the sampling timer.
    // With --expose-gc, every 20th batch also collects first: the heap the rebuild really holds.
    const gc = (globalThis as { gc?: () => void }).gc;
    let liveHeap = 0;
    let batches = 0;
    // --swap: MariaDB fills fresh tables and swaps them in whatever the log's size.
    const swap = flag('swap') === 'true' ? { swapFromEvents: 0 } : undefined;
    const rebuilt = await measured((sample) =>
      pipeline.rebuild(
        only,
        () => {
          if (gc && ++batches % 20 === 0) {
            gc();
            liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
          }
          sample();
        },
        swap,
      ),
    );
    const events = rebuilt.value.events;
    const mib = (x: number) => Math.round(x / 1048576);
    console.log(
      `${dialect.padEnd(6)} ${shapeName(shape)} (${n(manifest.events)} events): rebuild of ${only ? only.join(', ') : 'every projection'} ` +
        `${n(events)} events in ${rebuilt.seconds.toFixed(1)} s = ${rate(events, rebuilt.seconds)} events/s, ` +
        `peak RSS ${rebuilt.peakRssMiB} MiB (${mib(booted)} MiB before), heap peak ${rebuilt.peakHeapMiB} MiB, ` +
        `CPU ${rebuilt.cpuSeconds.toFixed(1)} s` +
        (gc ? `, live heap peak (after a collection) ${mib(liveHeap)} MiB` : ''),
    );
    console.log(
      `       raw streaming SELECT + JSON.parse: ${n(raw.value)} rows in ${raw.seconds.toFixed(1)} s = ${rate(raw.value, raw.seconds)} rows/s, ` +
        `peak RSS ${raw.peakRssMiB} MiB (${mib(base)} MiB before), CPU ${raw.cpuSeconds.toFixed(1)} s → rebuild is ${(raw.value / raw.seconds / (events / rebuilt.seconds)).toFixed(1)}× slower ` +
        `(CPU time of this process: ${(raw.value / raw.cpuSeconds / (events / rebuilt.cpuSeconds)).toFixed(1)}×)`,
    );
  } finally {
    await app.close();
  }
}

const shape = shapeFromFlags();
for (const dialect of dialectsFromFlags()) await bench(dialect, shape);
