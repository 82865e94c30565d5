import { plural } from '../../domain/shared/plural.js';
import { Inject, Injectable } from '@nestjs/common';
import {
  BANK_LINE_BOOKING_KINDS,
  proposeMatches,
  targetKey,
  type MatchCandidate,
  type Proposal,
} from '../../domain/bank/matching.js';
import type { MatchTarget } from '../../domain/bank/events.js';
import { addDays, formatDayFr, isDay } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { checkBalanceChain, type BalanceCheck } from '../../domain/bank/balances.js';
import {
  bankBookings,
  bankClosings,
  bankImports,
  bankLines,
  bankMatches,
  cardDays,
  type BankLineRow,
  type ImportRow,
  type MatchRow,
} from '../../projections/bank/bank.queries.js';
import { depositSlips } from '../../projections/bank/deposit-slips.queries.js';
import { Clock } from '../kernel/clock.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import { BANK_CONFIG, type BankConfig } from '../kernel/config.js';

export type LineStatus =
  'matched' | 'difference' | 'exact' | 'near' | 'booked' | 'ignored' | 'unmatched';

export interface ReconciliationLine extends BankLineRow {
  /** matched: confirmed, same amount; difference: confirmed with an écart; exact/near: proposed. */
  status: LineStatus;
  target: (MatchTarget & { label: string; input: string }) | null;
  expected: string | null;
  difference: string | null;
  /** booked / ignored: what the treasurer booked it as (docs/accounting.md §7). */
  booking: { kind: string; label: string; on: string; reason: string } | null;
}

export interface WaitingTarget {
  label: string;
  on: string;
  expected: string;
  input: string;
}

export interface Reconciliation {
  from: string;
  to: string;
  windowDays: number;
  nearPercent: string;
  lines: ReconciliationLine[];
  counts: Record<LineStatus, number>;
  /** What an unmatched line can be booked as (form choices). */
  bookingKinds: { value: string; label: string }[];
  /** Card days and slips of the period no bank line accounts for yet. */
  waiting: WaitingTarget[];
  imports: ImportRow[];
  /** Closing balances stated in the period (and the one before), followed with the movements. */
  balances: BalanceCheck[];
}

/** How a form names a target: 'card_day:2026-11-03' or 'deposit_slip:12'. */
export const targetInput = (t: MatchTarget) =>
  t.kind === 'card_day' ? `card_day:${t.day}` : `deposit_slip:${t.number}`;

export function parseTargetInput(
  v: string,
): { kind: 'card_day'; day: string } | { kind: 'deposit_slip'; number: number } {
  const [kind, value = ''] = v.split(':');
  if (kind === 'card_day') return { kind, day: value };
  if (kind === 'deposit_slip') return { kind, number: Number(value) };
  throw new DomainError('invalid_input', 'Cible de rapprochement inconnue.', 'target');
}

/** The reconciliation page: bank lines of a period against card days and deposit slips. */
@Injectable()
export class ReconciliationService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(BANK_CONFIG) readonly config: BankConfig,
  ) {}

  period(from?: string, to?: string): { from: string; to: string } {
    const end = to && to !== '' ? to : this.clock.today();
    const start = from && from !== '' ? from : addDays(end, -45);
    if (!isDay(start) || !isDay(end) || start > end)
      throw new DomainError('invalid_input', 'Période invalide (du ≤ au, AAAA-MM-JJ).', 'du');
    return { from: start, to: end };
  }

  async view(fromInput?: string, toInput?: string): Promise<Reconciliation> {
    const { from, to } = this.period(fromInput, toInput);
    const window = this.config.matchWindowDays;
    const data = await this.db.run(async (q) => ({
      lines: await bankLines(q, from, to),
      matches: await bankMatches(q),
      bookings: await bankBookings(q),
      cards: await cardDays(q, addDays(from, -window), to),
      slips: (await depositSlips(q, { from: addDays(from, -window), to })).filter(
        (s) => s.status === 'active',
      ),
      imports: await bankImports(q, 20),
      chain: await this.balanceChain(q, from, to),
    }));
    const cardCount = new Map(data.cards.map((c) => [c.day, c.count]));
    const label = (t: MatchTarget) =>
      t.kind === 'card_day'
        ? `Cartes du ${formatDayFr(t.day)}${cardCount.has(t.day) ? ` (${plural(cardCount.get(t.day) ?? 0, 'paiement', 'paiements')})` : ''}`
        : `Bordereau n° ${t.number}`;
    const candidates: MatchCandidate[] = [
      ...data.cards
        .filter((c) => c.total !== '0.00')
        .map((c) => ({
          target: { kind: 'card_day' as const, day: c.day },
          on: c.day,
          expected: c.total,
        })),
      ...data.slips.map((s) => ({
        target: { kind: 'deposit_slip' as const, slipId: s.slipId, number: s.number },
        on: s.depositOn,
        expected: s.total,
      })),
    ];
    const matchedByLine = new Map<string, MatchRow>(data.matches.map((m) => [m.lineId, m]));
    const bookedByLine = new Map(data.bookings.map((b) => [b.lineId, b]));
    const matchedTargets = new Set(data.matches.map((m) => `${m.targetKind}:${m.targetKey}`));
    const open = candidates.filter((c) => !matchedTargets.has(targetKey(c.target)));
    const proposals = new Map<string, Proposal>(
      proposeMatches(
        data.lines.filter((l) => !matchedByLine.has(l.lineId) && !bookedByLine.has(l.lineId)),
        open,
        { windowDays: window, nearPercent: this.config.nearMatchPercent },
      ).map((p) => [p.lineId, p]),
    );
    const none = { target: null, expected: null, difference: null, booking: null };
    const lines: ReconciliationLine[] = data.lines.map((l) => {
      const b = bookedByLine.get(l.lineId);
      if (b)
        return {
          ...l,
          ...none,
          status: b.kind === 'ignored' ? 'ignored' : 'booked',
          booking: {
            kind: b.kind,
            label:
              BANK_LINE_BOOKING_KINDS[b.kind as keyof typeof BANK_LINE_BOOKING_KINDS] ?? b.kind,
            on: b.on,
            reason: b.reason,
          },
        };
      const m = matchedByLine.get(l.lineId);
      if (m) {
        const target: MatchTarget =
          m.targetKind === 'card_day'
            ? { kind: 'card_day', day: m.targetKey }
            : { kind: 'deposit_slip', slipId: m.targetKey, number: m.slipNumber ?? 0 };
        return {
          ...l,
          status: m.difference === '0.00' ? 'matched' : 'difference',
          target: { ...target, label: label(target), input: targetInput(target) },
          expected: m.expected,
          difference: m.difference,
          booking: null,
        };
      }
      const p = proposals.get(l.lineId);
      if (p)
        return {
          ...l,
          status: p.kind,
          target: { ...p.target, label: label(p.target), input: targetInput(p.target) },
          expected: p.expected,
          difference: p.difference,
          booking: null,
        };
      return { ...l, ...none, status: 'unmatched' };
    });
    const proposed = new Set([...proposals.values()].map((p) => targetKey(p.target)));
    const waiting = open
      .filter((c) => !proposed.has(targetKey(c.target)) && c.on >= from)
      .map((c) => ({
        label: label(c.target),
        on: c.on,
        expected: c.expected,
        input: targetInput(c.target),
      }))
      .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
    const counts = {
      matched: 0,
      difference: 0,
      exact: 0,
      near: 0,
      booked: 0,
      ignored: 0,
      unmatched: 0,
    };
    for (const l of lines) counts[l.status]++;
    return {
      from,
      to,
      windowDays: window,
      nearPercent: this.config.nearMatchPercent,
      lines,
      counts,
      bookingKinds: Object.entries(BANK_LINE_BOOKING_KINDS).map(([value, label]) => ({
        value,
        label,
      })),
      waiting,
      imports: data.imports,
      balances: data.chain,
    };
  }

  /** The period's stated closing balances, each followed from the previous one (up to 62 days back). */
  private async balanceChain(q: Queryable, from: string, to: string): Promise<BalanceCheck[]> {
    const closings = await bankClosings(q, addDays(from, -62), to);
    const first = closings.reduce((d, c) => (c.on < d ? c.on : d), to);
    const lines = closings.length ? await bankLines(q, first, to) : [];
    const chain = checkBalanceChain(closings, lines);
    // The balance before the period only serves as the first one's previous.
    return chain.filter((c) => c.on >= from);
  }
}
