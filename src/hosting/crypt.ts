import { randomBytes } from 'node:crypto';
import { encrypt, verify } from 'unixcrypt';

/** crypt(3)'s salt alphabet. */
const SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A `$5$` SHA256-crypt hash with a random 16-character salt and the default 5000 rounds: 63
 * characters, which fits Gloux's varchar(64) `ftp.mot_de_passe` / `mails.mot_de_passe` and is
 * read by glibc's crypt(3) in pure-ftpd and Dovecot (HOSTING.md decision 5; `$6$` would be cut).
 */
export function sha256Crypt(password: string): string {
  // 64 symbols: a byte modulo 64 is uniform.
  const salt = [...randomBytes(16)].map((b) => SALT_ALPHABET[b % 64]).join('');
  const hash = encrypt(password, `$5$${salt}`);
  if (!/^\$5\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/.test(hash))
    throw new Error(`unexpected SHA256-crypt output shape (${hash.length} characters)`);
  return hash;
}

/** Whether `password` matches a `$5$`/`$6$` hash. */
export function verifyCrypt(password: string, hash: string): boolean {
  return verify(password, hash);
}
