/**
 * One key per bank account whichever format names it: CFONB gives bank, branch and account
 * number (a French RIB without its key), OFX gives BANKID/BRANCHID/ACCTID, CAMT the IBAN. A
 * French RIB is turned into its IBAN, so the three formats meet on the same key (and the same
 * event stream); anything else is kept as written, spaces removed, upper case.
 */

const compact = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/** Letters of a French account number count as digits for the RIB key (A/J→1, B/K/S→2, …). */
function ribDigits(s: string): string {
  return s.replace(/[A-Z]/g, (c) => {
    const n = c.charCodeAt(0) - 64; // A=1
    return String(n <= 9 ? n : n <= 18 ? n - 9 : n - 17);
  });
}

/** The two-digit key of a French RIB (bank 5 digits, branch 5 digits, account 11 characters). */
export function ribKey(bank: string, branch: string, account: string): string {
  const v = BigInt(`${ribDigits(bank)}${ribDigits(branch)}${ribDigits(account)}`);
  return String(97n - ((v * 100n) % 97n)).padStart(2, '0');
}

/** ISO 13616 check of an IBAN (mod 97 of the rearranged digits is 1). */
function ibanRemainder(rearranged: string): bigint {
  const digits = rearranged.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  return BigInt(digits) % 97n;
}

export function isValidIban(iban: string): boolean {
  const s = compact(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  return ibanRemainder(s.slice(4) + s.slice(0, 4)) === 1n;
}

/** The French IBAN of a RIB; null when the parts are not a French RIB. */
export function frenchIban(
  bank: string,
  branch: string,
  account: string,
  key?: string,
): string | null {
  const [b, g, c] = [compact(bank), compact(branch), compact(account)];
  if (!/^\d{5}$/.test(b) || !/^\d{5}$/.test(g) || !/^[A-Z0-9]{11}$/.test(c)) return null;
  const k = key ?? ribKey(b, g, c);
  if (k !== ribKey(b, g, c)) return null;
  const bban = `${b}${g}${c}${k}`;
  const check = String(98n - ibanRemainder(`${bban}FR00`)).padStart(2, '0');
  return `FR${check}${bban}`;
}

/** CFONB 120: bank, branch, account number. */
export function cfonbAccount(bank: string, branch: string, account: string): string {
  return frenchIban(bank, branch, account) ?? compact(`${bank}${branch}${account}`);
}

/**
 * OFX: a French bank writes its bank and branch codes in BANKID/BRANCHID and the account
 * number, sometimes followed by the RIB key, in ACCTID; a card account has ACCTID only.
 */
export function ofxAccount(bankId: string, branchId: string, acctId: string): string {
  const id = compact(acctId);
  if (isValidIban(id)) return id;
  const withKey = /^[A-Z0-9]{11}\d{2}$/.test(id)
    ? frenchIban(bankId, branchId, id.slice(0, 11), id.slice(11))
    : null;
  return withKey ?? frenchIban(bankId, branchId, id) ?? id;
}

/** CAMT: the IBAN, or another identification. */
export function camtAccount(id: string): string {
  return compact(id);
}

/**
 * A configured account as a key: an IBAN (with or without spaces), a French RIB with its key
 * (bank, branch, account, key: turned into its IBAN), or another identification as written.
 */
export function accountKeyOf(configured: string): string {
  const s = compact(configured);
  const rib = /^(\d{5})(\d{5})([A-Z0-9]{11})(\d{2})$/.exec(s);
  if (rib) {
    const iban = frenchIban(rib[1]!, rib[2]!, rib[3]!, rib[4]!);
    if (!iban) throw new Error(`RIB "${configured}" invalide (clé fausse)`);
    return iban;
  }
  if (/^[A-Z]{2}\d{2}/.test(s) && !isValidIban(s))
    throw new Error(`IBAN "${configured}" invalide (clé de contrôle fausse)`);
  return s;
}
