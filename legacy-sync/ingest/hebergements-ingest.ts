import {
  evolveAccount,
  initialAccountState,
  type AccountState,
  type LegacyAccountRow,
} from '../../domain/accounts/account.js';
import { accountStream, type AccountEvent } from '../../domain/accounts/events.js';
import { accountFromGloux } from '../../domain/legacy/gloux-accounts.js';
import { parisDateTimeOf } from '../../domain/shared/day.js';
import type { Clock } from '../../src/kernel/clock.js';
import type { Db, Queryable } from '../../src/kernel/database/db.js';
import type { CommandPipeline } from '../../src/kernel/event-store/command-pipeline.js';
import {
  readStream,
  sqlTimestamp,
  type AppendRequest,
} from '../../src/kernel/event-store/event-store.js';
import { accountStreams, unmirroredAccountEvents } from '../legacy-account-states.js';
import { readHostings, readLegacyAccount } from '../legacy-accounts.js';
import { recordIssue } from '../legacy-issues.js';
import { mirroredUpTo } from '../legacy-sync.worker.js';
import { emptyCounts, type IngestCounts } from './ingest-batch.js';

/**
 * Gloux → gloux2 for hebergements: Gloux's own account states (G3's suspensions, an admin's
 * edits of etat) as account events with source 'gloux'. The one owner of that adoption: the
 * poll takes in every account, and the lifecycle asks it for one account before deciding on
 * it (so a G3 suspension is known before a reminder or a closure is decided).
 */

export interface LoadedAccount {
  /** The state as the log has it, plus what Gloux did that the log does not know yet. */
  readonly state: AccountState;
  readonly version: number;
  /** Events that would bring the log in line with Gloux (recorded with source 'gloux'). */
  readonly adoption: readonly AccountEvent[];
  readonly issue: { code: string; message: string } | null;
}

interface AccountChange {
  readonly row: LegacyAccountRow;
  readonly events: AccountEvent[];
  readonly issue: { code: string; message: string } | null;
  readonly version: number;
}

export class LegacyAccountAdoption {
  constructor(
    private readonly db: Db,
    private readonly pipeline: CommandPipeline,
    private readonly clock: Clock,
  ) {}

  /**
   * One account: its stream, folded, and what Gloux did to it that the log does not know yet.
   * `row`: Gloux's row when the caller has read it already (null: Gloux has none).
   */
  async load(
    q: Queryable,
    accountId: string,
    row?: LegacyAccountRow | null,
  ): Promise<LoadedAccount> {
    const events = await readStream(q, accountStream(accountId));
    let state = initialAccountState(accountId);
    for (const e of events) state = evolveAccount(state, e as unknown as AccountEvent);
    const version = events.length === 0 ? -1 : events[events.length - 1]!.streamVersion;
    const legacy = row === undefined ? await readLegacyAccount(q, accountId) : row;
    if (!legacy) return { state, version, adoption: [], issue: null };
    const last = events[events.length - 1];
    const mirrored = !last || (await mirroredUpTo(q)) >= last.position;
    const r = accountFromGloux(state, legacy, this.clock.today(), mirrored);
    return {
      state: r.events.reduce(evolveAccount, state),
      version,
      adoption: r.events,
      issue: r.issue,
    };
  }

  /** Records what Gloux did to one account that the log does not know yet. */
  async adopt(accountId: string): Promise<void> {
    const loaded = await this.db.run((q) => this.load(q, accountId));
    if (loaded.adoption.length === 0) return;
    const now = this.clock.now();
    await this.pipeline.execute({
      commandType: 'AdoptLegacyAccount',
      actor: 'legacy-sync',
      now,
      source: 'gloux',
      request: { accountId, events: loaded.adoption },
      decide: async (tx) => {
        // Someone else may have taken it in meanwhile: decided again on what the log has now.
        const fresh = await this.load(tx, accountId);
        if (fresh.issue)
          await recordIssue(tx, 'hebergements', Number(accountId), fresh.issue, false, now);
        return {
          appends: [
            {
              streamId: accountStream(accountId),
              expectedVersion: fresh.version,
              events: fresh.adoption,
            },
          ],
          result: null,
        };
      },
    });
  }

  /**
   * Every account at once (the poll). Skipped while gloux2's own account events are not yet
   * mirrored (Gloux's row would still show the state before them), and for a row created in
   * the last minutes (sign-up writes the Gloux rows, then opens the account itself).
   */
  async poll(): Promise<IngestCounts> {
    const now = this.clock.now();
    const todo = await this.db.run((q) => this.changes(q, now));
    if (todo.length === 0) return emptyCounts();
    const outcome = await this.pipeline.execute<IngestCounts>({
      commandType: 'IngestGlouxAccounts',
      actor: 'gloux',
      source: 'gloux',
      now,
      request: { accounts: todo.map((t) => t.row.accountId) },
      decide: async (tx) => {
        const counts = emptyCounts();
        const appends: AppendRequest[] = [];
        for (const c of await this.changes(tx, now)) {
          if (c.issue) {
            counts.issues += 1;
            await recordIssue(tx, 'hebergements', Number(c.row.accountId), c.issue, false, now);
          }
          if (c.events.length === 0) continue;
          appends.push({
            streamId: accountStream(c.row.accountId),
            expectedVersion: c.version,
            events: c.events,
          });
          counts.accounts += 1;
          counts.events += c.events.length;
        }
        return { appends, result: counts };
      },
    });
    return outcome.result;
  }

  private async changes(q: Queryable, now: Date): Promise<AccountChange[]> {
    if ((await unmirroredAccountEvents(q)) > 0) return [];
    const streams = await accountStreams(q);
    const today = this.clock.today();
    const recentRow = parisDateTimeOf(new Date(now.getTime() - 5 * 60_000));
    const recentEvent = sqlTimestamp(new Date(now.getTime() - 10_000));
    const out: AccountChange[] = [];
    for (const row of await readHostings(q)) {
      const s = streams.get(row.accountId);
      if (!s && row.createdAt > recentRow) continue;
      if (s && s.lastSource === 'g2' && s.lastAt > recentEvent) continue;
      const r = accountFromGloux(s?.state ?? initialAccountState(row.accountId), row, today);
      if (r.events.length > 0 || r.issue)
        out.push({ row, events: r.events, issue: r.issue, version: s?.version ?? -1 });
    }
    return out;
  }
}
