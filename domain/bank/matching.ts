import { daysBetween, formatDayFr, isDay, type Day } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type {
  BankLineBooked,
  BankLineBookingKind,
  BankLineMatched,
  BankLineUnmatched,
  BankMatchEvent,
  MatchTarget,
} from './events.js';

/** What a bank line can be: the card receipts of a day, or a cheque deposit slip. */
export interface MatchCandidate {
  readonly target: MatchTarget;
  /** The card day, or the slip's deposit day: the bank credits it that day or a few days later. */
  readonly on: Day;
  readonly expected: string;
}

export interface LineToMatch {
  readonly lineId: string;
  readonly bookedOn: Day;
  readonly amount: string;
}

export interface MatchRules {
  /** A line booked up to this many days after the card day or the deposit matches it. */
  readonly windowDays: number;
  /** A near match differs by at most this percentage of the expected amount (card fees). */
  readonly nearPercent: string;
}

export interface Proposal {
  readonly lineId: string;
  readonly target: MatchTarget;
  readonly expected: string;
  readonly difference: string;
  /** exact: same amount; near: an "écart" within the rules, to check before confirming. */
  readonly kind: 'exact' | 'near';
}

export const targetKey = (t: MatchTarget): string =>
  t.kind === 'card_day' ? `card_day:${t.day}` : `deposit_slip:${t.slipId}`;

/**
 * Proposes one target per credit line: exact amounts first (closest day first), then near
 * ones (smallest difference first), each line and each target used once. Debit lines and
 * lines outside every window are left unmatched.
 */
export function proposeMatches(
  lines: readonly LineToMatch[],
  candidates: readonly MatchCandidate[],
  rules: MatchRules,
): Proposal[] {
  const pairs: { line: LineToMatch; c: MatchCandidate; diff: Money; days: number }[] = [];
  for (const line of lines) {
    const amount = Money.of(line.amount);
    if (!amount.isPositive()) continue;
    for (const c of candidates) {
      const days = daysBetween(c.on, line.bookedOn);
      if (days < 0 || days > rules.windowDays) continue;
      pairs.push({ line, c, diff: amount.minus(Money.of(c.expected)), days });
    }
  }
  const usedLines = new Set<string>();
  const usedTargets = new Set<string>();
  const out: Proposal[] = [];
  const take = (p: (typeof pairs)[number], kind: Proposal['kind']) => {
    const key = targetKey(p.c.target);
    if (usedLines.has(p.line.lineId) || usedTargets.has(key)) return;
    usedLines.add(p.line.lineId);
    usedTargets.add(key);
    out.push({
      lineId: p.line.lineId,
      target: p.c.target,
      expected: p.c.expected,
      difference: p.diff.toString(),
      kind,
    });
  };
  const order = (a: (typeof pairs)[number], b: (typeof pairs)[number]) =>
    a.diff.toDecimal().abs().comparedTo(b.diff.toDecimal().abs()) ||
    a.days - b.days ||
    a.line.lineId.localeCompare(b.line.lineId) ||
    targetKey(a.c.target).localeCompare(targetKey(b.c.target));
  for (const p of pairs.filter((x) => x.diff.isZero()).sort(order)) take(p, 'exact');
  // Compared unrounded: 3 % of 844.30 is 25.329, so 25.33 is already too far.
  const near = (x: (typeof pairs)[number]) =>
    x.diff
      .toDecimal()
      .abs()
      .lte(Money.of(x.c.expected).toDecimal().abs().times(rules.nearPercent).div(100));
  for (const p of pairs.filter((x) => !x.diff.isZero() && near(x)).sort(order)) take(p, 'near');
  return out;
}

export interface MatchesState {
  readonly byLine: ReadonlyMap<string, string>;
  readonly byTarget: ReadonlyMap<string, string>;
  readonly matches: ReadonlyMap<string, { lineId: string; targetKey: string }>;
}

export const initialMatchesState: MatchesState = {
  byLine: new Map(),
  byTarget: new Map(),
  matches: new Map(),
};

export function evolveMatches(state: MatchesState, event: BankMatchEvent): MatchesState {
  const byLine = new Map(state.byLine);
  const byTarget = new Map(state.byTarget);
  const matches = new Map(state.matches);
  switch (event.type) {
    case 'BankLineMatched': {
      const key = targetKey(event.data.target);
      byLine.set(event.data.lineId, event.data.matchId);
      byTarget.set(key, event.data.matchId);
      matches.set(event.data.matchId, { lineId: event.data.lineId, targetKey: key });
      break;
    }
    case 'BankLineBooked': {
      // A booking holds its line like a match does, and is undone the same way.
      byLine.set(event.data.lineId, event.data.bookingId);
      matches.set(event.data.bookingId, {
        lineId: event.data.lineId,
        targetKey: `booking:${event.data.bookingId}`,
      });
      break;
    }
    case 'BankLineUnmatched': {
      const m = matches.get(event.data.matchId);
      if (!m) return state;
      byLine.delete(m.lineId);
      byTarget.delete(m.targetKey);
      matches.delete(event.data.matchId);
      break;
    }
    default: {
      const never: never = event;
      return never;
    }
  }
  return { byLine, byTarget, matches };
}

/** A confirmation: the line (as imported) and the target (with its expected amount now). */
export interface ConfirmMatch {
  readonly line: LineToMatch;
  readonly candidate: MatchCandidate;
}

/** Confirms matches: a line or a target already matched is refused (undo the first match). */
export function decideConfirmMatches(
  state: MatchesState,
  confirmations: readonly ConfirmMatch[],
  ctx: { today: Day; newId: () => string },
): BankLineMatched[] {
  if (confirmations.length === 0)
    throw new DomainError('invalid_input', 'Aucun rapprochement à confirmer.', 'matches');
  let s = state;
  const out: BankLineMatched[] = [];
  for (const { line, candidate } of confirmations) {
    const key = targetKey(candidate.target);
    if (s.byLine.has(line.lineId))
      throw new DomainError(
        'already_matched',
        `La ligne du ${line.bookedOn} (${line.amount}) est déjà rapprochée.`,
        'lineId',
      );
    if (s.byTarget.has(key))
      throw new DomainError(
        'already_matched',
        candidate.target.kind === 'card_day'
          ? `Les paiements par carte du ${candidate.target.day} sont déjà rapprochés.`
          : `Le bordereau n° ${candidate.target.number} est déjà rapproché.`,
        'target',
      );
    const event: BankLineMatched = {
      type: 'BankLineMatched',
      data: {
        matchId: ctx.newId(),
        lineId: line.lineId,
        target: candidate.target,
        lineAmount: Money.of(line.amount).toString(),
        expectedAmount: Money.of(candidate.expected).toString(),
        difference: Money.of(line.amount).minus(Money.of(candidate.expected)).toString(),
        on: ctx.today,
      },
    };
    out.push(event);
    s = evolveMatches(s, event);
  }
  return out;
}

export function decideUndoMatch(
  state: MatchesState,
  cmd: { lineId: string; reason?: string },
  ctx: { today: Day },
): BankLineUnmatched {
  const matchId = state.byLine.get(String(cmd?.lineId ?? ''));
  if (!matchId) throw new DomainError('not_found', 'Cette ligne n’est pas rapprochée.', 'lineId');
  const reason = String(cmd.reason ?? '').trim() || 'rapprochement défait';
  return {
    type: 'BankLineUnmatched',
    data: { matchId, lineId: cmd.lineId, on: ctx.today, reason: reason.slice(0, 255) },
  };
}

export const BANK_LINE_BOOKING_KINDS: Record<BankLineBookingKind, string> = {
  bank_fee: 'Frais bancaires (627)',
  bounce_fee: 'Frais de chèque impayé (627)',
  internal_transfer: 'Virement interne (58)',
  ignored: 'Ignorée (sans écriture)',
};

const isBookingKind = (v: unknown): v is BankLineBookingKind =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(BANK_LINE_BOOKING_KINDS, v);

export interface BookBankLine {
  /** The line as imported. */
  readonly line: LineToMatch & { readonly label: string };
  readonly kind: string;
  /** The day to book it on: the bank's day when empty (a later one if that period is locked). */
  readonly on?: string;
  readonly reason?: string;
}

/**
 * Books a bank line no card day or slip accounts for (docs/accounting.md §7): charges and a
 * bounced-cheque fee to 627, an internal transfer to 58, or ignored with a reason. Never on a
 * line already matched or booked, never before the bank's day nor after today.
 */
export function decideBookBankLine(
  state: MatchesState,
  cmd: BookBankLine,
  ctx: { today: Day; newId: () => string },
): BankLineBooked {
  const line = cmd.line;
  if (!isBookingKind(cmd?.kind))
    throw new DomainError(
      'invalid_input',
      'Choisissez ce que la ligne est : frais bancaires, frais de chèque impayé, virement interne, ou ignorée.',
      'nature',
    );
  if (state.byLine.has(line.lineId))
    throw new DomainError(
      'already_matched',
      `La ligne du ${formatDayFr(line.bookedOn)} (${line.amount}) est déjà rapprochée ou comptabilisée.`,
      'lineId',
    );
  const amount = Money.of(line.amount);
  if (amount.isZero())
    throw new DomainError(
      'invalid_input',
      'Une ligne de 0,00 € n’a rien à comptabiliser.',
      'lineId',
    );
  if (cmd.kind === 'bounce_fee' && amount.isPositive())
    throw new DomainError(
      'invalid_input',
      'Des frais de chèque impayé sont un débit du compte : cette ligne est un crédit.',
      'nature',
    );
  const reason = String(cmd.reason ?? '')
    .trim()
    .slice(0, 255);
  if (cmd.kind === 'ignored' && reason === '')
    throw new DomainError('invalid_input', 'Dites pourquoi la ligne est ignorée (motif).', 'motif');
  const on = String(cmd.on ?? '').trim() || line.bookedOn;
  if (!isDay(on)) throw new DomainError('invalid_input', 'Date invalide (AAAA-MM-JJ).', 'date');
  if (on < line.bookedOn)
    throw new DomainError(
      'invalid_input',
      `La ligne ne peut pas être comptabilisée avant le jour où la banque l’a passée (${formatDayFr(line.bookedOn)}).`,
      'date',
    );
  if (on > ctx.today)
    throw new DomainError('invalid_input', 'La date ne peut pas être dans le futur.', 'date');
  return {
    type: 'BankLineBooked',
    data: {
      bookingId: ctx.newId(),
      lineId: line.lineId,
      kind: cmd.kind,
      lineAmount: amount.toString(),
      lineBookedOn: line.bookedOn,
      label: line.label.slice(0, 255),
      reason,
      on,
    },
  };
}
