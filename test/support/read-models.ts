import { allProjections } from '../../projections/all-projections.js';

/** Every read-model table, from the projections themselves. */
export const readModelTables: readonly string[] = allProjections('01-01').flatMap((p) =>
  p.tables.map((t) => t.name),
);

/** Every read-model row as sorted JSON, per table: two snapshots are equal when the tables are. */
export async function snapshotReadModels(
  selectAll: (table: string) => unknown[] | Promise<unknown[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of readModelTables) {
    out[table] = (await selectAll(table)).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
