import type { AssemblyCall, AssemblyKind, Fraction, Majority, VoteCounts } from './events.js';

/**
 * What the statutes set (docs/accounting.md §6 gives the defaults of an SA, counted in members):
 * quorum per kind and call (null: none), the extraordinary majority, and the proxy cap.
 */
export interface AssemblyRules {
  readonly proxyCap: number;
  /**
   * Notice periods, in days between the convocation and the meeting (Code de commerce R225-69:
   * 15 on first call, 10 on a later one, unless the statutes say more).
   */
  readonly noticeDays: Readonly<Record<AssemblyKind, number>> & { readonly secondCall: number };
  /** Postal votes must arrive at least this many days before the meeting (R225-77: 3). */
  readonly postalDaysBefore: number;
  readonly quorum: Readonly<Record<AssemblyKind, readonly [Fraction | null, Fraction | null]>>;
  readonly extraordinaryMajority: Fraction;
}

export const defaultAssemblyRules: AssemblyRules = {
  proxyCap: 2,
  noticeDays: { ordinary: 15, extraordinary: 15, secondCall: 10 },
  postalDaysBefore: 3,
  quorum: {
    ordinary: [{ num: 1, den: 5 }, null],
    extraordinary: [
      { num: 1, den: 4 },
      { num: 1, den: 5 },
    ],
  },
  extraordinaryMajority: { num: 2, den: 3 },
};

/** Ordinary: more for than against among votes cast; extraordinary: at least 2/3 of them. */
export function majorityOf(kind: AssemblyKind, rules: AssemblyRules): Majority {
  return kind === 'ordinary'
    ? { num: 1, den: 2, strict: true }
    : { ...rules.extraordinaryMajority, strict: false };
}

/** The days of notice a convocation of this kind and call needs. */
export function noticeDaysOf(kind: AssemblyKind, call: AssemblyCall, rules: AssemblyRules): number {
  return call === 1 ? rules.noticeDays[kind] : rules.noticeDays.secondCall;
}

export function quorumOf(
  kind: AssemblyKind,
  call: AssemblyCall,
  rules: AssemblyRules,
): Fraction | null {
  return rules.quorum[kind][call - 1] ?? null;
}

/**
 * '1/5' → {1, 5}; '0' or '' → null (no quorum). Throws on anything else, including a ratio
 * above 1. Used for the configuration.
 */
export function parseFraction(text: string): Fraction | null {
  const s = text.trim();
  if (s === '' || s === '0') return null;
  const m = /^(\d{1,4})\s*\/\s*(\d{1,4})$/.exec(s);
  if (!m) throw new Error(`not a fraction like 1/5: ${JSON.stringify(text)}`);
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (den === 0 || num > den) throw new Error(`a fraction between 0 and 1 is expected: ${s}`);
  return num === 0 ? null : { num, den };
}

export const formatFraction = (f: Fraction): string => `${f.num}/${f.den}`;

/** The fewest members to count for `quorum` out of `members` (0 when there is no quorum). */
export function requiredCount(members: number, quorum: Fraction | null): number {
  if (!quorum) return 0;
  return Math.ceil((members * quorum.num) / quorum.den);
}

/** counted / members ≥ quorum, in integers (no rounding question). */
export function quorumReached(counted: number, members: number, quorum: Fraction | null): boolean {
  return !quorum || counted * quorum.den >= members * quorum.num;
}

/** Abstentions are not votes cast; nothing cast adopts nothing. */
export function isAdopted(counts: VoteCounts, majority: Majority): boolean {
  const cast = counts.for + counts.against;
  if (cast === 0) return false;
  const lhs = counts.for * majority.den;
  const rhs = cast * majority.num;
  return majority.strict ? lhs > rhs : lhs >= rhs;
}

/** The rule in French, for the pages and the minutes. */
export function describeMajority(m: Majority): string {
  if (m.strict && m.num * 2 === m.den)
    return 'plus de voix pour que contre parmi les voix exprimées';
  return `${m.strict ? 'plus des' : 'au moins les'} ${formatFraction(m)} des voix exprimées`;
}

export function describeQuorum(q: Fraction | null): string {
  return q ? `${formatFraction(q)} des sociétaires ayant droit de vote` : 'aucun quorum requis';
}

export const kindLabel = (kind: AssemblyKind): string =>
  kind === 'ordinary' ? 'ordinaire' : 'extraordinaire';

export const callLabel = (call: AssemblyCall): string =>
  call === 1 ? 'première convocation' : 'seconde convocation';

/** '18:30' → '18 h 30', '09:00' → '9 h' (French typography). */
export function formatTimeFr(time: string): string {
  const [h, m] = time.split(':');
  return `${Number(h)} h${m && m !== '00' ? ` ${m}` : ''}`;
}
