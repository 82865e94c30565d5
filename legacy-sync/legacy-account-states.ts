import {
  evolveAccount,
  initialAccountState,
  type AccountState,
  type LegacyAccountRow,
} from '../domain/accounts/account.js';
import { accountStream, type AccountEvent } from '../domain/accounts/events.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { legacyDay } from './legacy-rows.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * Every Gloux hosting account (closed ones too) and every account stream, for the ingestion of
 * Gloux's account states and the drift report (legacy-accounts.ts reads one account and mirrors).
 */

export interface HostingState extends LegacyAccountRow {
  /** date_creation as Gloux holds it ('YYYY-MM-DD HH:MM:SS'), '' when zero. */
  readonly createdAt: string;
}

export async function readHostings(q: Queryable): Promise<HostingState[]> {
  const col = (c: string) => (q.dialect === 'mysql' ? `CAST(${c} AS CHAR)` : c);
  const rows = await q.query(
    `SELECT id_hebergement, id_client, ${legacyTextSelect('nom', q.dialect)} AS nom, etat,
            ${legacyTextSelect('motif_etat', q.dialect)} AS motif, ${col('date_creation')} AS date_creation,
            ${col('date_etat')} AS date_etat
       FROM hebergements ORDER BY id_hebergement`,
  );
  return rows.map((r) => {
    const created = String(r.date_creation ?? '');
    const etat = String(r.etat ?? '');
    return {
      accountId: String(r.id_hebergement),
      customerId: String(r.id_client),
      name: decodeLegacyText(r.nom as Buffer | string | null).trim(),
      etat: etat === 'suspendu' || etat === 'ferme' ? etat : 'actif',
      motif: decodeLegacyText(r.motif as Buffer | string | null).trim(),
      createdOn: legacyDay(created),
      stateOn: legacyDay(r.date_etat),
      createdAt: created.startsWith('0000') ? '' : created.slice(0, 19),
    };
  });
}

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
