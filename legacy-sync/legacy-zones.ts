import type { DnsEvent } from '../domain/hosting/dns-events.js';
import type { SoaRow } from '../domain/hosting/dns-export.js';
import {
  DNS_RECORD_TYPES,
  type DnsRecord,
  type DnsRecordType,
} from '../domain/hosting/dns-records.js';
import { parisDayOf, type Day } from '../domain/shared/day.js';
import { SERIAL_MAX, serialFloor } from '../domain/hosting/zone-serial.js';
import type { Queryable } from '../src/kernel/database/db.js';
import type { RecordedEvent } from '../src/kernel/event-store/event-store.js';

/**
 * Bumps a zone's SOA serial after its `rr` rows were written (HOSTING.md, MyDNS soa/rr):
 * one statement, so a bump Gloux makes at the same moment is never lost and the serial never
 * goes down (`nextSerial` in domain/hosting/zone-serial.ts is its meaning). Returns the serial
 * the zone now has.
 */
export async function bumpZoneSerial(q: Queryable, soaId: number, today: Day): Promise<number> {
  // SQLite spells MariaDB's GREATEST and LEAST as two-argument MAX and MIN.
  const [greatest, least] = q.dialect === 'mysql' ? ['GREATEST', 'LEAST'] : ['MAX', 'MIN'];
  const { affected } = await q.execute(
    `UPDATE soa SET serial = ${least}(${greatest}(serial + 1, ?), ?) WHERE id = ?`,
    [serialFloor(today), SERIAL_MAX, soaId],
  );
  if (affected !== 1) throw new Error(`no soa row ${soaId} to bump`);
  const [row] = await q.query<{ serial: number | string }>('SELECT serial FROM soa WHERE id = ?', [
    soaId,
  ]);
  return Number(row!.serial);
}

/** A domain whose zone gloux2 edits: `domaines` row, its hosting's customer and its `soa` row. */
export interface LegacyZone {
  readonly domainId: number;
  /** `domaines.domaine` (no trailing dot, A-labels). */
  readonly domain: string;
  readonly hostingId: number;
  /** `hebergements.id_client` of the domain's hosting (null: no such hosting). */
  readonly customerId: string | null;
  /** `domaines.gere_mx = 'O'`: Ouvaton hosts the domain's mail and keeps its MX. */
  readonly mxManaged: boolean;
  /** The zone's `soa` row (null: DNS not managed here, `id_soa = 0` or no row). */
  readonly soa: (SoaRow & { readonly id: number; readonly active: boolean }) | null;
}

/** The domain `domain` (`domaines.domaine`, exact) with its zone, or null if Gloux has none. */
export async function readLegacyZone(q: Queryable, domain: string): Promise<LegacyZone | null> {
  const [row] = await q.query<Record<string, unknown>>(
    `SELECT d.id_domaine, d.domaine, d.id_hebergement, d.gere_mx, h.id_client,
            s.id AS soa_id, s.origin, s.ns, s.mbox, s.serial, s.refresh, s.retry, s.expire,
            s.minimum, s.ttl, s.active
       FROM domaines d
       LEFT JOIN hebergements h ON h.id_hebergement = d.id_hebergement
       LEFT JOIN soa s ON s.id = d.id_soa AND d.id_soa <> 0
      WHERE d.domaine = ?`,
    [domain],
  );
  if (!row) return null;
  const n = (v: unknown) => Number(v);
  return {
    domainId: n(row.id_domaine),
    domain: String(row.domaine),
    hostingId: n(row.id_hebergement),
    customerId:
      row.id_client === null || row.id_client === undefined ? null : String(row.id_client),
    mxManaged: row.gere_mx === 'O',
    soa:
      row.soa_id === null || row.soa_id === undefined
        ? null
        : {
            id: n(row.soa_id),
            // CHAR columns come back trimmed on MariaDB; the origin keeps its dot.
            origin: String(row.origin).trim().toLowerCase(),
            ns: String(row.ns).trim(),
            mbox: String(row.mbox).trim(),
            serial: n(row.serial),
            refresh: n(row.refresh),
            retry: n(row.retry),
            expire: n(row.expire),
            minimum: n(row.minimum),
            ttl: n(row.ttl),
            active: row.active === 'Y',
          },
  };
}

/** `rr.data` is VARBINARY: MariaDB hands back bytes (UTF-8, as Gloux's pages write them). */
const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? ''));

/**
 * The zone's served records (`active = 'Y'`) of the types gloux2 manages, as stored (Gloux's
 * names may be FQDNs and its targets relative). Rows of other types (HINFO, PTR…) are Gloux's
 * and left alone.
 */
export async function readZoneRecords(q: Queryable, soaId: number): Promise<DnsRecord[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT name, type, data, aux, ttl FROM rr WHERE zone = ? AND active = 'Y' ORDER BY id`,
    [soaId],
  );
  return rows
    .filter((r) => (DNS_RECORD_TYPES as readonly unknown[]).includes(r.type))
    .map((r) => ({
      name: String(r.name).trim(),
      type: r.type as DnsRecordType,
      data: text(r.data),
      aux: Number(r.aux),
      ttl: Number(r.ttl),
    }));
}

const insertIgnore = (q: Queryable) =>
  q.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';

/** The served `rr` row holding `r` in zone `soaId` (exactly as stored), or null. */
async function rrIdOf(q: Queryable, soaId: number, r: DnsRecord): Promise<number | null> {
  const [row] = await q.query<{ id: number | string }>(
    `SELECT id FROM rr WHERE zone = ? AND name = ? AND type = ? AND data = ? AND active = 'Y'`,
    [soaId, r.name, r.type, r.data],
  );
  return row ? Number(row.id) : null;
}

/** Writes `r` as a served row (every column given: `aux` has no default); its id. */
export async function insertRecord(q: Queryable, soaId: number, r: DnsRecord): Promise<number> {
  // The row may be there already (Gloux added the same one meanwhile, or a replay): then it
  // is that row, Gloux's unique key (zone, name, type, data, active) says so.
  await q.execute(
    `${insertIgnore(q)} INTO rr (zone, name, type, data, aux, ttl, active) VALUES (?, ?, ?, ?, ?, ?, 'Y')`,
    [soaId, r.name, r.type, r.data, r.aux, r.ttl],
  );
  const id = await rrIdOf(q, soaId, r);
  if (id === null) throw new Error(`rr row ${r.name} ${r.type} ${r.data} missing after insert`);
  return id;
}

/**
 * Mirrors one zone event into `rr`, then bumps the zone's serial (HOSTING.md: after the `rr`
 * writes, one atomic UPDATE; the hosting mirror writes one event per transaction, so one bump
 * per batch touching the zone). Idempotent: an added record is written once (`g2_legacy_map`
 * kind `rr`, keyed by the event's position, so a replay does not bring back a row Gloux deleted
 * since); a change or removal finds the row by what it holds, and a row already gone is nothing
 * to do. A replay bumps once more, which a serial allows (it only has to grow). Returns the
 * zone's new serial.
 */
export async function mirrorDnsEvent(
  tx: Queryable,
  e: DnsEvent,
  event: Pick<RecordedEvent, 'position' | 'recordedAt'>,
): Promise<number> {
  const { soaId } = e.data;
  switch (e.type) {
    case 'DnsRecordAdded': {
      const key = String(event.position);
      const [known] = await tx.query(
        `SELECT legacy_id FROM g2_legacy_map WHERE kind = 'rr' AND g2_id = ?`,
        [key],
      );
      if (known) break;
      const id = await insertRecord(tx, soaId, e.data.record);
      await tx.execute(`INSERT INTO g2_legacy_map (kind, g2_id, legacy_id) VALUES ('rr', ?, ?)`, [
        key,
        id,
      ]);
      break;
    }
    case 'DnsRecordChanged': {
      const { from, to } = e.data;
      const id = await rrIdOf(tx, soaId, from);
      const sameRow = from.name === to.name && from.type === to.type && from.data === to.data;
      if (id !== null && sameRow)
        await tx.execute(`UPDATE rr SET aux = ?, ttl = ? WHERE id = ?`, [to.aux, to.ttl, id]);
      else {
        // Delete then insert: an UPDATE onto a row Gloux added meanwhile would hit its key.
        if (id !== null) await tx.execute(`DELETE FROM rr WHERE id = ?`, [id]);
        if ((await rrIdOf(tx, soaId, to)) === null) await insertRecord(tx, soaId, to);
      }
      break;
    }
    case 'DnsRecordRemoved':
      await tx.execute(
        `DELETE FROM rr WHERE zone = ? AND name = ? AND type = ? AND data = ? AND active = 'Y'`,
        [soaId, e.data.record.name, e.data.record.type, e.data.record.data],
      );
      break;
  }
  const day = parisDayOf(new Date(`${event.recordedAt.replace(' ', 'T')}Z`));
  return bumpZoneSerial(tx, soaId, day);
}

/** A new zone's `soa` row, served (`active = 'Y'`), no secondary allowed yet; its id. */
export async function insertSoa(q: Queryable, soa: SoaRow): Promise<number> {
  const { insertId } = await q.execute(
    `INSERT INTO soa (origin, ns, mbox, serial, refresh, retry, expire, minimum, ttl, active, xfer)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Y', NULL)`,
    [
      soa.origin,
      soa.ns,
      soa.mbox,
      soa.serial,
      soa.refresh,
      soa.retry,
      soa.expire,
      soa.minimum,
      soa.ttl,
    ],
  );
  return insertId;
}
