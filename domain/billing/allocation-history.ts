import { compareDays } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { allocationDelta, invoiceFigures, type AllocationEntry } from './allocation.js';
import { effectiveLines } from './credit-note.js';
import type { InvoiceEvent, InvoicePaymentAllocated } from './events.js';
import { evolveInvoice, initialInvoiceState, type InvoiceState } from './invoice.js';

/**
 * docs/accounting.md §2 over an invoice's whole history. The cent a payment gets by cumulative
 * rounding depends on what was paid before it, so "before" must not mean "recorded before":
 * the same facts recorded in another order (a cheque typed in after a later card payment, a
 * replay) would split differently (21.34 € of VAT one way, 21.33 € the other). Payments are
 * taken in the order of their dates, ties broken by a key that does not depend on recording
 * (payment id, then amount). Credit notes and Gloux's line corrections change the lines and
 * stay where they were recorded: the payments between two of them are ordered among themselves.
 */

export type AllocationChangeKind = 'payment' | 'reversal' | 'credit_note' | 'correction';

/** What one event of the invoice moved, as allocation entries dated `on`. */
export interface AllocationChange {
  readonly id: string;
  readonly on: string;
  readonly kind: AllocationChangeKind;
  readonly entries: readonly AllocationEntry[];
}

type Allocated = InvoicePaymentAllocated;

function byDateThenKey(a: Allocated, b: Allocated): number {
  const d = a.data;
  const e = b.data;
  return (
    compareDays(d.paidOn, e.paidOn) ||
    (d.paymentId < e.paymentId ? -1 : d.paymentId > e.paymentId ? 1 : 0) ||
    (d.amount < e.amount ? -1 : d.amount > e.amount ? 1 : 0)
  );
}

/**
 * The invoice's events in the order the allocation is computed: the issue first, credit notes
 * where they were recorded, and between them the payments by date then key.
 */
export function allocationOrder(events: readonly InvoiceEvent[]): InvoiceEvent[] {
  const out: InvoiceEvent[] = [];
  let run: Allocated[] = [];
  const flush = () => {
    out.push(...[...run].sort(byDateThenKey));
    run = [];
  };
  for (const event of events) {
    if (event.type === 'InvoicePaymentAllocated') {
      run.push(event);
      continue;
    }
    flush();
    out.push(event);
  }
  flush();
  return out;
}

function changeOf(event: InvoiceEvent): Omit<AllocationChange, 'entries'> | null {
  switch (event.type) {
    case 'InvoiceIssued':
      return null;
    case 'InvoicePaymentAllocated':
      return {
        id: event.data.paymentId,
        on: event.data.paidOn,
        kind: event.data.amount.startsWith('-') ? 'reversal' : 'payment',
      };
    case 'CreditNoteIssued':
      return { id: event.data.creditNoteId, on: event.data.issuedOn, kind: 'credit_note' };
    case 'LegacyInvoiceLinesCorrected':
      return { id: event.data.correctionId, on: event.data.on, kind: 'correction' };
  }
}

function changesInOrder(events: readonly InvoiceEvent[], fiscalYearStart: string) {
  const figures = (s: InvoiceState) =>
    invoiceFigures(effectiveLines(s), s.paid.toString(), fiscalYearStart);
  const out: AllocationChange[] = [];
  let state = initialInvoiceState;
  for (const event of events) {
    const next = evolveInvoice(state, event);
    const change = changeOf(event);
    if (change) {
      const entries = allocationDelta(
        figures(state),
        figures(next),
        change.on,
        change.id,
        fiscalYearStart,
      );
      out.push({ ...change, entries });
    }
    state = next;
  }
  return out;
}

/**
 * One change per event (the issue excepted), in allocation order. Should the date order take
 * what is paid outside the invoice's bounds (a payment dated before a bounce it was recorded
 * after, so that it would overpay), the recording order is kept: the figures stay exact.
 */
export function invoiceAllocationChanges(
  events: readonly InvoiceEvent[],
  fiscalYearStart = '01-01',
): AllocationChange[] {
  try {
    return changesInOrder(allocationOrder(events), fiscalYearStart);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return changesInOrder(events, fiscalYearStart);
  }
}

/**
 * Whether appending `event` after `before` leaves the changes of `before` as they were: a credit
 * note, or a payment sorting after every payment recorded since the last credit note. Only an
 * event arriving out of date order makes the earlier changes move.
 */
export function arrivesInOrder(before: readonly InvoiceEvent[], event: InvoiceEvent): boolean {
  if (event.type !== 'InvoicePaymentAllocated') return true;
  for (let i = before.length - 1; i >= 0; i--) {
    const earlier = before[i]!;
    if (earlier.type !== 'InvoicePaymentAllocated') return true;
    if (byDateThenKey(earlier, event) > 0) return false;
  }
  return true;
}
