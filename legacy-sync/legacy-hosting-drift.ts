import type { HostingNameKind } from '../domain/hosting/hosting-names.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { hostingMirroredUpTo } from './legacy-hosting-mirror.js';
import { nameTakenInGloux } from './legacy-hosting-inventory.js';

/** A drift row of legacy-drift.ts's `Drift` (area 'hebergement'; kept here without importing it). */
export interface HostingDrift {
  readonly area: 'hebergement';
  readonly legacyId: string;
  readonly label: string;
  readonly field: string;
  readonly gloux: string;
  readonly gloux2: string;
  readonly owner: 'gloux';
  readonly repair: null;
}

/** What a claimed name is, for people. */
const KIND_LABEL: Readonly<Record<HostingNameKind, string>> = {
  domain: 'domaine',
  ftp_login: 'compte FTP',
  vhost: 'site',
  mailbox: 'boîte mail',
  database: 'base MySQL',
  redirection: 'redirection',
};

/**
 * The hosting side of the drift report (HOSTING.md, "Who sees what": names claimed in one side
 * only). Every name gloux2 holds in `g2_hosting_names` must have its row in Gloux's table, on
 * the same hosting, once the hosting mirror has written the stream's events. A row gone means
 * someone deleted it in Gloux; a row on another hosting means Gloux took the name while gloux2
 * was writing it (the mirror recorded the conflict and wrote nothing). Both are for a person to
 * settle: re-creating a row Gloux deleted, or moving one, could undo someone's decision.
 * Gloux's own rows that gloux2 never claimed are not drift: they are Gloux's.
 */
export async function hostingNameDrift(q: Queryable): Promise<HostingDrift[]> {
  const mirrored = await hostingMirroredUpTo(q);
  const claims = await q.query<{ kind: HostingNameKind; name: string; stream_id: string }>(
    `SELECT n.kind, n.name, n.stream_id FROM g2_hosting_names n
      WHERE (SELECT MAX(e.position) FROM g2_events e WHERE e.stream_id = n.stream_id) <= ?
      ORDER BY n.kind, n.name`,
    [mirrored],
  );
  const out: HostingDrift[] = [];
  for (const claim of claims) {
    const match = /^hosting-(\d+)$/.exec(claim.stream_id);
    if (!match || !(claim.kind in KIND_LABEL)) continue;
    const hostingId = Number(match[1]);
    const row = await nameTakenInGloux(q, claim.kind, claim.name);
    if (row && row.hostingId === hostingId) continue;
    const base = {
      area: 'hebergement' as const,
      legacyId: claim.name,
      label: `${KIND_LABEL[claim.kind]} ${claim.name}`,
      gloux2: `hébergement n° ${hostingId}`,
      owner: 'gloux' as const,
      repair: null,
    };
    out.push(
      row
        ? { ...base, field: 'id_hebergement', gloux: `hébergement n° ${row.hostingId}` }
        : { ...base, field: 'présence', gloux: 'absent (supprimé dans Gloux ?)' },
    );
  }
  return out;
}
