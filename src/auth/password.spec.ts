import { describe, expect, it } from '@jest/globals';
import { safeNext } from './auth.controller.js';
import { hashPassword, md5Hex, sameSecret, verifyPassword } from './password.js';

describe('passwords', () => {
  it('scrypt: a salted hash that verifies the password and nothing else', async () => {
    const a = await hashPassword('Mot de passe é');
    const b = await hashPassword('Mot de passe é');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Mot de passe é', a)).toBe(true);
    expect(await verifyPassword('Mot de passe e', a)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });

  it('Gloux’s MD5 hex of the UTF-8 bytes, as PHP’s md5() on a UTF-8 page', () => {
    expect(md5Hex('secret')).toBe('5ebe2294ecd0e0f08eab7690d2a6ee69');
    // The bytes C3 A9, not latin1's E9.
    expect(md5Hex('é')).toBe('66ddcd97cfdeabb2f6fb8a999b4bc76f');
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  it('after sign-in, only a local path is followed', () => {
    expect(safeNext('/adherents/1?x=1')).toBe('/adherents/1?x=1');
    for (const bad of ['//evil.example', '/\\evil', 'https://evil.example', 'x', 42, '/a b']) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});
