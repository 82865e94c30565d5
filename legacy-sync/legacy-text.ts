import type { Dialect } from '../src/kernel/database/settings.js';

/**
 * Gloux's text columns are latin1, but Gloux (PHP on a latin1 connection) writes the UTF-8
 * bytes of its pages into them: 'Lefèvre' is stored as the bytes 4C 65 66 C3 A8 76 72 65.
 * Read as latin1 that is 'LefÃ¨vre'. gloux2 therefore reads the raw bytes and decodes them as
 * UTF-8 (falling back to latin1 for the rare byte strings that are not valid UTF-8, e.g. a row
 * typed in by hand in a latin1 client), and writes UTF-8 bytes, exactly as Gloux does.
 *
 * One coercion for every Gloux text column, in both directions (reads and the mirror).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** The SQL expression that selects a Gloux text column as raw bytes. */
export function legacyTextSelect(column: string, dialect: Dialect): string {
  return dialect === 'mysql' ? `CAST(${column} AS BINARY)` : column;
}

/** Decodes what legacyTextSelect returned (raw bytes on MySQL, a string on SQLite). */
export function decodeLegacyText(value: Buffer | Uint8Array | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return utf8.decode(value);
  } catch {
    return latin1.decode(value);
  }
}

/**
 * The parameter to write `text` into a Gloux text column. On MySQL a Buffer is sent as a
 * binary literal, so its UTF-8 bytes land unchanged in the latin1 column (what Gloux does);
 * a plain string would be converted to latin1 by the server and read back differently.
 */
export function legacyTextParam(text: string, dialect: Dialect): string | Buffer {
  return dialect === 'mysql' ? Buffer.from(text, 'utf8') : text;
}
