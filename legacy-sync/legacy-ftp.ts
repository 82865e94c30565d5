import { ftpDirectory } from '../domain/hosting/ftp-accounts.js';
import type { FtpEvent } from '../domain/hosting/ftp-events.js';
import { isDuplicateKey, type Queryable } from '../src/kernel/database/db.js';
import { keepHostingHash, purgeHostingHash, waitingHostingHash } from './legacy-hosting-secrets.js';

/**
 * Gloux's `ftp` rows as gloux2 writes them (HOSTING.md, "Formats Gloux expects"): the `$5$`
 * hash waiting in `g2_hosting_secrets` (deleted once written: the hash never enters the event
 * log and does not outlive the write), `mot_de_passe_clair` = '', `repertoire` = the hosting's
 * root or root/path, `uid` and `gid` = the hosting's uid (Gloux's own rows: gid = uid), `actif`
 * 'Y'. pure-ftpd reads the row at the next login: no job.
 */

export type FtpWrite =
  | { readonly kind: 'written'; readonly ftpId: number | null }
  | { readonly kind: 'conflict'; readonly login: string; readonly heldBy: number };

/** Keeps an account's new hash for the mirror, in the command's transaction (the latest wins). */
export const keepFtpHash = (tx: Queryable, accountId: string, hash: string, now: Date) =>
  keepHostingHash(tx, 'ftp', accountId, hash, now);

const waitingHash = (tx: Queryable, accountId: string) => waitingHostingHash(tx, 'ftp', accountId);

const purgeHash = (tx: Queryable, accountId: string) => purgeHostingHash(tx, 'ftp', accountId);

async function hostingOf(tx: Queryable, hostingId: number): Promise<{ uid: number; root: string }> {
  const [row] = await tx.query<{ uid: number | string; repertoire: string }>(
    'SELECT uid, repertoire FROM hebergements WHERE id_hebergement = ?',
    [hostingId],
  );
  if (!row) throw new Error(`hebergements ${hostingId} missing for an FTP account`);
  return { uid: Number(row.uid), root: row.repertoire };
}

async function rowOf(
  tx: Queryable,
  login: string,
): Promise<{ id: number; hostingId: number; hash: string } | null> {
  const [row] = await tx.query<{
    id_ftp: number | string;
    id_hebergement: number | string;
    mot_de_passe: string;
  }>('SELECT id_ftp, id_hebergement, mot_de_passe FROM ftp WHERE login = ?', [login]);
  return row
    ? { id: Number(row.id_ftp), hostingId: Number(row.id_hebergement), hash: row.mot_de_passe }
    : null;
}

/**
 * The row a later event changes: the one gloux2 inserted (mapped), else the hosting's own row
 * of that login (an account Gloux created); never another hosting's.
 */
async function ownRow(
  tx: Queryable,
  accountId: string,
  login: string,
  hostingId: number,
): Promise<{ where: string; params: unknown[] }> {
  const [known] = await tx.query<{ legacy_id: number | string }>(
    `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'ftp' AND g2_id = ?`,
    [accountId],
  );
  return known
    ? { where: 'id_ftp = ? AND id_hebergement = ?', params: [Number(known.legacy_id), hostingId] }
    : { where: 'login = ? AND id_hebergement = ?', params: [login, hostingId] };
}

/**
 * Mirrors one FTP event into `ftp`. Idempotent: an account is inserted once (`g2_legacy_map`
 * kind `ftp`, keyed by its account id; a row carrying the very hash waiting for it, left by a
 * crash between Gloux's MyISAM insert and the map's commit, is adopted). A login Gloux gave
 * another row in between (MyISAM shares no transaction) is a conflict, and Gloux's row is never
 * touched. Later events touch only the hosting's own row of that login.
 */
export async function mirrorFtpEvent(tx: Queryable, e: FtpEvent): Promise<FtpWrite> {
  const { hostingId, accountId, login } = e.data;
  switch (e.type) {
    case 'FtpAccountCreated': {
      const [known] = await tx.query<{ legacy_id: number | string }>(
        `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'ftp' AND g2_id = ?`,
        [accountId],
      );
      if (known) return { kind: 'written', ftpId: Number(known.legacy_id) };
      const hash = await waitingHash(tx, accountId);
      if (hash === null) throw new Error(`no hash waiting for FTP account ${accountId}`);
      const conflict = (heldBy: number): FtpWrite => ({ kind: 'conflict', login, heldBy });
      let row = await rowOf(tx, login);
      if (row && !(row.hostingId === hostingId && row.hash === hash))
        return conflict(row.hostingId);
      if (!row) {
        const hosting = await hostingOf(tx, hostingId);
        try {
          await tx.execute(
            `INSERT INTO ftp (id_hebergement, login, mot_de_passe, mot_de_passe_clair, repertoire, uid, gid, actif)
             VALUES (?, ?, ?, '', ?, ?, ?, 'Y')`,
            [
              hostingId,
              login,
              hash,
              ftpDirectory(hosting.root, e.data.path),
              hosting.uid,
              hosting.uid,
            ],
          );
        } catch (error) {
          // Gloux inserted the same login between the read and the write.
          if (!isDuplicateKey(error)) throw error;
          return conflict((await rowOf(tx, login))?.hostingId ?? 0);
        }
        row = await rowOf(tx, login);
        if (!row) throw new Error(`ftp row ${login} missing after insert`);
      }
      await tx.execute(`INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('ftp', ?, ?)`, [
        accountId,
        row.id,
      ]);
      await purgeHash(tx, accountId);
      return { kind: 'written', ftpId: row.id };
    }
    case 'FtpPasswordChanged': {
      // The latest hash is written by the first event that finds it: later ones find none.
      const hash = await waitingHash(tx, accountId);
      if (hash !== null) {
        const own = await ownRow(tx, accountId, login, hostingId);
        await tx.execute(`UPDATE ftp SET mot_de_passe = ? WHERE ${own.where}`, [
          hash,
          ...own.params,
        ]);
        await purgeHash(tx, accountId);
      }
      return { kind: 'written', ftpId: (await rowOf(tx, login))?.id ?? null };
    }
    case 'FtpRootChanged': {
      const hosting = await hostingOf(tx, hostingId);
      const own = await ownRow(tx, accountId, login, hostingId);
      await tx.execute(`UPDATE ftp SET repertoire = ? WHERE ${own.where}`, [
        ftpDirectory(hosting.root, e.data.path),
        ...own.params,
      ]);
      return { kind: 'written', ftpId: (await rowOf(tx, login))?.id ?? null };
    }
    case 'FtpAccountRemoved':
      await tx.execute('DELETE FROM ftp WHERE login = ? AND id_hebergement = ?', [
        login,
        hostingId,
      ]);
      await purgeHash(tx, accountId);
      return { kind: 'written', ftpId: null };
    default: {
      const never: never = e;
      return never;
    }
  }
}
