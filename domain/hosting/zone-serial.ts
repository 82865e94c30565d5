import type { Day } from '../shared/day.js';

/** `soa.serial` is INT UNSIGNED. */
export const SERIAL_MAX = 4_294_967_295;

/** `YYYYMMDD00` of `today`, the least serial a change made that day may take. */
export const serialFloor = (today: Day): number => Number(`${today.replaceAll('-', '')}00`);

/**
 * The serial after a change of the zone's records (HOSTING.md, MyDNS soa/rr): one more than
 * the current one, and at least today's `YYYYMMDD00`. It never goes down, whether Gloux wrote
 * `YYYYMMDDnn` or a Unix time; past `nn = 99` it runs into the next day's numbers, as ISPConfig
 * does. The mirror writes it as one atomic statement,
 * `UPDATE soa SET serial = GREATEST(serial + 1, ?)`, so a bump by Gloux at the same moment is
 * never lost; this function is that statement's meaning, for read models and tests.
 */
export function nextSerial(current: number, today: Day): number {
  return Math.min(Math.max(current + 1, serialFloor(today)), SERIAL_MAX);
}
