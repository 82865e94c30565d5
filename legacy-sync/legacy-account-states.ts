import {
  evolveAccount,
  initialAccountState,
  type AccountState,
} from '../domain/accounts/account.js';
import { accountStream, type AccountEvent } from '../domain/accounts/events.js';
import type { Queryable } from '../src/kernel/database/db.js';

/** Every account stream, for the ingestion of Gloux's account states and the drift report. */

export interface AccountStreamState {
  readonly state: AccountState;
  readonly version: number;
  /** When its last event was recorded, and by whom. */
  readonly lastAt: string;
  readonly lastSource: string;
}

/** Every account stream, folded, by account id. */
export async function accountStreams(q: Queryable): Promise<Map<string, AccountStreamState>> {
  const rows = await q.query<{
    stream_id: string;
    stream_version: unknown;
    type: string;
    data: string;
    source: string;
    recorded_at: string;
  }>(
    `SELECT stream_id, stream_version, type, data, source, recorded_at FROM g2_events
      WHERE stream_id >= 'account-' AND stream_id < 'account.' ORDER BY position`,
  );
  const out = new Map<string, AccountStreamState>();
  for (const r of rows) {
    const id = r.stream_id.slice('account-'.length);
    if (accountStream(id) !== r.stream_id) continue;
    const before = out.get(id)?.state ?? initialAccountState(id);
    out.set(id, {
      state: evolveAccount(before, { type: r.type, data: JSON.parse(r.data) } as AccountEvent),
      version: Number(r.stream_version),
      lastAt: r.recorded_at,
      lastSource: r.source,
    });
  }
  return out;
}

/** gloux2 account events the mirror has not written into Gloux yet. */
export async function unmirroredAccountEvents(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM g2_events WHERE source = 'g2' AND stream_id >= 'account-' AND stream_id < 'account.'
        AND position > COALESCE((SELECT position FROM g2_checkpoints WHERE name = 'legacy-sync'), 0)`,
  );
  return Number(row?.n ?? 0);
}
