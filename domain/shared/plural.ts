/**
 * A count with its words agreed, the French way: '0 facture émise', '1 facture émise',
 * '2 factures émises' (French takes the singular below 2; never '(s)').
 */
export function plural(n: number | string, one: string, many: string): string {
  return `${n} ${pluralWord(n, one, many)}`;
}

/** The words alone, agreed with `n` (for a sentence that places the count elsewhere). */
export function pluralWord(n: number | string, one: string, many: string): string {
  return Math.abs(Number(n)) < 2 ? one : many;
}
