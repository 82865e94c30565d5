import { nameTakenMessage, type HostingNameKind } from '../../domain/hosting/hosting-names.js';
import { DomainError } from '../../domain/shared/errors.js';
import { isDuplicateKey, type Queryable, type Tx } from './database/db.js';
import { sqlTimestamp } from './event-store/event-store.js';

/**
 * Claims a hosting name for `streamId` inside the command's transaction (`g2_hosting_names`,
 * primary key (kind, name)): a second command asking for it, even at the same moment, is
 * refused with 'name_taken' and the French sentence naming `field`, and nothing is written
 * (the refusal rolls the command back). The caller checks Gloux's own table first
 * (`nameTakenInGloux` in legacy-sync/legacy-hosting-inventory.ts): Gloux does not read ours.
 * The same stream claiming its own name again is not a refusal (a command retried).
 */
export async function claimHostingName(
  tx: Tx,
  claim: {
    readonly kind: HostingNameKind;
    readonly name: string;
    readonly streamId: string;
    readonly at: Date;
    readonly field: string;
  },
): Promise<void> {
  const holder = await hostingNameHolder(tx, claim.kind, claim.name);
  if (holder === claim.streamId) return;
  const refused = () =>
    new DomainError('name_taken', nameTakenMessage(claim.kind, claim.name), claim.field);
  if (holder !== null) throw refused();
  try {
    await tx.execute(
      `INSERT INTO g2_hosting_names (kind, name, stream_id, claimed_at) VALUES (?, ?, ?, ?)`,
      [claim.kind, claim.name, claim.streamId, sqlTimestamp(claim.at)],
    );
  } catch (error) {
    // A concurrent command inserted it after our read (MariaDB: it waited on that row's lock).
    if (isDuplicateKey(error)) throw refused();
    throw error;
  }
}

/** Gives a name back (the command that removes its object), only if `streamId` holds it. */
export async function releaseHostingName(
  tx: Tx,
  kind: HostingNameKind,
  name: string,
  streamId: string,
): Promise<void> {
  await tx.execute(`DELETE FROM g2_hosting_names WHERE kind = ? AND name = ? AND stream_id = ?`, [
    kind,
    name,
    streamId,
  ]);
}

/** The stream holding a name in gloux2, or null. */
export async function hostingNameHolder(
  q: Pick<Queryable, 'query'>,
  kind: HostingNameKind,
  name: string,
): Promise<string | null> {
  const [row] = await q.query<{ stream_id: string }>(
    `SELECT stream_id FROM g2_hosting_names WHERE kind = ? AND name = ?`,
    [kind, name],
  );
  return row?.stream_id ?? null;
}
