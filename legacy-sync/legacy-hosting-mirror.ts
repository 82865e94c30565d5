import { defaultRecords, defaultSoa } from '../domain/hosting/default-zone.js';
import type { DomainAdded, DomainRemoved } from '../domain/hosting/domain-events.js';
import { isHostingEvent, type HostingEvent } from '../domain/hosting/events.js';
import type { FtpEvent } from '../domain/hosting/ftp-events.js';
import type { MailboxEvent } from '../domain/hosting/mailbox-events.js';
import type { HostingNameKind } from '../domain/hosting/hosting-names.js';
import { parisDateTimeOf, parisDayOf } from '../domain/shared/day.js';
import type { Db, Queryable, Tx } from '../src/kernel/database/db.js';
import { isDuplicateKey } from '../src/kernel/database/db.js';
import {
  readAll,
  sqlTimestamp,
  type RecordedEvent,
} from '../src/kernel/event-store/event-store.js';
import { mirrorFtpEvent } from './legacy-ftp.js';
import { mirrorRedirectionEvent } from './legacy-redirections.js';
import { mirrorMailboxEvent } from './legacy-mailboxes.js';
import { domainByName } from './legacy-hosting-inventory.js';
import { mirrorDnsEvent } from './legacy-zones.js';
import { mirrorVhostEvent } from './legacy-vhosts.js';
import { SingleFlight } from './single-flight.js';
import { insertRecord, insertSoa } from './legacy-zones.js';
import { lockCheckpoint } from './legacy-sync.worker.js';

/**
 * gloux2 → Gloux for the web hosting events (issue 18): writes what each event means into
 * Gloux's hosting tables (`domaines`, `soa`, `rr`, later `vhosts`, `ftp`, `mails`…), the way
 * Gloux writes them, after commit, from its own checkpoint. Each module adds its cases to the
 * one switch of `mirrorHostingEvent`.
 *
 * These tables are MyISAM: nothing there rolls back. So each event is mirrored in a transaction
 * of its own with the checkpoint, and every write is idempotent: a replay (a crash before the
 * checkpoint) finds its own rows and completes what is missing. A row Gloux itself wrote under
 * the same name in between (its UNIQUE key refuses ours) is Gloux's: it is recorded in
 * `g2_hosting_conflicts`, never overwritten.
 */

export const HOSTING_MIRROR_CHECKPOINT = 'legacy-hosting';

/** What the mirror needs beyond the events (from the configuration). */
export interface HostingMirrorOptions {
  /** MAIL_ROOT: a new box's `mails.maildir` is `<mailRoot>/<domain>/<local>/`. */
  readonly mailRoot: string;
}

/**
 * The last position the hosting mirror has written into Gloux's tables (0: none yet): a
 * decider's state is Gloux's rows with the stream's events after it folded on top.
 */
export async function hostingMirroredUpTo(q: Pick<Queryable, 'query'>): Promise<number> {
  const [row] = await q.query<{ position: number | string }>(
    `SELECT position FROM g2_checkpoints WHERE name = ?`,
    [HOSTING_MIRROR_CHECKPOINT],
  );
  return Number(row?.position ?? 0);
}

/** Writes one hosting event into Gloux's tables. Safe to run again for the same event. */
export async function mirrorHostingEvent(
  tx: Tx,
  event: RecordedEvent<HostingEvent>,
  options: HostingMirrorOptions,
): Promise<void> {
  const e = { type: event.type, data: event.data } as HostingEvent;
  switch (e.type) {
    case 'DomainAdded':
      return mirrorDomainAdded(tx, e, event);
    case 'DomainRemoved':
      return mirrorDomainRemoved(tx, e, event);
    case 'DomainMailHostingChanged':
      // Postfix's domains map reads gere_mx (HOSTING.md); the MX records are zone events.
      await tx.execute(`UPDATE domaines SET gere_mx = ? WHERE domaine = ? AND id_hebergement = ?`, [
        e.data.manageMx ? 'O' : 'N',
        e.data.domain,
        e.data.hostingId,
      ]);
      return;
    case 'FtpAccountCreated':
    case 'FtpPasswordChanged':
    case 'FtpRootChanged':
    case 'FtpAccountRemoved':
      return mirrorFtp(tx, e, event);
    case 'MailboxCreated':
    case 'MailboxPasswordChanged':
    case 'MailboxQuotaChanged':
    case 'MailboxAccessChanged':
    case 'MailboxAutoReplyChanged':
    case 'MailboxDeletionRequested':
    case 'MailboxDeletionCancelled':
    case 'MailboxPurgeStarted':
    case 'MailboxPurged':
      return mirrorMailbox(tx, e, event, options.mailRoot);
    case 'DnsRecordAdded':
    case 'DnsRecordChanged':
    case 'DnsRecordRemoved':
      // rr written as MyDNS reads it, then the zone's serial bumped once.
      await mirrorDnsEvent(tx, e, event);
      return;
    case 'VhostCreated':
    case 'VhostChanged':
    case 'VhostRemoved': {
      const write = await mirrorVhostEvent(tx, e, event.position);
      if (write.kind === 'conflict')
        await recordHostingConflict(tx, {
          kind: 'vhost',
          name: write.host,
          hostingId: e.data.hostingId,
          eventPosition: event.position,
          detail: `Le site ${write.host} a été créé dans Gloux (hébergement n° ${write.heldBy}) pendant que gloux2 le créait : la ligne de Gloux est gardée.`,
        });
      return;
    }
    case 'RedirectionCreated':
    case 'RedirectionChanged':
    case 'RedirectionRemoved': {
      // mails_redirections (legacy-redirections.ts); a source Gloux took meanwhile is kept.
      const write = await mirrorRedirectionEvent(tx, e);
      if (write.kind === 'conflict')
        await recordHostingConflict(tx, {
          kind: 'redirection',
          name: write.source,
          hostingId: e.data.hostingId,
          eventPosition: event.position,
          detail: `Une redirection de ${write.source} a été créée dans Gloux (hébergement n° ${write.heldBy}) pendant que gloux2 la créait : la ligne de Gloux est gardée.`,
        });
      return;
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** `ftp` (legacy-ftp.ts); a login Gloux gave another row in between is a recorded conflict. */
async function mirrorFtp(tx: Tx, e: FtpEvent, event: RecordedEvent): Promise<void> {
  const written = await mirrorFtpEvent(tx, e);
  if (written.kind === 'conflict')
    await recordHostingConflict(tx, {
      kind: 'ftp_login',
      name: written.login,
      hostingId: e.data.hostingId,
      eventPosition: event.position,
      detail: `L’identifiant FTP ${written.login} a été pris dans Gloux (hébergement n° ${written.heldBy}) pendant que gloux2 créait le compte : la ligne de Gloux est gardée, le compte n’existe pas.`,
    });
}

/** `mails` (legacy-mailboxes.ts); an address Gloux gave another row in between is a recorded conflict. */
async function mirrorMailbox(
  tx: Tx,
  e: MailboxEvent,
  event: RecordedEvent,
  mailRoot: string,
): Promise<void> {
  const written = await mirrorMailboxEvent(tx, e, event, mailRoot);
  if (written.kind === 'conflict')
    await recordHostingConflict(tx, {
      kind: 'mailbox',
      name: written.address,
      hostingId: e.data.hostingId,
      eventPosition: event.position,
      detail: `L’adresse ${written.address} a été prise dans Gloux (hébergement n° ${written.heldBy}) pendant que gloux2 créait la boîte : la ligne de Gloux est gardée, la boîte n’existe pas.`,
    });
}

/** A name Gloux took between gloux2's command and its mirror: kept as Gloux wrote it, said. */
export async function recordHostingConflict(
  tx: Tx,
  conflict: {
    readonly kind: HostingNameKind;
    readonly name: string;
    readonly hostingId: number;
    readonly eventPosition: number;
    readonly detail: string;
  },
): Promise<void> {
  const insert = tx.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  await tx.execute(
    `${insert} INTO g2_hosting_conflicts (kind, name, hosting_id, event_position, reason, detail, recorded_at)
     VALUES (?, ?, ?, ?, 'name_taken_in_gloux', ?, ?)`,
    [
      conflict.kind,
      conflict.name,
      conflict.hostingId,
      conflict.eventPosition,
      conflict.detail,
      sqlTimestamp(new Date()),
    ],
  );
}

export interface HostingConflict {
  readonly kind: HostingNameKind;
  readonly name: string;
  readonly hostingId: number;
  readonly detail: string;
  readonly recordedAt: string;
}

/** The conflicts recorded for a hosting, newest first. */
export async function conflictsOfHosting(
  q: Queryable,
  hostingId: number,
): Promise<HostingConflict[]> {
  const rows = await q.query<{
    kind: HostingNameKind;
    name: string;
    hosting_id: number | string;
    detail: string;
    recorded_at: string;
  }>(
    `SELECT kind, name, hosting_id, detail, recorded_at FROM g2_hosting_conflicts WHERE hosting_id = ? ORDER BY id DESC`,
    [hostingId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    hostingId: Number(r.hosting_id),
    detail: r.detail,
    recordedAt: r.recorded_at,
  }));
}

const eventInstant = (event: RecordedEvent) => new Date(event.recordedAt.replace(' ', 'T') + 'Z');

/**
 * `domaines` (no trailing dot; gere_dns/gere_mx 'O'/'N'; date_ajout in Paris time, Gloux's
 * local time) and, when its DNS is served here, the `soa` row (origin with the dot) and the
 * default records. On a replay the `domaines` row already there is recognised as ours by the
 * hosting and the date_ajout this event wrote.
 */
async function mirrorDomainAdded(tx: Tx, e: DomainAdded, event: RecordedEvent): Promise<void> {
  const { hostingId, domain, manageDns, manageMx } = e.data;
  const addedAt = parisDateTimeOf(eventInstant(event));
  const taken = (detail: string) =>
    recordHostingConflict(tx, {
      kind: 'domain',
      name: domain,
      hostingId,
      eventPosition: event.position,
      detail,
    });
  let row = await domainRow(tx, domain);
  if (row && !(row.id_hebergement === hostingId && row.date_ajout === addedAt)) {
    return taken(
      `Le domaine ${domain} a été enregistré dans Gloux (hébergement n° ${row.id_hebergement}) pendant que gloux2 l’ajoutait : la ligne de Gloux est gardée.`,
    );
  }
  if (!row) {
    try {
      await tx.execute(
        `INSERT INTO domaines (domaine, id_hebergement, id_soa, gere_dns, gere_mx, date_ajout) VALUES (?, ?, 0, ?, ?, ?)`,
        [domain, hostingId, manageDns ? 'O' : 'N', manageMx ? 'O' : 'N', addedAt],
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return taken(
        `Le domaine ${domain} a été enregistré dans Gloux pendant que gloux2 l’ajoutait : la ligne de Gloux est gardée.`,
      );
    }
    row = (await domainRow(tx, domain))!;
  }
  if (!manageDns) return;
  let soaId = row.id_soa;
  if (soaId === 0) {
    const soa = defaultSoa(domain, parisDayOf(eventInstant(event)));
    const [existing] = await tx.query<{ id: number | string }>(
      `SELECT id FROM soa WHERE origin = ?`,
      [soa.origin],
    );
    if (existing) {
      // Ours from a run cut short, unless another domain of Gloux's points at it.
      const [user] = await tx.query(`SELECT id_domaine FROM domaines WHERE id_soa = ?`, [
        Number(existing.id),
      ]);
      if (user)
        return taken(
          `La zone ${soa.origin} existe déjà dans Gloux pour un autre domaine : elle n’a pas été touchée.`,
        );
      soaId = Number(existing.id);
    } else {
      soaId = await insertSoa(tx, soa);
    }
    await tx.execute(`UPDATE domaines SET id_soa = ? WHERE id_domaine = ?`, [
      soaId,
      row.id_domaine,
    ]);
  }
  // Insert-or-keep: a replay, or Gloux adding the same record meanwhile, finds it there.
  for (const r of defaultRecords(manageMx)) await insertRecord(tx, soaId, r);
}

/**
 * Deletes the `domaines` row and its zone (`rr`, then `soa`), only while the row is still this
 * hosting's: a domain Gloux moved or re-created meanwhile is left as Gloux holds it.
 */
async function mirrorDomainRemoved(tx: Tx, e: DomainRemoved, event: RecordedEvent): Promise<void> {
  const { hostingId, domain } = e.data;
  const row = await domainRow(tx, domain);
  if (!row) return; // already done
  if (row.id_hebergement !== hostingId) {
    return recordHostingConflict(tx, {
      kind: 'domain',
      name: domain,
      hostingId,
      eventPosition: event.position,
      detail: `Le domaine ${domain} est passé sur l’hébergement n° ${row.id_hebergement} dans Gloux : il n’a pas été supprimé.`,
    });
  }
  if (row.id_soa > 0) {
    await tx.execute(`DELETE FROM rr WHERE zone = ?`, [row.id_soa]);
    await tx.execute(`DELETE FROM soa WHERE id = ?`, [row.id_soa]);
  }
  await tx.execute(`DELETE FROM domaines WHERE id_domaine = ?`, [row.id_domaine]);
}

async function domainRow(q: Queryable, domain: string) {
  const d = await domainByName(q, domain);
  if (!d) return null;
  const [row] = await q.query<{ date_ajout: string }>(
    `SELECT date_ajout FROM domaines WHERE id_domaine = ?`,
    [d.domainId],
  );
  return {
    id_domaine: d.domainId,
    id_hebergement: d.hostingId,
    id_soa: d.soaId ?? 0,
    date_ajout: String(row?.date_ajout ?? ''),
  };
}

/**
 * Follows the log after commit from its own checkpoint, one hosting event per transaction (with
 * the checkpoint): the MyISAM writes of a replay are at most one event's, which its case makes
 * idempotent. Events taken in from Gloux (source 'gloux') are already in Gloux's tables.
 */
export class LegacyHostingMirror {
  private readonly flight = new SingleFlight(
    () => this.catchUp(),
    (a: number, b: number) => a + b,
    () => 0,
  );

  constructor(
    private readonly db: Db,
    private readonly options: HostingMirrorOptions,
    private readonly batchSize = 500,
  ) {}

  get lastError(): { at: string; message: string } | null {
    return this.flight.lastError;
  }

  /** Mirrors everything committed so far; returns how many hosting events it wrote. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const step = await this.db.transaction((tx) => this.step(tx), { readCommitted: true });
      total += step.mirrored;
      if (step.read === 0) return total;
    }
  }

  wake(): Promise<number> {
    return this.flight.wake();
  }

  drain(): Promise<number> {
    return this.flight.drain();
  }

  position(): Promise<number> {
    return this.db.run((q) => hostingMirroredUpTo(q));
  }

  /** Up to the first hosting event of the next batch (included), then the checkpoint. */
  private async step(tx: Tx): Promise<{ read: number; mirrored: number }> {
    const from = await lockCheckpoint(tx, HOSTING_MIRROR_CHECKPOINT);
    const events = await readAll(tx, from, this.batchSize);
    if (events.length === 0) return { read: 0, mirrored: 0 };
    let last = events[events.length - 1]!.position;
    let mirrored = 0;
    for (const event of events) {
      if (!isHostingEvent(event)) continue;
      if (event.metadata.source === 'g2') {
        await mirrorHostingEvent(tx, event as RecordedEvent<HostingEvent>, this.options);
        mirrored = 1;
      }
      last = event.position;
      break;
    }
    await tx.execute(`UPDATE g2_checkpoints SET position = ?, updated_at = ? WHERE name = ?`, [
      last,
      sqlTimestamp(new Date()),
      HOSTING_MIRROR_CHECKPOINT,
    ]);
    return { read: events.length, mirrored };
  }
}
