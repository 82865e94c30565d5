import { DomainError } from '../../domain/shared/errors.js';

/** Rows per page of the long lists (allocation, holders, billing preview). */
export const PAGE_SIZE = 100;

/** The page asked for in a query string (?page=): 1 when absent, else a whole number ≥ 1. */
export function requestedPage(input: unknown): number {
  if (input === undefined || input === null || input === '') return 1;
  if (typeof input !== 'string' || !/^\d{1,6}$/.test(input) || Number(input) < 1)
    throw new DomainError(
      'invalid_input',
      'Le numéro de page doit être un nombre entier à partir de 1.',
      'page',
    );
  return Number(input);
}

export interface Pager {
  page: number;
  pageCount: number;
  pageSize: number;
  /** Rows in every page together. */
  total: number;
  offset: number;
  /** 1-based numbers of the first and last rows shown (0 and 0 when there is none). */
  first: number;
  last: number;
  /** More than one page: the page numbers are worth showing. */
  several: boolean;
  previousHref: string | null;
  nextHref: string | null;
}

/**
 * Where a page of `total` rows starts, and the links to its neighbours. A page past the end
 * shows the last one (a list that shrank since the link was made still shows something).
 */
export function pager(
  page: number,
  total: number,
  href: (page: number) => string,
  pageSize = PAGE_SIZE,
): Pager {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const offset = (current - 1) * pageSize;
  return {
    page: current,
    pageCount,
    pageSize,
    total,
    offset,
    first: total === 0 ? 0 : offset + 1,
    last: Math.min(offset + pageSize, total),
    several: pageCount > 1,
    previousHref: current > 1 ? href(current - 1) : null,
    nextHref: current < pageCount ? href(current + 1) : null,
  };
}

/** A page's link: the query's other parameters kept, `page` left out for the first page. */
export function pageHref(path: string, params: Record<string, string | null | undefined>) {
  return (page: number): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
}
