import type { Queryable } from '../src/kernel/database/db.js';
import { sqlTimestamp } from '../src/kernel/event-store/event-store.js';

/**
 * `g2_hosting_secrets`: the `$5$` hash of an FTP account (kind 'ftp') or a mailbox (kind
 * 'mail') waiting for the hosting mirror to write it into Gloux's row (HOSTING.md decision 5:
 * never in an event). Kept in the command's transaction, the latest wins; deleted once written.
 */
export type HostingSecretKind = 'ftp' | 'mail';

/** Keeps a subject's new hash for the mirror, in the command's transaction (the latest wins). */
export async function keepHostingHash(
  tx: Queryable,
  kind: HostingSecretKind,
  subjectId: string,
  hash: string,
  now: Date,
): Promise<void> {
  await purgeHostingHash(tx, kind, subjectId);
  await tx.execute(
    'INSERT INTO g2_hosting_secrets (secret_kind, subject_id, hash, created_at) VALUES (?, ?, ?, ?)',
    [kind, subjectId, hash, sqlTimestamp(now)],
  );
}

/** The hash waiting for a subject, or null (none, or already written). */
export async function waitingHostingHash(
  tx: Queryable,
  kind: HostingSecretKind,
  subjectId: string,
): Promise<string | null> {
  const [row] = await tx.query<{ hash: string }>(
    'SELECT hash FROM g2_hosting_secrets WHERE secret_kind = ? AND subject_id = ?',
    [kind, subjectId],
  );
  return row ? row.hash : null;
}

export async function purgeHostingHash(
  tx: Queryable,
  kind: HostingSecretKind,
  subjectId: string,
): Promise<void> {
  await tx.execute('DELETE FROM g2_hosting_secrets WHERE secret_kind = ? AND subject_id = ?', [
    kind,
    subjectId,
  ]);
}
