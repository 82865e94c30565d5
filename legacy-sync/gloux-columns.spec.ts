import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutToGlouxColumn, GLOUX_TEXT_BYTES } from '../domain/legacy/gloux-columns.js';

/**
 * What each text column of the vendored schema holds, in bytes: one byte a character in a latin1
 * table; a utf8 table (Gloux's journal) holds characters, not bytes, and is left out.
 */
function columnBytes(schema: string): Map<string, number> {
  const out = new Map<string, number>();
  let table = '';
  for (const line of schema.split('\n')) {
    const create = /^CREATE TABLE (?:IF NOT EXISTS )?(\w+)/.exec(line);
    if (create) table = create[1]!;
    const end = /^\).*CHARSET=(\w+)/.exec(line);
    if (end && end[1] !== 'latin1')
      for (const key of [...out.keys()]) if (key.startsWith(`${table}.`)) out.delete(key);
    const column = /^\s+(\w+) (varchar|char)\((\d+)\)|^\s+(\w+) (text)\b/.exec(line);
    if (!column || !table) continue;
    if (column[1]) out.set(`${table}.${column[1]}`, Number(column[3]));
    else out.set(`${table}.${column[4]}`, 65_535);
  }
  return out;
}

describe('Gloux column sizes', () => {
  it('are those of the vendored schema.sql, latin1 tables', () => {
    const schema = readFileSync(join(import.meta.dirname, 'fixtures/gloux/schema.sql'), 'latin1');
    const sizes = columnBytes(schema);
    for (const [column, bytes] of Object.entries(GLOUX_TEXT_BYTES))
      expect([column, sizes.get(column)]).toEqual([column, bytes]);
  });
});

describe('cutToGlouxColumn', () => {
  it('keeps whole characters within the column’s bytes', () => {
    const cut = cutToGlouxColumn('a' + 'é'.repeat(200), 'hebergements.motif_etat');
    expect(cut).toBe('a' + 'é'.repeat(127));
    expect(Buffer.byteLength(cut)).toBe(255);
    expect(cutToGlouxColumn('court', 'paiements.reference')).toBe('court');
  });
});
