import { sharesFromGloux, type GlouxShareIngest } from '../../domain/legacy/gloux-shares.js';
import { SHARE_CAPITAL_STREAM, type ImportedShare } from '../../domain/shares/events.js';
import type { ShareRules } from '../../domain/shares/share-capital.js';
import type { Clock } from '../../src/kernel/clock.js';
import type { Db, Queryable } from '../../src/kernel/database/db.js';
import type { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import { ConcurrencyError } from '../../src/kernel/event-store/event-store.js';
import { ShareCapitalCache } from '../../projections/shares/share-capital-cache.js';
import { recordIssue } from '../legacy-issues.js';
import { legacyUuid } from '../legacy-rows.js';
import { readLegacyShares } from '../legacy-shares.js';
import { LEGACY_SYNC_CHECKPOINT } from '../legacy-sync.worker.js';

/**
 * Gloux → gloux2 for parts_sociales, at every poll: rows Gloux added (a subscription) and rows
 * it changed (a share marked 'remboursee', a date_liberation set…) become share events with
 * source 'gloux' on the share-capital stream (domain/legacy/gloux-shares.ts says which).
 *
 * gloux2's own writes are never taken back in: gloux2 writes a row only after its event, from
 * the register, so a row it wrote matches the register — except while the mirror has not yet
 * written an event of gloux2's, whose shares are left for a later poll. One transaction per
 * poll at the stream's version: a concurrent share command makes it decide again, so each
 * change is recorded exactly once (its id derives from the share number and Gloux's row).
 */

export const SHARES_TABLE = 'parts_sociales';

export interface ShareIngestCounts {
  readonly shares: number;
  readonly events: number;
  readonly issues: number;
}

/** Share numbers of gloux2's events the mirror has not written into parts_sociales yet. */
export async function unmirroredShareNumbers(q: Queryable): Promise<Set<number>> {
  const rows = await q.query<{ data: string }>(
    `SELECT data FROM g2_events WHERE stream_id = ? AND source = 'g2'
        AND position > COALESCE((SELECT position FROM g2_checkpoints WHERE name = ?), 0)`,
    [SHARE_CAPITAL_STREAM, LEGACY_SYNC_CHECKPOINT],
  );
  const out = new Set<number>();
  for (const r of rows) {
    const d = JSON.parse(r.data) as { numbers?: number[]; newNumbers?: number[] };
    for (const n of [...(d.numbers ?? []), ...(d.newNumbers ?? [])]) out.add(Number(n));
  }
  return out;
}

/** Gloux's row as it is now, in the change's id: a later change of the same share is another. */
export function shareChangeId(row: ImportedShare): string {
  const fields = [
    row.tiersId,
    row.nominal,
    row.state,
    row.subscribedOn,
    row.paidOn,
    row.legacyPaymentId,
    row.exitOn,
    row.transfereeTiersId,
  ];
  return legacyUuid('part-sociale', `${row.number}:${fields.map((f) => f ?? '').join('|')}`);
}

/** Blocking share issues recorded, as "number:code". */
async function recordedRefusals(q: Queryable): Promise<Set<string>> {
  const rows = await q.query<{ legacy_id: unknown; code: string }>(
    `SELECT legacy_id, code FROM g2_legacy_issues WHERE source_table = ? AND blocking = 1`,
    [SHARES_TABLE],
  );
  return new Set(rows.map((r) => `${Number(r.legacy_id)}:${r.code}`));
}

export class LegacyShareIngest {
  private readonly capital = new ShareCapitalCache();

  constructor(
    private readonly db: Db,
    private readonly pipeline: CommandPipeline,
    private readonly clock: Clock,
    private readonly rules: ShareRules,
  ) {}

  private async look(q: Queryable, today: string) {
    const { state, version } = await this.capital.load(q);
    const unmirrored = await unmirroredShareNumbers(q);
    const r = sharesFromGloux(state, await readLegacyShares(q), {
      today,
      rules: this.rules,
      unmirrored,
      changeId: shareChangeId,
    });
    const recorded = await recordedRefusals(q);
    const refused = new Set(
      r.issues.filter((i) => i.blocking).map((i) => `${i.number}:${i.issue.code}`),
    );
    // A refusal that no longer holds (Gloux's row put back, capital risen…) leaves the report.
    const stale = [...recorded].filter(
      (k) => !refused.has(k) && !unmirrored.has(Number(k.split(':')[0])),
    );
    const fresh = [...refused].some((k) => !recorded.has(k));
    return { r, version, stale, idle: r.events.length === 0 && stale.length === 0 && !fresh };
  }

  /** Takes in what Gloux wrote to parts_sociales since the last poll. */
  async poll(): Promise<ShareIngestCounts> {
    const today = this.clock.today();
    // Most polls find nothing: a plain read first, no write transaction.
    if ((await this.db.run((q) => this.look(q, today))).idle)
      return { shares: 0, events: 0, issues: 0 };
    const now = this.clock.now();
    try {
      return await this.ingest(today, now);
    } catch (error) {
      // gloux2's share commands kept moving the stream: the next poll decides again.
      if (error instanceof ConcurrencyError) return { shares: 0, events: 0, issues: 0 };
      throw error;
    }
  }

  private async ingest(today: string, now: Date): Promise<ShareIngestCounts> {
    const outcome = await this.pipeline.execute<ShareIngestCounts>({
      commandType: 'IngestGlouxShares',
      actor: 'gloux',
      source: 'gloux',
      now,
      request: { today },
      decide: async (tx) => {
        const { r, version, stale } = await this.look(tx, today);
        await this.report(tx, r, stale, now);
        return {
          appends:
            r.events.length > 0
              ? [{ streamId: SHARE_CAPITAL_STREAM, expectedVersion: version, events: r.events }]
              : [],
          result: {
            shares: r.imported + r.changed,
            events: r.events.length,
            issues: r.issues.length,
          },
        };
      },
    });
    return outcome.result;
  }

  private async report(
    q: Queryable,
    r: GlouxShareIngest,
    stale: readonly string[],
    now: Date,
  ): Promise<void> {
    for (const i of r.issues)
      await recordIssue(q, SHARES_TABLE, i.number, i.issue, i.blocking, now);
    for (const key of stale) {
      const [number, code] = key.split(':');
      await q.execute(
        `DELETE FROM g2_legacy_issues WHERE source_table = ? AND legacy_id = ? AND code = ? AND blocking = 1`,
        [SHARES_TABLE, Number(number), code],
      );
    }
  }
}
