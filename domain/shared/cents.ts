/**
 * The cents codec of the read models and of Gloux's columns: amounts as integer cents
 * (BIGINT columns, sums in SQL) and back to two-decimal strings, without floating point.
 */

/** Integer cents of a decimal string (digits past the second decimal are dropped). */
export function centsOf(amount: unknown): bigint {
  const s = String(amount ?? '0').trim();
  const negative = s.startsWith('-');
  const dot = s.indexOf('.');
  const int = dot < 0 ? s.slice(negative ? 1 : 0) : s.slice(negative ? 1 : 0, dot);
  const frac = dot < 0 ? '00' : (s.slice(dot + 1) + '00').slice(0, 2);
  // One BigInt of the digits (a rebuild converts every amount it writes).
  const cents = BigInt(`${int || '0'}${frac}`);
  return negative ? -cents : cents;
}

/** Integer cents from a two-decimal string, as a string for the drivers. */
export function toCents(amount: string): string {
  return centsOf(amount).toString();
}

/** Integer cents of the opposite amount (a credit note's lines are stored negative). */
export function negatedCents(amount: string): string {
  return (-centsOf(amount)).toString();
}

/** Two-decimal string from integer cents as the drivers return them (number, string or bigint). */
export function fromCents(cents: unknown): string {
  return formatCents(
    typeof cents === 'bigint'
      ? cents
      : BigInt(
          typeof cents === 'number' ? Math.trunc(cents) : String(cents ?? '0').split('.')[0] || '0',
        ),
  );
}

/** Two-decimal string of integer cents: -5n → "-0.05", 0n → "0.00". */
export function formatCents(n: bigint): string {
  const negative = n < 0n;
  const abs = (negative ? -n : n).toString().padStart(3, '0');
  const s = `${abs.slice(0, -2)}.${abs.slice(-2)}`;
  return negative ? `-${s}` : s;
}
