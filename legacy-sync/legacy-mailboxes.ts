import { maildirOf } from '../domain/hosting/mailboxes.js';
import type { MailboxEvent } from '../domain/hosting/mailbox-events.js';
import { isDuplicateKey, type Queryable } from '../src/kernel/database/db.js';
import { sqlTimestamp, type RecordedEvent } from '../src/kernel/event-store/event-store.js';
import { keepHostingHash, purgeHostingHash, waitingHostingHash } from './legacy-hosting-secrets.js';
import { decodeLegacyText, legacyTextParam, legacyTextSelect } from './legacy-text.js';

/**
 * Gloux's `mails` rows as gloux2 writes them (issue 19, HOSTING.md "Formats Gloux expects" and
 * "Deferred deletion"): `adresse` lower case with its domain in A-labels, `mot_de_passe` = the
 * `$5$` hash waiting in `g2_hosting_secrets` (deleted once written: it never enters the event
 * log and does not outlive the write), `maildir` = `<MAIL_ROOT>/<domain>/<local>/` as Gloux's
 * sample row, `quota_mo`, `pop`/`imap` '0'/'1', `repondeur` (UTF-8 bytes, as Gloux writes its
 * latin1 text columns), `actif` 'Y'. A deletion request sets `actif = 'N'` and writes the
 * `g2_mailbox_deletions` row the daemon queries read; a cancellation undoes both; the purge
 * deletes the row, its usage, its deletion row, the redirections to it alone (and it from the
 * others), and writes a `journal` row like Gloux's. Dovecot and Postfix read the rows live.
 */

export type MailboxWrite =
  | { readonly kind: 'written'; readonly mailId: number | null }
  | { readonly kind: 'conflict'; readonly address: string; readonly heldBy: number };

/** A `mot_de_passe` no password matches (crypt(3) never outputs it). */
export const LOCKED = '!';

/** The `g2_hosting_secrets` kind of a box's hash. */
const SECRET = 'mail';

/** The box id of a row Gloux created itself (no MailboxCreated): its `id_mail`. */
export const glouxMailboxId = (mailId: number): string => `gloux-mail-${mailId}`;

/** Keeps a box's new hash for the mirror, in the command's transaction (the latest wins). */
export const keepMailboxHash = (tx: Queryable, mailboxId: string, hash: string, now: Date) =>
  keepHostingHash(tx, SECRET, mailboxId, hash, now);

async function rowOf(
  tx: Queryable,
  address: string,
): Promise<{ id: number; hostingId: number; hash: string } | null> {
  const [row] = await tx.query<{
    id_mail: number | string;
    id_hebergement: number | string;
    mot_de_passe: string;
  }>('SELECT id_mail, id_hebergement, mot_de_passe FROM mails WHERE adresse = ?', [address]);
  return row
    ? { id: Number(row.id_mail), hostingId: Number(row.id_hebergement), hash: row.mot_de_passe }
    : null;
}

/**
 * The `id_mail` of a box of this hosting: the row gloux2 inserted (mapped), the row Gloux
 * created (its id in the box id), else the hosting's row at that address; never another
 * hosting's. Null: no such row (already purged, or a conflict).
 */
async function ownMailId(
  tx: Queryable,
  mailboxId: string,
  address: string,
  hostingId: number,
): Promise<number | null> {
  const [known] = await tx.query<{ legacy_id: number | string }>(
    `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'mailbox' AND g2_id = ?`,
    [mailboxId],
  );
  const gloux = /^gloux-mail-(\d+)$/.exec(mailboxId);
  const id = known ? Number(known.legacy_id) : gloux ? Number(gloux[1]) : null;
  const [row] =
    id !== null
      ? await tx.query<{ id_mail: number | string }>(
          'SELECT id_mail FROM mails WHERE id_mail = ? AND id_hebergement = ?',
          [id, hostingId],
        )
      : await tx.query<{ id_mail: number | string }>(
          'SELECT id_mail FROM mails WHERE adresse = ? AND id_hebergement = ?',
          [address, hostingId],
        );
  return row ? Number(row.id_mail) : null;
}

/** The id_mail the box had (mapped or Gloux's), even once its row is gone. */
async function knownMailId(tx: Queryable, mailboxId: string): Promise<number | null> {
  const [known] = await tx.query<{ legacy_id: number | string }>(
    `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'mailbox' AND g2_id = ?`,
    [mailboxId],
  );
  if (known) return Number(known.legacy_id);
  const gloux = /^gloux-mail-(\d+)$/.exec(mailboxId);
  return gloux ? Number(gloux[1]) : null;
}

const eventInstant = (event: RecordedEvent) => new Date(event.recordedAt.replace(' ', 'T') + 'Z');

/** The Gloux user behind an actor `user:<id>` (0: the CLI, a job, the system). */
const glouxUserOf = (actor: string): number => {
  const m = /^user:(\d{1,10})$/.exec(actor);
  return m ? Number(m[1]) : 0;
};

/**
 * Mirrors one mailbox event into Gloux's tables. Idempotent: a box is inserted once
 * (`g2_legacy_map` kind `mailbox`, keyed by its box id; a row of this hosting carrying the very
 * hash waiting for it, left by a crash between Gloux's MyISAM insert and the map's commit, is
 * adopted). An address Gloux gave another row in between is a conflict, and Gloux's row is never
 * touched. Later events touch only the hosting's own row.
 */
export async function mirrorMailboxEvent(
  tx: Queryable,
  e: MailboxEvent,
  event: RecordedEvent,
  mailRoot: string,
): Promise<MailboxWrite> {
  const { hostingId, mailboxId, address } = e.data;
  const written = async (): Promise<MailboxWrite> => ({
    kind: 'written',
    mailId: await ownMailId(tx, mailboxId, address, hostingId),
  });
  switch (e.type) {
    case 'MailboxCreated': {
      const [known] = await tx.query<{ legacy_id: number | string }>(
        `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'mailbox' AND g2_id = ?`,
        [mailboxId],
      );
      if (known) return { kind: 'written', mailId: Number(known.legacy_id) };
      // No hash waiting (lost, or an event appended by another path): the box is written locked
      // (`!` never matches a crypt), so the mirror goes on and a new password opens it.
      const hash = (await waitingHostingHash(tx, SECRET, mailboxId)) ?? LOCKED;
      const conflict = (heldBy: number): MailboxWrite => ({ kind: 'conflict', address, heldBy });
      let row = await rowOf(tx, address);
      if (row && !(row.hostingId === hostingId && row.hash === hash))
        return conflict(row.hostingId);
      if (!row) {
        try {
          await tx.execute(
            `INSERT INTO mails (id_hebergement, id_domaine, adresse, mot_de_passe, maildir, quota_mo,
                                utilise_ko, pop, imap, repondeur, actif)
             VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, 'Y')`,
            [
              hostingId,
              e.data.domainId,
              address,
              hash,
              maildirOf(mailRoot, address),
              e.data.quotaMb,
              e.data.pop ? '1' : '0',
              e.data.imap ? '1' : '0',
            ],
          );
        } catch (error) {
          // Gloux inserted the same address between the read and the write.
          if (!isDuplicateKey(error)) throw error;
          return conflict((await rowOf(tx, address))?.hostingId ?? 0);
        }
        row = await rowOf(tx, address);
        if (!row) throw new Error(`mails row ${address} missing after insert`);
      }
      await tx.execute(
        `INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('mailbox', ?, ?)`,
        [mailboxId, row.id],
      );
      await purgeHostingHash(tx, SECRET, mailboxId);
      return { kind: 'written', mailId: row.id };
    }
    case 'MailboxPasswordChanged': {
      // The latest hash is written by the first event that finds it: later ones find none.
      const hash = await waitingHostingHash(tx, SECRET, mailboxId);
      const id = await ownMailId(tx, mailboxId, address, hostingId);
      if (hash !== null && id !== null) {
        await tx.execute('UPDATE mails SET mot_de_passe = ? WHERE id_mail = ?', [hash, id]);
        await purgeHostingHash(tx, SECRET, mailboxId);
      }
      return { kind: 'written', mailId: id };
    }
    case 'MailboxQuotaChanged':
      return update(tx, e.data, 'quota_mo = ?', [e.data.quotaMb]).then(written);
    case 'MailboxAccessChanged':
      return update(tx, e.data, 'pop = ?, imap = ?', [
        e.data.pop ? '1' : '0',
        e.data.imap ? '1' : '0',
      ]).then(written);
    case 'MailboxAutoReplyChanged':
      return update(tx, e.data, 'repondeur = ?', [
        e.data.message === null ? null : legacyTextParam(e.data.message, tx.dialect),
      ]).then(written);
    case 'MailboxDeletionRequested': {
      const id = await ownMailId(tx, mailboxId, address, hostingId);
      if (id === null) return { kind: 'written', mailId: null };
      await tx.execute(`UPDATE mails SET actif = 'N' WHERE id_mail = ?`, [id]);
      const [pending] = await tx.query(
        'SELECT id_mail FROM g2_mailbox_deletions WHERE id_mail = ?',
        [id],
      );
      if (!pending)
        await tx.execute(
          `INSERT INTO g2_mailbox_deletions (id_mail, mailbox_id, address, hosting_id, requested_at, purge_after, requested_by)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            mailboxId,
            address,
            hostingId,
            sqlTimestamp(eventInstant(event)),
            e.data.purgeAfter,
            e.data.actor.slice(0, 64),
          ],
        );
      return { kind: 'written', mailId: id };
    }
    case 'MailboxDeletionCancelled': {
      const id = await ownMailId(tx, mailboxId, address, hostingId);
      if (id === null) return { kind: 'written', mailId: null };
      await tx.execute(`UPDATE mails SET actif = 'Y' WHERE id_mail = ?`, [id]);
      await tx.execute('DELETE FROM g2_mailbox_deletions WHERE id_mail = ?', [id]);
      return { kind: 'written', mailId: id };
    }
    case 'MailboxPurgeStarted':
      // The purge job works outside MySQL; Gloux's row stays as the deletion left it.
      return written();
    case 'MailboxPurged':
      await mirrorPurged(tx, e.data, event);
      return { kind: 'written', mailId: null };
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** One column change on the hosting's own row (none: nothing to do, e.g. already purged). */
async function update(
  tx: Queryable,
  box: { readonly hostingId: number; readonly mailboxId: string; readonly address: string },
  set: string,
  params: unknown[],
): Promise<void> {
  const id = await ownMailId(tx, box.mailboxId, box.address, box.hostingId);
  if (id !== null) await tx.execute(`UPDATE mails SET ${set} WHERE id_mail = ?`, [...params, id]);
}

/**
 * The box's files are gone: its `mails` row, usage rows, deletion row, the hosting's
 * redirections whose only destination it was (it is taken out of the others), and one
 * `journal` row (`objet 'mail'`, `action 'suppression'`), each at most once on a replay.
 */
async function mirrorPurged(
  tx: Queryable,
  box: {
    readonly hostingId: number;
    readonly mailboxId: string;
    readonly address: string;
    readonly actor: string;
  },
  event: RecordedEvent,
): Promise<void> {
  const { hostingId, mailboxId, address } = box;
  const own = await ownMailId(tx, mailboxId, address, hostingId);
  const mailId = own ?? (await knownMailId(tx, mailboxId));
  if (own !== null) await tx.execute('DELETE FROM mails WHERE id_mail = ?', [own]);
  await tx.execute('DELETE FROM g2_mail_usage WHERE address = ?', [address]);
  await tx.execute('DELETE FROM g2_mailbox_deletions WHERE mailbox_id = ?', [mailboxId]);
  if (mailId !== null)
    await tx.execute('DELETE FROM g2_mailbox_deletions WHERE id_mail = ?', [mailId]);
  const redirections = await tx.query<{ id_redirection: number | string; destinations: unknown }>(
    `SELECT id_redirection, ${legacyTextSelect('destinations', tx.dialect)} AS destinations
       FROM mails_redirections WHERE id_hebergement = ? AND destinations LIKE ?`,
    // `_` in an address is LIKE's wildcard: the match is only a filter, checked exactly below.
    [hostingId, `%${address}%`],
  );
  for (const r of redirections) {
    const all = decodeLegacyText(r.destinations as Buffer | string | null)
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '');
    const rest = all.filter((d) => d.toLowerCase() !== address);
    if (rest.length === all.length) continue;
    if (rest.length === 0)
      await tx.execute('DELETE FROM mails_redirections WHERE id_redirection = ?', [
        Number(r.id_redirection),
      ]);
    else
      await tx.execute('UPDATE mails_redirections SET destinations = ? WHERE id_redirection = ?', [
        legacyTextParam(rest.join(','), tx.dialect),
        Number(r.id_redirection),
      ]);
  }
  // Gloux's journal.id_objet is varchar(64): the address when it fits, else the box's id_mail.
  const objectId = address.length <= 64 ? address : String(mailId ?? mailboxId).slice(0, 64);
  const ts = Math.floor(eventInstant(event).getTime() / 1000);
  const [logged] = await tx.query(
    `SELECT id FROM journal WHERE objet = 'mail' AND id_objet = ? AND action = 'suppression' AND ts = ?`,
    [objectId, ts],
  );
  if (!logged)
    await tx.execute(
      `INSERT INTO journal (ts, id_utilisateur, ip, objet, id_objet, action, details)
       VALUES (?, ?, '', 'mail', ?, 'suppression', ?)`,
      [ts, glouxUserOf(box.actor), objectId, `boîte ${address} purgée (gloux2)`],
    );
}
