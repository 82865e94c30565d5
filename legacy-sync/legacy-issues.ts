import type { IngestIssue } from '../domain/legacy/gloux-ingest.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { sqlTimestamp } from '../src/kernel/event-store/event-store.js';

/** Records (or refreshes) one issue of a Gloux row for the import and drift reports. */
export async function recordIssue(
  q: Queryable,
  table: string,
  legacyId: number,
  issue: IngestIssue,
  blocking: boolean,
  at: Date,
): Promise<void> {
  const ts = sqlTimestamp(at);
  const { affected } = await q.execute(
    `UPDATE g2_legacy_issues SET message = ?, blocking = ?, last_seen = ? WHERE source_table = ? AND legacy_id = ? AND code = ?`,
    [issue.message, blocking ? 1 : 0, ts, table, legacyId, issue.code],
  );
  if (affected > 0) return;
  const [row] = await q.query(
    `SELECT 1 AS x FROM g2_legacy_issues WHERE source_table = ? AND legacy_id = ? AND code = ?`,
    [table, legacyId, issue.code],
  );
  if (row) return; // MySQL counts changed rows only: the issue is there, unchanged
  await q.execute(
    `INSERT INTO g2_legacy_issues (source_table, legacy_id, code, message, blocking, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [table, legacyId, issue.code, issue.message, blocking ? 1 : 0, ts, ts],
  );
}
