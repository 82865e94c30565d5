import type { Day } from '../domain/shared/day.js';
import { SERIAL_MAX, serialFloor } from '../domain/hosting/zone-serial.js';
import type { Queryable } from '../src/kernel/database/db.js';

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
