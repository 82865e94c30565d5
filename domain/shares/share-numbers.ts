import { DomainError } from '../shared/errors.js';

/** Gloux's parts_sociales.numero is an INT UNSIGNED. */
const MAX_NUMBER = 4_294_967_295;
/** One request names at most this many shares (a typo like "1-100000" is refused, not expanded). */
export const MAX_SHARES_PER_REQUEST = 10_000;

/**
 * Share numbers as ranges, the way a register prints them: sorted, consecutive numbers joined
 * by an en dash ("2207, 10398–10399"); two consecutive numbers are a range too.
 */
export function formatNumberRanges(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j += 1;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function invalid(message: string, field: string): never {
  throw new DomainError('invalid_input', message, field);
}

function shareNumber(text: string, field: string): number {
  if (!/^\d{1,10}$/.test(text)) invalid(`Numéro de part illisible : « ${text} ».`, field);
  const n = Number(text);
  if (n < 1 || n > MAX_NUMBER) invalid(`Numéro de part hors limites : ${text}.`, field);
  return n;
}

/**
 * Share numbers as a person or a client gives them: an array of numbers, or text such as
 * "2207, 10398-10399" (commas, semicolons or spaces between items; '-', '–' or '—' in a range).
 * Returns them sorted; refuses duplicates, empty input and reversed or oversized ranges.
 */
export function parseShareNumbers(input: unknown, field = 'numbers'): number[] {
  const items: string[] = [];
  if (Array.isArray(input)) {
    for (const v of input) items.push(typeof v === 'number' ? String(v) : String(v ?? '').trim());
  } else if (typeof input === 'string' || typeof input === 'number') {
    const text = String(input)
      .replace(/\s*[-–—]\s*/g, '-')
      .trim();
    if (text !== '') items.push(...text.split(/[\s,;]+/).filter((s) => s !== ''));
  }
  if (items.length === 0) invalid('Indiquez au moins un numéro de part.', field);
  const out: number[] = [];
  for (const item of items) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (!range) {
      out.push(shareNumber(item, field));
    } else {
      const from = shareNumber(range[1]!, field);
      const to = shareNumber(range[2]!, field);
      if (to < from) invalid(`Plage de numéros à l’envers : ${item}.`, field);
      if (to - from + 1 > MAX_SHARES_PER_REQUEST)
        invalid(`Plage trop grande : ${item} (${MAX_SHARES_PER_REQUEST} parts au plus).`, field);
      for (let n = from; n <= to; n++) out.push(n);
    }
    if (out.length > MAX_SHARES_PER_REQUEST)
      invalid(`Trop de parts dans une même demande (${MAX_SHARES_PER_REQUEST} au plus).`, field);
  }
  const sorted = out.sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) invalid(`La part n° ${sorted[i]} est citée deux fois.`, field);
  }
  return sorted;
}
