/** A key to order by: strings in code-unit order (as `<` compares them, not the locale's). */
export type SortKey<T> = (item: T) => string | number;

/**
 * A comparator for `Array.prototype.sort` that orders by each key in turn: the first key on
 * which two items differ decides; items equal on every key compare as 0 (sort keeps them).
 */
export function compareBy<T>(...keys: readonly SortKey<T>[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };
}
