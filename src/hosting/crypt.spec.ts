import { describe, expect, it } from '@jest/globals';
import { sha256Crypt, verifyCrypt } from './crypt.js';

describe('SHA256-crypt for Gloux’s varchar(64)', () => {
  it('matches glibc crypt(3) (openssl passwd -5 -salt abcdefghijklmnop ftpsecret)', () => {
    expect(
      verifyCrypt('ftpsecret', '$5$abcdefghijklmnop$upsFicXHyWFpQnMiTAGC6AeDbpsfUtsAKonP6v1AL4A'),
    ).toBe(true);
    expect(
      verifyCrypt('ftpsecreT', '$5$abcdefghijklmnop$upsFicXHyWFpQnMiTAGC6AeDbpsfUtsAKonP6v1AL4A'),
    ).toBe(false);
  });

  it('is 63 characters with a fresh salt each time, and verifies', () => {
    const a = sha256Crypt('correct horse');
    const b = sha256Crypt('correct horse');
    expect(a).toHaveLength(63);
    expect(a.startsWith('$5$')).toBe(true);
    expect(a).not.toBe(b);
    expect(verifyCrypt('correct horse', a)).toBe(true);
    expect(verifyCrypt('wrong horse', a)).toBe(false);
  });
});
