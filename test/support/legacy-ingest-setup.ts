import { afterAll, beforeAll } from '@jest/globals';
import type { Drift } from '../../legacy-sync/legacy-drift.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { ShareMovements } from '../../src/shares/shares.handlers.js';
import { AppHarness } from './app-harness.js';
import type { Dialect } from '../../src/kernel/database/settings.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import type { GlouxSide } from './gloux-writes.js';
import { loadSampleDataIntoSqlite } from './sqlite-sample-data.js';

/** What the drift report says, in a form a failing test shows plainly. */
export const describeDrift = (d: readonly Drift[]) =>
  d.map((x) => `${x.area} ${x.label} ${x.field}: gloux=${x.gloux} gloux2=${x.gloux2} (${x.owner})`);

/** Sample data: tiers 3 (Webcoop) says nb_parts = 5 with no row in parts_sociales. */
export const SAMPLE_DRIFT = [
  'tiers tiers n° 3 nb_parts: gloux=5 gloux2=0 (gloux)',
  'tiers tiers n° 3 societaire: gloux=O gloux2=N (gloux)',
];

/**
 * gloux2 started on a database holding Gloux's sample data (on SQLite loaded into the app's
 * database), with its ingester and a handle to write as Gloux does.
 */
export async function startOnGlouxSample(dialect: Dialect): Promise<{
  database: TestDatabase;
  app: AppHarness;
  ingester: LegacyIngester;
  side: GlouxSide;
}> {
  const database = await createTestDatabase(dialect);
  const app = await AppHarness.start(database);
  if (dialect === 'sqlite') {
    await loadSampleDataIntoSqlite(app.db);
    await app.context.get(ShareMovements).importLegacy('test');
  }
  const db = app.db;
  return {
    database,
    app,
    ingester: app.context.get(LegacyIngester),
    side: {
      conn: database.gloux,
      q: {
        dialect: db.dialect,
        query: (sql, params) => db.query(sql, params),
        execute: (sql, params) => db.run((q) => q.execute(sql, params)),
        executeEach: (sql, lists) => db.run((q) => q.executeEach(sql, lists)),
      },
    },
  };
}

/**
 * `startOnGlouxSample` for a describe block: started in its beforeAll, closed and dropped in its
 * afterAll; the getter gives what it started.
 */
export function useGlouxSample(
  dialect: Dialect,
): () => Awaited<ReturnType<typeof startOnGlouxSample>> {
  let started: Awaited<ReturnType<typeof startOnGlouxSample>> | undefined;
  beforeAll(async () => {
    started = await startOnGlouxSample(dialect);
  });
  afterAll(async () => {
    await started?.app.close();
    await started?.database.drop();
  });
  return () => started!;
}
