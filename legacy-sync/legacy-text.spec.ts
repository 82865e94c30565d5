import fc from 'fast-check';
import { decodeLegacyText, legacyTextParam, legacyTextSelect } from './legacy-text.js';

describe('Gloux text coercion', () => {
  it('reads the UTF-8 bytes Gloux stores in latin1 columns', () => {
    // What sample-data.sql leaves in tiers.nom for "Lefèvre".
    expect(decodeLegacyText(Buffer.from([0x4c, 0x65, 0x66, 0xc3, 0xa8, 0x76, 0x72, 0x65]))).toBe(
      'Lefèvre',
    );
  });
  it('falls back to latin1 for bytes that are not UTF-8 (a row typed in a latin1 client)', () => {
    expect(decodeLegacyText(Buffer.from([0x4c, 0x65, 0x66, 0xe8, 0x76, 0x72, 0x65]))).toBe(
      'Lefèvre',
    );
  });
  it('treats NULL as empty and passes SQLite strings through', () => {
    expect(decodeLegacyText(null)).toBe('');
    expect(decodeLegacyText('Écoles')).toBe('Écoles');
  });
  it('writes what it reads back, for any text, on both databases', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(decodeLegacyText(legacyTextParam(text, 'mysql') as Buffer)).toBe(text);
        expect(decodeLegacyText(legacyTextParam(text, 'sqlite') as string)).toBe(text);
      }),
    );
  });
  it('selects raw bytes on MySQL only', () => {
    expect(legacyTextSelect('t.nom', 'mysql')).toBe('CAST(t.nom AS BINARY)');
    expect(legacyTextSelect('t.nom', 'sqlite')).toBe('t.nom');
  });
});
