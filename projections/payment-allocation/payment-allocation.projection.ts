import {
  allocationDelta,
  figuresWhenPaid,
  prepareInvoice,
  type AllocationEntry,
  type InvoiceFigures,
  type PreparedInvoice,
} from '../../domain/billing/allocation.js';
import {
  allocationOrder,
  arrivesInOrder,
  invoiceAllocationChanges,
  type AllocationChange,
} from '../../domain/billing/allocation-history.js';
import { effectiveLines } from '../../domain/billing/credit-note.js';
import { invoiceStream, type InvoiceEvent } from '../../domain/billing/events.js';
import {
  evolveInvoice,
  initialInvoiceState,
  type InvoiceState,
} from '../../domain/billing/invoice.js';
import { fiscalYearOf, type FiscalYearStart } from '../../domain/shared/fiscal-year.js';
import {
  defineProjection,
  int,
  isOneOf,
  type EventTypes,
  type Recorded,
  type Row,
  type Rows,
} from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

const LINES = 'g2_rm_payment_lines';
const YEARS = 'g2_rm_payment_years';

const invoiceTypes: EventTypes<InvoiceEvent> = {
  InvoiceIssued: true,
  InvoicePaymentAllocated: true,
  CreditNoteIssued: true,
  LegacyInvoiceLinesCorrected: true,
};
const isInvoiceEvent = isOneOf(invoiceTypes);

/** An invoice as it stood after an event: its state, parsed lines and figures. */
interface Folded {
  readonly state: InvoiceState;
  /** Its lines as its credit notes left them, parsed once: payments do not change them. */
  readonly invoice: PreparedInvoice;
  readonly figures: InvoiceFigures;
  /** Whether its events so far are in allocation order (none arrived out of date order). */
  readonly inOrder: boolean;
  /** The payments recorded since its last credit note (or its issue): a new one sorts among them. */
  readonly run: readonly InvoiceEvent[];
}

/**
 * Folded invoices kept in one run, the least recently used dropped first: an invoice is paid
 * within months of its issue, and one dropped is folded again from its stream.
 */
const FOLDED_INVOICES = 3_000;

/** Nothing paid: no figure moved yet (`allocationDelta` reads a line it does not find as zero). */
const NOTHING_PAID: InvoiceFigures = { lines: [] };

/**
 * How each payment splits over lines, VAT and fiscal years (N-1 / N / N+1), docs/accounting.md §2.
 * The buckets depend on the fiscal year start: changing it means rebuilding this projection.
 */
export const paymentAllocationProjection = (fiscalYearStart: FiscalYearStart) => {
  const prepared = (state: InvoiceState) => prepareInvoice(effectiveLines(state), fiscalYearStart);
  const figures = (invoice: PreparedInvoice, state: InvoiceState) =>
    state.paid.isZero() ? NOTHING_PAID : figuresWhenPaid(invoice, state.paid.toString());
  const fold = (events: readonly InvoiceEvent[]): Folded => {
    const state = events.reduce(evolveInvoice, initialInvoiceState);
    const invoice = prepared(state);
    const last = events.findLastIndex((e) => e.type !== 'InvoicePaymentAllocated');
    return {
      state,
      invoice,
      figures: figures(invoice, state),
      inOrder: allocationOrder(events).every((e, i) => e === events[i]),
      run: events.slice(last + 1),
    };
  };
  const unissued = fold([]);

  /** The invoice's events before `event`, read from its stream (a rebuild agrees with live). */
  async function history(rows: Rows, event: Recorded<InvoiceEvent>): Promise<InvoiceEvent[]> {
    return (await rows.stream(invoiceStream(event.data.invoiceId), event.position))
      .filter(isInvoiceEvent)
      .filter((x) => x.position < event.position);
  }

  /** The invoice before `event`. */
  async function before(
    rows: Rows,
    memo: Map<string, Folded>,
    event: Recorded<InvoiceEvent>,
  ): Promise<Folded> {
    const invoiceId = event.data.invoiceId;
    const kept = memo.get(invoiceId);
    if (kept) {
      memo.delete(invoiceId);
      return kept;
    }
    // The stream's first event has nothing before it: no read (every invoice's issue).
    return event.streamVersion === 0 ? unissued : fold(await history(rows, event));
  }

  /** The invoice after `event`: a payment keeps the parsed lines and asks figures once. */
  function next(was: Folded, event: Recorded<InvoiceEvent>): Folded {
    const state = evolveInvoice(was.state, event);
    const invoice = event.type === 'InvoicePaymentAllocated' ? was.invoice : prepared(state);
    const payment = event.type === 'InvoicePaymentAllocated';
    return {
      state,
      invoice,
      // Figures of a change are "after − before": a change to nothing paid has rows of zero.
      figures:
        event.type === 'InvoiceIssued'
          ? figures(invoice, state)
          : figuresWhenPaid(invoice, state.paid.toString()),
      inOrder: was.inOrder && arrivesInOrder(was.run, event),
      run: payment ? [...was.run, event] : [],
    };
  }

  return defineProjection<InvoiceEvent, Map<string, Folded>>({
    name: 'payment-allocation',
    tables: [
      // Per day: an allocation Gloux adds later to the same pair is a row of the day it is seen.
      { name: LINES, key: ['payment_id', 'invoice_id', 'line_id', 'paid_on'] },
      { name: YEARS, key: ['payment_id', 'invoice_id', 'line_id', 'paid_on', 'fiscal_year'] },
    ],
    handles: invoiceTypes,
    memo: () => new Map(),
    async apply(rows, event, memo) {
      const was = await before(rows, memo, event);
      const after = next(was, event);
      memo.set(event.data.invoiceId, after);
      if (memo.size > FOLDED_INVOICES) memo.delete(memo.keys().next().value!);
      if (event.type === 'InvoiceIssued') return;
      if (!after.inOrder) {
        // Recorded out of date order: the payments dated after this one get their cents again.
        const earlier = await history(rows, event);
        return rewrite(rows, fiscalYearStart, event.data.invoiceId, earlier, [...earlier, event]);
      }
      switch (event.type) {
        case 'InvoicePaymentAllocated':
          return record(rows, fiscalYearStart, was, after, event.data.invoiceId, {
            id: event.data.paymentId,
            on: event.data.paidOn,
            kind: event.data.amount.startsWith('-') ? 'reversal' : 'payment',
          });
        case 'CreditNoteIssued':
          return record(rows, fiscalYearStart, was, after, event.data.invoiceId, {
            id: event.data.creditNoteId,
            on: event.data.issuedOn,
            kind: 'credit_note',
          });
        case 'LegacyInvoiceLinesCorrected':
          // Gloux changed the lines: what its payments pay moves on the day gloux2 saw it.
          return record(rows, fiscalYearStart, was, after, event.data.invoiceId, {
            id: event.data.correctionId,
            on: event.data.on,
            kind: 'correction',
          });
      }
    },
  });
};

/**
 * Rows of one change of the invoice: its figures after the event minus before it (a credit
 * note changes the lines, a payment or reversal the amount paid), dated on the event's day.
 */
async function record(
  rows: Rows,
  fiscalYearStart: FiscalYearStart,
  before: Folded,
  after: Folded,
  invoiceId: string,
  change: { id: string; on: string; kind: AllocationChange['kind'] },
): Promise<void> {
  const entries = allocationDelta(
    before.figures,
    after.figures,
    change.on,
    change.id,
    fiscalYearStart,
  );
  const paymentFy = fiscalYearOf(change.on, fiscalYearStart);
  // A line a correction took away keeps its rate on the rows giving back what it had.
  const rateOf = new Map(
    [...before.state.lines, ...after.state.lines].map((l) => [l.lineId, l.vatRate]),
  );
  const rowsKept = kept({ ...change, entries });
  const lineRow = (entry: AllocationEntry): Row => ({
    payment_id: change.id,
    invoice_id: invoiceId,
    line_id: entry.lineId,
    paid_on: change.on,
    payment_fy: paymentFy,
    vat_rate: rateOf.get(entry.lineId) ?? '0',
    vat_cents: toCents(entry.vat),
    kind: change.kind,
  });
  const yearRow = (entry: AllocationEntry, y: AllocationEntry['years'][number]): Row => ({
    payment_id: change.id,
    invoice_id: invoiceId,
    line_id: entry.lineId,
    paid_on: change.on,
    payment_fy: paymentFy,
    fiscal_year: y.fiscalYear,
    bucket: y.bucket,
    net_cents: toCents(y.net),
    kind: change.kind,
  });
  // Rows of this id on this invoice and day exist only if an earlier event of the invoice
  // carried the same id on that day (a Gloux payment allocated again): then it adds to them,
  // otherwise no read. Another day has rows of its own (docs/accounting.md §2).
  const again = before.state.payments.some(
    (p) => p.paymentId === change.id && p.paidOn === change.on,
  );
  for (const entry of rowsKept) {
    const line = again
      ? await rows.get(LINES, [change.id, invoiceId, entry.lineId, change.on])
      : undefined;
    rows.put(
      LINES,
      line
        ? { ...line, vat_cents: (int(line['vat_cents']) + BigInt(toCents(entry.vat))).toString() }
        : lineRow(entry),
    );
    for (const y of entry.years) {
      const year = again
        ? await rows.get(YEARS, [change.id, invoiceId, entry.lineId, change.on, y.fiscalYear])
        : undefined;
      rows.put(
        YEARS,
        year
          ? { ...year, net_cents: (int(year['net_cents']) + BigInt(toCents(y.net))).toString() }
          : yearRow(entry, y),
      );
    }
  }
}

/** A credit note or a correction on an unpaid line moves no money already received: no row. */
function kept(change: AllocationChange): AllocationEntry[] {
  const linesOnly = change.kind === 'credit_note' || change.kind === 'correction';
  return change.entries.filter(
    (entry) => !(linesOnly && entry.vat === '0.00' && entry.years.length === 0),
  );
}

/**
 * The invoice's rows as the allocation in date order gives them (docs/accounting.md §2), written
 * as the difference from the rows of the events before this one: only what moved is touched.
 */
function rewrite(
  rows: Rows,
  fiscalYearStart: FiscalYearStart,
  invoiceId: string,
  earlier: readonly InvoiceEvent[],
  events: readonly InvoiceEvent[],
): void {
  const old = rowsOf(fiscalYearStart, invoiceId, earlier);
  const now = rowsOf(fiscalYearStart, invoiceId, events);
  for (const [table, keys, before, after] of [
    [LINES, ['payment_id', 'invoice_id', 'line_id', 'paid_on'], old.lines, now.lines],
    [
      YEARS,
      ['payment_id', 'invoice_id', 'line_id', 'paid_on', 'fiscal_year'],
      old.years,
      now.years,
    ],
  ] as const) {
    for (const [key, row] of before)
      if (!after.has(key))
        rows.delete(
          table,
          keys.map((k) => row[k] ?? null),
        );
    for (const [key, row] of after) {
      const was = before.get(key);
      if (!was || JSON.stringify(was) !== JSON.stringify(row)) rows.put(table, row);
    }
  }
}

/** Rows of both tables for these events, keyed as their primary keys, in allocation order. */
function rowsOf(
  fiscalYearStart: FiscalYearStart,
  invoiceId: string,
  events: readonly InvoiceEvent[],
) {
  const rateOf = new Map(
    events
      .flatMap((e) =>
        e.type === 'InvoiceIssued' || e.type === 'LegacyInvoiceLinesCorrected' ? e.data.lines : [],
      )
      .map((l) => [l.lineId, l.vatRate]),
  );
  type Built = Record<string, string | number>;
  const lines = new Map<string, Built>();
  const years = new Map<string, Built>();
  // A payment id met again on the same day adds to its rows; on another day (a Gloux
  // allocation added later) it has rows of that day.
  const accumulate = (built: Map<string, Built>, key: string, fresh: Built, column: string) => {
    const row = built.get(key);
    if (row) row[column] = (BigInt(row[column]!) + BigInt(fresh[column]!)).toString();
    else built.set(key, fresh);
  };
  for (const change of invoiceAllocationChanges(events, fiscalYearStart)) {
    const paymentFy = fiscalYearOf(change.on, fiscalYearStart);
    for (const entry of kept(change)) {
      const lineKey = `${change.id}|${entry.lineId}|${change.on}`;
      const common = {
        payment_id: change.id,
        invoice_id: invoiceId,
        line_id: entry.lineId,
        paid_on: change.on,
        payment_fy: paymentFy,
      };
      const rate = rateOf.get(entry.lineId) ?? '0';
      const vat = { vat_rate: rate, vat_cents: toCents(entry.vat), kind: change.kind };
      accumulate(lines, lineKey, { ...common, ...vat }, 'vat_cents');
      for (const y of entry.years) {
        const year = { fiscal_year: y.fiscalYear, bucket: y.bucket, net_cents: toCents(y.net) };
        accumulate(
          years,
          `${lineKey}|${y.fiscalYear}`,
          { ...common, ...year, kind: change.kind },
          'net_cents',
        );
      }
    }
  }
  return { lines, years };
}
