import { randomUUID } from 'node:crypto';
import { BOOKS_STREAM, type BooksEvent } from '../../domain/books/events.js';
import {
  accountingDays,
  assertOpen,
  firstOpenDay,
  lockOf,
  redated,
  type PeriodLocks,
} from '../../domain/books/period-lock.js';
import { lastDayOf } from '../../domain/overage/months.js';
import type { Queryable, Tx } from './database/db.js';
import type { AppendRequest, EventSource } from './event-store/event-store.js';
import { defineProjection, noMemo } from './projection.js';

/**
 * Closed years and declared VAT months as a read model, consulted by the command pipeline
 * before every append: the lock holds for every command, whatever its handler.
 */
export const periodLockProjection = () =>
  defineProjection<BooksEvent>({
    name: 'period-locks',
    tables: [
      { name: 'g2_rm_period_locks', key: ['kind', 'period'] },
      { name: 'g2_rm_redated_writes', key: ['redate_id'] },
    ],
    handles: { FiscalYearClosed: true, VatMonthDeclared: true, LockedPeriodWriteRedated: true },
    memo: noMemo,
    apply(rows, event) {
      switch (event.type) {
        case 'FiscalYearClosed': {
          const d = event.data;
          rows.put('g2_rm_period_locks', {
            kind: 'year',
            period: String(d.fiscalYear),
            first_day: d.first,
            last_day: d.last,
            locked_on: d.closedOn,
            position: event.position,
          });
          return;
        }
        case 'VatMonthDeclared': {
          const d = event.data;
          rows.put('g2_rm_period_locks', {
            kind: 'vat_month',
            period: d.month,
            first_day: `${d.month}-01`,
            last_day: lastDayOf(d.month),
            locked_on: d.declaredOn,
            position: event.position,
          });
          return;
        }
        case 'LockedPeriodWriteRedated': {
          const d = event.data;
          rows.put('g2_rm_redated_writes', {
            redate_id: d.redateId,
            from_day: d.from,
            to_day: d.to,
            command_type: d.commandType,
            events: JSON.stringify(d.events),
            position: event.position,
          });
          return;
        }
      }
    },
  });

export async function loadPeriodLocks(q: Queryable): Promise<PeriodLocks> {
  const rows = await q.query<{
    kind: string;
    period: string;
    first_day: string;
    last_day: string;
    locked_on: string;
  }>(`SELECT kind, period, first_day, last_day, locked_on FROM g2_rm_period_locks`);
  return {
    closedYears: rows
      .filter((r) => r.kind === 'year')
      .map((r) => ({
        fiscalYear: Number(r.period),
        first: r.first_day,
        last: r.last_day,
        closedOn: r.locked_on,
      })),
    declaredMonths: rows.filter((r) => r.kind === 'vat_month').map((r) => r.period),
  };
}

export interface RedatedWrite {
  redateId: string;
  from: string;
  to: string;
  commandType: string;
  events: { type: string; ref: string }[];
}

/** Gloux writes taken in on the first open day, latest first. */
export async function redatedWrites(q: Queryable, limit = 500): Promise<RedatedWrite[]> {
  const rows = await q.query<{
    redate_id: string;
    from_day: string;
    to_day: string;
    command_type: string;
    events: string;
  }>(
    `SELECT redate_id, from_day, to_day, command_type, events FROM g2_rm_redated_writes ORDER BY position DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
  );
  return rows.map((r) => ({
    redateId: r.redate_id,
    from: r.from_day,
    to: r.to_day,
    commandType: r.command_type,
    events: JSON.parse(r.events) as { type: string; ref: string }[],
  }));
}

/** A short reference of an event for the treasurer's list (its number or id). */
function refOf(data: unknown): string {
  const d = data as Record<string, unknown>;
  for (const k of ['number', 'reference', 'invoiceId', 'paymentId', 'reversalId', 'slipId'])
    if (typeof d[k] === 'string' && d[k] !== '') return d[k];
  return '';
}

/** Refuses days in a locked period (DomainError 'period_locked'), e.g. before drawing a number. */
export async function assertPeriodsOpen(q: Queryable, days: readonly string[]): Promise<void> {
  assertOpen(await loadPeriodLocks(q), days);
}

/**
 * The appends of a command, checked against the locked periods (docs/accounting.md §7): a gloux2
 * command dated in one is refused (DomainError 'period_locked', French); a write taken in from
 * Gloux cannot be refused (Gloux has it already), so it is moved to the first open day and
 * listed for the treasurer.
 */
export async function guardLockedPeriods(
  tx: Tx,
  appends: readonly AppendRequest[],
  source: EventSource,
  commandType: string,
): Promise<AppendRequest[]> {
  const days = appends.flatMap((a) => a.events.flatMap(accountingDays));
  if (days.length === 0) return [...appends];
  const locks = await loadPeriodLocks(tx);
  if (locks.closedYears.length === 0 && locks.declaredMonths.length === 0) return [...appends];
  if (source !== 'gloux') {
    assertOpen(locks, days);
    return [...appends];
  }
  const locked = days.filter((d) => lockOf(locks, d) !== null).sort();
  if (locked.length === 0) return [...appends];
  const moved = appends.flatMap((a) =>
    a.events
      .filter((e) => accountingDays(e).some((d) => lockOf(locks, d) !== null))
      .map((e) => ({ type: e.type, ref: refOf(e.data) })),
  );
  const from = locked[0]!;
  return [
    ...appends.map((a) => ({ ...a, events: a.events.map((e) => redated(locks, e)) })),
    {
      streamId: BOOKS_STREAM,
      expectedVersion: 'any',
      events: [
        {
          type: 'LockedPeriodWriteRedated',
          data: {
            redateId: randomUUID(),
            from,
            to: firstOpenDay(locks, from),
            commandType,
            events: moved,
          },
        },
      ],
    },
  ];
}
