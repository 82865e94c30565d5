import type { VhostEvent, VhostSettings } from '../domain/hosting/vhost-events.js';
import type { VhostSite } from '../domain/hosting/vhost-inventory.js';
import { PHP_CHOICES, type PhpChoice } from '../domain/hosting/vhosts.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText } from './legacy-text.js';

/**
 * Gloux's `vhosts` rows as gloux2 writes them (HOSTING.md, "Formats Gloux expects"): aliases
 * space-separated, `ssl` '1'/'0' (a reserved word, quoted), `actif` Y/N, and `a_regenerer = 1`
 * on every write, the flag Gloux's cron reads to regenerate Apache's configuration. Every text
 * was checked in domain/hosting/vhosts.ts (printable ASCII within 255), so bytes = characters.
 */

/** What a write did: the row is Gloux's view of the event, or another hosting holds the name. */
export type VhostWrite =
  | { readonly kind: 'written'; readonly vhostId: number | null }
  | { readonly kind: 'conflict'; readonly host: string; readonly heldBy: number };

const settingsColumns = (s: VhostSettings) => [
  s.aliases.join(' '),
  s.php,
  s.ssl ? '1' : '0',
  s.redirection,
  s.enabled ? 'Y' : 'N',
];

async function rowOf(
  q: Queryable,
  host: string,
): Promise<{ id: number; hostingId: number } | null> {
  const [row] = await q.query<{ id_vhost: number | string; id_hebergement: number | string }>(
    'SELECT id_vhost, id_hebergement FROM vhosts WHERE nom_hote = ?',
    [host],
  );
  return row ? { id: Number(row.id_vhost), hostingId: Number(row.id_hebergement) } : null;
}

/**
 * Mirrors one web-space event into `vhosts`. Idempotent: a site is inserted once (`g2_legacy_map`
 * kind `vhost`, keyed by the event's position; a row of the same hosting and name already there,
 * from a crash between Gloux's MyISAM insert and the map's commit, is adopted). A name another
 * hosting holds in Gloux (taken in between: MyISAM shares no transaction) is a conflict, and
 * Gloux's row is never touched. A change or removal of a row Gloux already removed is nothing
 * to do.
 */
export async function mirrorVhostEvent(
  tx: Queryable,
  e: VhostEvent,
  position: number | string,
): Promise<VhostWrite> {
  const { hostingId, host } = e.data;
  switch (e.type) {
    case 'VhostCreated': {
      const key = String(position);
      const [known] = await tx.query<{ legacy_id: number | string }>(
        `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'vhost' AND g2_id = ?`,
        [key],
      );
      if (known) return { kind: 'written', vhostId: Number(known.legacy_id) };
      let row = await rowOf(tx, host);
      if (row && row.hostingId !== hostingId)
        return { kind: 'conflict', host, heldBy: row.hostingId };
      if (!row) {
        await tx.execute(
          `INSERT INTO vhosts (id_hebergement, id_domaine, nom_hote, racine, alias, php, cgi,
                               \`ssl\`, redirection, actif, a_regenerer)
           VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 1)`,
          [hostingId, e.data.domainId, host, e.data.folder, ...settingsColumns(e.data)],
        );
        row = await rowOf(tx, host);
        if (!row) throw new Error(`vhosts row ${host} missing after insert`);
      }
      await tx.execute(
        `INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('vhost', ?, ?)`,
        [key, row.id],
      );
      return { kind: 'written', vhostId: row.id };
    }
    case 'VhostChanged': {
      await tx.execute(
        `UPDATE vhosts SET alias = ?, php = ?, \`ssl\` = ?, redirection = ?, actif = ?, a_regenerer = 1
          WHERE nom_hote = ? AND id_hebergement = ?`,
        [...settingsColumns(e.data), host, hostingId],
      );
      return { kind: 'written', vhostId: (await rowOf(tx, host))?.id ?? null };
    }
    case 'VhostRemoved':
      await tx.execute('DELETE FROM vhosts WHERE nom_hote = ? AND id_hebergement = ?', [
        host,
        hostingId,
      ]);
      return { kind: 'written', vhostId: null };
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** A hosting's web spaces as Gloux's `vhosts` rows hold them now (Gloux's own and gloux2's). */
export async function readHostingVhosts(q: Queryable, hostingId: number): Promise<VhostSite[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT nom_hote, id_domaine, racine, alias, php, \`ssl\` AS ssl_flag, redirection, actif
       FROM vhosts WHERE id_hebergement = ? ORDER BY nom_hote`,
    [hostingId],
  );
  const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);
  return rows.map((r) => ({
    host: text(r.nom_hote).toLowerCase(),
    domainId: Number(r.id_domaine),
    folder: text(r.racine),
    aliases: text(r.alias)
      .split(/\s+/)
      .filter((a) => a !== ''),
    php: (PHP_CHOICES as readonly unknown[]).includes(r.php) ? (r.php as PhpChoice) : '5',
    ssl: String(r.ssl_flag) === '1',
    redirection: text(r.redirection),
    enabled: r.actif !== 'N',
  }));
}
