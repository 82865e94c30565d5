import type { Queryable } from '../src/kernel/database/db.js';

/** The import report: what came from Gloux, and every row that could not be imported and why. */
export interface ImportIssue {
  table: string;
  legacyId: string;
  code: string;
  message: string;
  /** True: the row is kept out of the import until `legacy:backfill --retry`. */
  blocking: boolean;
  lastSeen: string;
}

export interface ImportReport {
  imported: { table: string; rows: number }[];
  issues: ImportIssue[];
}

export async function importReport(q: Queryable): Promise<ImportReport> {
  const imported = await q.query<{ source_table: string; n: unknown }>(
    `SELECT source_table, COUNT(*) AS n FROM g2_legacy_ingested GROUP BY source_table ORDER BY source_table`,
  );
  const issues = await q.query<Record<string, unknown>>(
    `SELECT source_table, legacy_id, code, message, blocking, last_seen FROM g2_legacy_issues
      ORDER BY blocking DESC, source_table, legacy_id, code`,
  );
  return {
    imported: imported.map((r) => ({ table: r.source_table, rows: Number(r.n) })),
    issues: issues.map((r) => ({
      table: String(r.source_table),
      legacyId: String(r.legacy_id),
      code: String(r.code),
      message: String(r.message),
      blocking: Number(r.blocking) === 1,
      lastSeen: String(r.last_seen).slice(0, 19),
    })),
  };
}

/** Lets blocked rows be tried again (after someone fixed them in Gloux). */
export async function clearBlockingIssues(q: Queryable): Promise<number> {
  const { affected } = await q.execute(`DELETE FROM g2_legacy_issues WHERE blocking = 1`);
  return affected;
}
