import type { RedirectionEvent } from '../domain/hosting/redirection-events.js';
import {
  DESTINATIONS_TEXT_MAX,
  REDIRECTION_ADDRESS_MAX,
  destinationsOf,
  destinationsText,
  type Redirection,
} from '../domain/hosting/redirections.js';
import type { Queryable } from '../src/kernel/database/db.js';
import { decodeLegacyText, legacyTextSelect } from './legacy-text.js';

/**
 * Gloux's `mails_redirections` rows as gloux2 reads and writes them (HOSTING.md, "Formats Gloux
 * expects"): `source` the address or the catch-all `@domaine`, `destinations` comma-separated
 * (Postfix reads that as a list), `garder_copie` 0/1, `actif` 'Y'. Postfix's `virtual_alias_maps`
 * reads the row at the next message: no job.
 */

export type RedirectionWrite =
  | { readonly kind: 'written' }
  | { readonly kind: 'conflict'; readonly source: string; readonly heldBy: number };

interface Row {
  id_hebergement: number | string;
  source: unknown;
  destinations: unknown;
  garder_copie: number | string;
  actif: string;
  [k: string]: unknown;
}

const text = (v: unknown) => decodeLegacyText(v as Buffer | string | null);

function select(q: Queryable): string {
  return `SELECT id_redirection, id_hebergement, ${legacyTextSelect('source', q.dialect)} AS source,
      ${legacyTextSelect('destinations', q.dialect)} AS destinations, garder_copie, actif
    FROM mails_redirections`;
}

const toRedirection = (r: Row): Redirection => ({
  source: text(r.source).trim().toLowerCase(),
  destinations: destinationsOf(text(r.destinations)),
  keepCopy: Number(r.garder_copie) === 1,
  active: r.actif === 'Y',
});

/** A hosting's rows as they are now (Gloux's pages edit them without any event), by id. */
export async function readHostingRedirections(
  q: Queryable,
  hostingId: number,
): Promise<Redirection[]> {
  const rows = await q.query<Row>(`${select(q)} WHERE id_hebergement = ? ORDER BY id_redirection`, [
    hostingId,
  ]);
  return rows.map(toRedirection);
}

/** The rows of one source, whichever hosting holds them. */
async function rowsOfSource(
  q: Queryable,
  source: string,
): Promise<(Redirection & { hostingId: number })[]> {
  const rows = await q.query<Row>(`${select(q)} WHERE source = ? ORDER BY id_redirection`, [
    source,
  ]);
  return rows.map((r) => ({ ...toRedirection(r), hostingId: Number(r.id_hebergement) }));
}

/** Never truncated: Gloux's `sql_mode=''` would cut silently, so the lengths are checked here too. */
function checkedColumns(source: string, destinations: readonly string[]): string {
  const list = destinationsText(destinations);
  if (source.length > REDIRECTION_ADDRESS_MAX || !/^[\x21-\x7e]+$/.test(source))
    throw new Error(`mails_redirections.source would not hold ${JSON.stringify(source)}`);
  if (list.length > DESTINATIONS_TEXT_MAX || !/^[\x21-\x7e]+$/.test(list))
    throw new Error(`mails_redirections.destinations would not hold the list of ${source}`);
  return list;
}

/**
 * Mirrors one redirection event into `mails_redirections`. Idempotent: a created row already
 * there with the same hosting and content is this event's own (a replay); a row Gloux wrote for
 * the source in between (another hosting's, or other destinations) is a conflict, and Gloux's
 * row is never touched. Changes and removals touch only the hosting's own rows of the source
 * (Gloux's own rows included: gloux2 changes them as Gloux's pages would).
 */
export async function mirrorRedirectionEvent(
  tx: Queryable,
  e: RedirectionEvent,
): Promise<RedirectionWrite> {
  const { hostingId, source } = e.data;
  switch (e.type) {
    case 'RedirectionCreated': {
      const list = checkedColumns(source, e.data.destinations);
      const [held] = await rowsOfSource(tx, source);
      if (held) {
        const ours =
          held.hostingId === hostingId &&
          held.active &&
          held.keepCopy === e.data.keepCopy &&
          destinationsText(held.destinations) === list;
        return ours ? { kind: 'written' } : { kind: 'conflict', source, heldBy: held.hostingId };
      }
      await tx.execute(
        `INSERT INTO mails_redirections (id_hebergement, source, destinations, garder_copie, actif)
         VALUES (?, ?, ?, ?, 'Y')`,
        [hostingId, source, list, e.data.keepCopy ? 1 : 0],
      );
      return { kind: 'written' };
    }
    case 'RedirectionChanged':
      await tx.execute(
        `UPDATE mails_redirections SET destinations = ?, garder_copie = ?
          WHERE source = ? AND id_hebergement = ?`,
        [checkedColumns(source, e.data.destinations), e.data.keepCopy ? 1 : 0, source, hostingId],
      );
      return { kind: 'written' };
    case 'RedirectionRemoved':
      await tx.execute(`DELETE FROM mails_redirections WHERE source = ? AND id_hebergement = ?`, [
        source,
        hostingId,
      ]);
      return { kind: 'written' };
    default: {
      const never: never = e;
      return never;
    }
  }
}
