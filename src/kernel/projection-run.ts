import type { Queryable } from './database/db.js';
import type { RecordedEvent } from './event-store/event-store.js';
import type { Projection } from './projection.js';
import { ProjectionRows, type RowsMode, type RowsOptions } from './projection-rows.js';

export interface ProjectionRun {
  apply(event: RecordedEvent): Promise<void>;
  flushIfFull(): Promise<void>;
  flush(): Promise<void>;
}

/**
 * The projections fed by one command or one rebuild: each event goes only to the projections
 * handling its type, whose changes gather in memory until `flush` (or `flushIfFull`).
 */
export function startRun(
  q: Queryable,
  projections: readonly Projection[],
  mode: RowsMode,
  options: RowsOptions = {},
): ProjectionRun {
  const runs = projections.map((p) => ({
    p,
    apply: p.start(),
    rows: new ProjectionRows(q, p.tables, mode, options),
  }));
  // The runs handling each event type, found once per type instead of asking every projection.
  const byType = new Map<string, typeof runs>();
  const runsFor = (type: string) => {
    let found = byType.get(type);
    if (!found) byType.set(type, (found = runs.filter((r) => r.p.handles(type))));
    return found;
  };
  return {
    async apply(event) {
      for (const r of runsFor(event.type)) await r.apply(r.rows, event);
    },
    async flushIfFull() {
      for (const r of runs) await r.rows.flushIfFull();
    },
    async flush() {
      for (const r of runs) await r.rows.flush();
    },
  };
}
