/**
 * Sortable staff tables: `?tri=<column>&ordre=asc|desc`. Each table whitelists its columns (a
 * French name for the URL, the SQL or the row key behind it): an unknown `tri` or `ordre` is
 * ignored (the table's default order), never written into SQL.
 */
export type SortOrder = 'asc' | 'desc';

export interface Sort<K extends string> {
  readonly column: K;
  readonly order: SortOrder;
}

/** The sort asked for, if `tri` names one of `columns`; else `fallback` (null: as listed). */
export function requestedSort<K extends string>(
  query: Record<string, unknown>,
  columns: readonly K[],
  fallback: Sort<K>,
): Sort<K>;
export function requestedSort<K extends string>(
  query: Record<string, unknown>,
  columns: readonly K[],
  fallback: null,
): Sort<K> | null;
export function requestedSort<K extends string>(
  query: Record<string, unknown>,
  columns: readonly K[],
  fallback: Sort<K> | null,
): Sort<K> | null {
  const column = (columns as readonly unknown[]).includes(query.tri) ? (query.tri as K) : null;
  if (!column) return fallback;
  return { column, order: query.ordre === 'desc' ? 'desc' : 'asc' };
}

/** `sort` as URL parameters (to keep it across pages and filters). */
export const sortParams = (sort: Sort<string>) => ({ tri: sort.column, ordre: sort.order });

export interface SortHeader {
  label: string;
  href: string;
  /** ' ▲' / ' ▼' on the sorted column, '' elsewhere. */
  arrow: string;
  /** aria-sort of the header cell: 'ascending', 'descending' or 'none'. */
  ariaSort: string;
}

/**
 * Each column's header link: to sort by it (ascending first; the sorted column flips), the
 * other parameters kept, back on the first page.
 */
export function sortHeaders<K extends string>(
  path: string,
  params: Record<string, string | null | undefined>,
  labels: Readonly<Record<K, string>>,
  sort: Sort<K> | null,
): Record<K, SortHeader> {
  const out = {} as Record<K, SortHeader>;
  for (const column of Object.keys(labels) as K[]) {
    const current = sort?.column === column;
    const order: SortOrder = current && sort?.order === 'asc' ? 'desc' : 'asc';
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    q.set('tri', column);
    q.set('ordre', order);
    out[column] = {
      label: labels[column],
      href: `${path}?${q.toString()}`,
      arrow: current ? (order === 'desc' ? ' ▲' : ' ▼') : '',
      ariaSort: current ? (order === 'desc' ? 'ascending' : 'descending') : 'none',
    };
  }
  return out;
}

/**
 * Rows sorted in code (lists already bounded): by `key`, then by `tieBreak` ascending so that
 * equal keys keep one order from page to page. Text compares the French way (accents, case).
 */
export function sortRows<T>(
  rows: readonly T[],
  key: (row: T) => string | number,
  order: SortOrder,
  tieBreak: (row: T) => string | number,
): T[] {
  const compare = (a: string | number, b: string | number) =>
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a).localeCompare(String(b), 'fr', { numeric: true, sensitivity: 'base' });
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) => sign * compare(key(a), key(b)) || compare(tieBreak(a), tieBreak(b)),
  );
}
