import {
  allocationDelta,
  invoiceFigures,
  type AllocationEntry,
} from '../../domain/billing/allocation.js';
import {
  allocationOrder,
  arrivesInOrder,
  invoiceAllocationChanges,
  type AllocationChange,
} from '../../domain/billing/allocation-history.js';
import { effectiveLines } from '../../domain/billing/credit-note.js';
import {
  invoiceStream,
  isBillingEvent,
  type BillingEvent,
  type InvoiceEvent,
} from '../../domain/billing/events.js';
import { evolveInvoice, replayInvoice, type InvoiceState } from '../../domain/billing/invoice.js';
import { fiscalYearOf, type FiscalYearStart } from '../../domain/shared/fiscal-year.js';
import type { Tx } from '../../src/kernel/database/db.js';
import { readStream, type RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { insertRows, type Projection } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

const LINE_INSERT = `INSERT INTO g2_rm_payment_lines (payment_id, invoice_id, line_id, paid_on, payment_fy, vat_rate, vat_cents, kind) VALUES`;
const YEAR_INSERT = `INSERT INTO g2_rm_payment_years (payment_id, invoice_id, line_id, paid_on, payment_fy, fiscal_year, bucket, net_cents, kind) VALUES`;

/**
 * How each payment splits over lines, VAT and fiscal years (N-1 / N / N+1), docs/accounting.md §2.
 * The buckets depend on the fiscal year start: changing it means rebuilding this projection.
 */
export class PaymentAllocationProjection implements Projection {
  readonly name = 'payment-allocation';
  readonly tables = ['g2_rm_payment_lines', 'g2_rm_payment_years'];

  constructor(private readonly fiscalYearStart: FiscalYearStart) {}

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBillingEvent(event)) return;
    const e = event as unknown as BillingEvent;
    switch (e.type) {
      case 'InvoiceIssued':
      case 'PaymentRecorded':
      case 'PaymentReversed':
      case 'PaymentAllocationChanged': // the invoice's InvoicePaymentAllocated carries it
      case 'CustomerCredited':
      case 'CustomerCreditApplied':
      case 'CustomerCreditWithdrawn':
        return;
      case 'InvoicePaymentAllocated':
        return this.record(tx, event.position, e.data.invoiceId, {
          id: e.data.paymentId,
          on: e.data.paidOn,
          kind: e.data.amount.startsWith('-') ? 'reversal' : 'payment',
        });
      case 'CreditNoteIssued':
        return this.record(tx, event.position, e.data.invoiceId, {
          id: e.data.creditNoteId,
          on: e.data.issuedOn,
          kind: 'credit_note',
        });
    }
  }

  /**
   * Rows of one change of the invoice: its figures after the event minus before it (a credit
   * note changes the lines, a payment or reversal the amount paid), dated on the event's day.
   */
  private async record(
    tx: Tx,
    position: number,
    invoiceId: string,
    change: { id: string; on: string; kind: 'payment' | 'reversal' | 'credit_note' },
  ): Promise<void> {
    // The invoice as it stood around this event (later events ignored, so a rebuild agrees).
    const history = (await readStream(tx, invoiceStream(invoiceId))).filter(
      (x) => x.position <= position,
    );
    const figures = (state: InvoiceState) =>
      invoiceFigures(effectiveLines(state), state.paid.toString(), this.fiscalYearStart);
    const events = history as unknown as InvoiceEvent[];
    const earlier = events.slice(0, -1);
    const inOrder = allocationOrder(earlier).every((e, i) => e === earlier[i]);
    if (!inOrder || !arrivesInOrder(earlier, events[events.length - 1]!)) {
      // Recorded out of date order: the payments dated after this one get their cents again.
      return this.rewrite(tx, invoiceId, earlier, events);
    }
    const before = replayInvoice(earlier);
    const after = evolveInvoice(before, events[events.length - 1]!);
    const entries = allocationDelta(
      figures(before),
      figures(after),
      change.on,
      change.id,
      this.fiscalYearStart,
    );
    const paymentFy = fiscalYearOf(change.on, this.fiscalYearStart);
    const rateOf = new Map(after.lines.map((l) => [l.lineId, l.vatRate]));
    const rows = kept({ ...change, entries });
    // One row of each table, in the column order of LINE_INSERT and YEAR_INSERT.
    const lineRow = (entry: AllocationEntry): unknown[] => [
      change.id,
      invoiceId,
      entry.lineId,
      change.on,
      paymentFy,
      rateOf.get(entry.lineId) ?? '0',
      toCents(entry.vat),
      change.kind,
    ];
    const yearRow = (entry: AllocationEntry, y: AllocationEntry['years'][number]): unknown[] => [
      change.id,
      invoiceId,
      entry.lineId,
      change.on,
      paymentFy,
      y.fiscalYear,
      y.bucket,
      toCents(y.net),
      change.kind,
    ];
    // Rows of this id on this invoice exist only if an earlier event of the invoice carried the
    // same id (a Gloux payment allocated again); otherwise one multi-row INSERT per table, since
    // a replay of the whole log pays a round trip per statement.
    const again = events
      .slice(0, -1)
      .some((x) => x.type === 'InvoicePaymentAllocated' && x.data.paymentId === change.id);
    if (!again) {
      await insertRows(tx, LINE_INSERT, rows.map(lineRow));
      await insertRows(
        tx,
        YEAR_INSERT,
        rows.flatMap((entry) => entry.years.map((y) => yearRow(entry, y))),
      );
      return;
    }
    for (const entry of rows) {
      // A payment imported from Gloux may get more of its allocation later: added to its rows.
      const [line] = await tx.query(
        `SELECT 1 AS x FROM g2_rm_payment_lines WHERE payment_id = ? AND invoice_id = ? AND line_id = ?`,
        [change.id, invoiceId, entry.lineId],
      );
      if (line) {
        await tx.execute(
          `UPDATE g2_rm_payment_lines SET vat_cents = vat_cents + ? WHERE payment_id = ? AND invoice_id = ? AND line_id = ?`,
          [toCents(entry.vat), change.id, invoiceId, entry.lineId],
        );
      } else {
        await insertRows(tx, LINE_INSERT, [lineRow(entry)]);
      }
      for (const y of entry.years) {
        const [year] = await tx.query(
          `SELECT 1 AS x FROM g2_rm_payment_years WHERE payment_id = ? AND invoice_id = ? AND line_id = ? AND fiscal_year = ?`,
          [change.id, invoiceId, entry.lineId, y.fiscalYear],
        );
        if (year) {
          await tx.execute(
            `UPDATE g2_rm_payment_years SET net_cents = net_cents + ? WHERE payment_id = ? AND invoice_id = ? AND line_id = ? AND fiscal_year = ?`,
            [toCents(y.net), change.id, invoiceId, entry.lineId, y.fiscalYear],
          );
          continue;
        }
        await insertRows(tx, YEAR_INSERT, [yearRow(entry, y)]);
      }
    }
  }

  /**
   * The invoice's rows as the allocation in date order gives them (docs/accounting.md §2), written
   * as the difference from the rows of the events before this one: only what moved is touched.
   */
  private async rewrite(
    tx: Tx,
    invoiceId: string,
    earlier: readonly InvoiceEvent[],
    events: readonly InvoiceEvent[],
  ): Promise<void> {
    const old = this.rowsOf(invoiceId, earlier);
    const now = this.rowsOf(invoiceId, events);
    for (const [table, keys] of [
      ['g2_rm_payment_lines', ['payment_id', 'invoice_id', 'line_id']],
      ['g2_rm_payment_years', ['payment_id', 'invoice_id', 'line_id', 'fiscal_year']],
    ] as const) {
      const before = table === 'g2_rm_payment_lines' ? old.lines : old.years;
      const after = table === 'g2_rm_payment_lines' ? now.lines : now.years;
      const where = keys.map((k) => `${k} = ?`).join(' AND ');
      for (const [key, row] of before) {
        if (after.has(key)) continue;
        await tx.execute(
          `DELETE FROM ${table} WHERE ${where}`,
          keys.map((k) => row[k]),
        );
      }
      for (const [key, row] of after) {
        const was = before.get(key);
        if (was && JSON.stringify(was) === JSON.stringify(row)) continue;
        const columns = Object.keys(row);
        if (was) {
          await tx.execute(
            `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE ${where}`,
            [...columns.map((c) => row[c]), ...keys.map((k) => row[k])],
          );
        } else {
          await insertRows(tx, `INSERT INTO ${table} (${columns.join(', ')}) VALUES`, [
            columns.map((c) => row[c]),
          ]);
        }
      }
    }
  }

  /** Rows of both tables for these events, keyed as their primary keys, in allocation order. */
  private rowsOf(invoiceId: string, events: readonly InvoiceEvent[]) {
    const issued = events.find((e) => e.type === 'InvoiceIssued');
    const rateOf = new Map(
      (issued?.type === 'InvoiceIssued' ? issued.data.lines : []).map((l) => [l.lineId, l.vatRate]),
    );
    type Row = Record<string, string | number>;
    const lines = new Map<string, Row>();
    const years = new Map<string, Row>();
    // A payment id met again (a Gloux allocation added later) adds to its first rows.
    const accumulate = (rows: Map<string, Row>, key: string, fresh: Row, column: string) => {
      const row = rows.get(key);
      if (row) row[column] = (BigInt(row[column]!) + BigInt(fresh[column]!)).toString();
      else rows.set(key, fresh);
    };
    for (const change of invoiceAllocationChanges(events, this.fiscalYearStart)) {
      const paymentFy = fiscalYearOf(change.on, this.fiscalYearStart);
      for (const entry of kept(change)) {
        const lineKey = `${change.id}|${entry.lineId}`;
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
}

/** A credit note on an unpaid line moves no money already received: no row to keep. */
function kept(change: AllocationChange): AllocationEntry[] {
  return change.entries.filter(
    (entry) => !(change.kind === 'credit_note' && entry.vat === '0.00' && entry.years.length === 0),
  );
}
