import { allocateInvoicePayments } from '../../domain/billing/allocation.js';
import {
  invoiceStream,
  isBillingEvent,
  type BillingEvent,
  type InvoiceEvent,
} from '../../domain/billing/events.js';
import { evolveInvoice, initialInvoiceState } from '../../domain/billing/invoice.js';
import { fiscalYearOf, type FiscalYearStart } from '../../domain/shared/fiscal-year.js';
import type { Tx } from '../../src/database/db.js';
import { readStream, type RecordedEvent } from '../../src/event-store/event-store.js';
import { toCents, type Projection } from '../projection.js';

/**
 * How each payment splits over lines, VAT and fiscal years (N-1 / N / N+1), ACCOUNTING.md §2.
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
        return;
      case 'InvoicePaymentAllocated':
        return this.allocate(tx, event.position, e.data);
    }
  }

  private async allocate(
    tx: Tx,
    position: number,
    d: { invoiceId: string; paymentId: string; paidOn: string },
  ): Promise<void> {
    // The invoice as it stood when this payment arrived (later events ignored, so a rebuild agrees).
    const history = (await readStream(tx, invoiceStream(d.invoiceId))).filter(
      (x) => x.position <= position,
    );
    const invoice = history.reduce(
      (s, x) => evolveInvoice(s, x as unknown as InvoiceEvent),
      initialInvoiceState,
    );
    const result = allocateInvoicePayments({
      fiscalYearStart: this.fiscalYearStart,
      lines: invoice.lines.map((l) => ({
        id: l.lineId,
        net: l.net,
        vatRate: l.vatRate,
        serviceStart: l.serviceStart,
        serviceEnd: l.serviceEnd,
      })),
      payments: invoice.payments.map((p) => ({
        id: p.paymentId,
        date: p.paidOn,
        amount: p.amount.toString(),
      })),
    });
    const paymentFy = fiscalYearOf(d.paidOn, this.fiscalYearStart);
    const rateOf = new Map(invoice.lines.map((l) => [l.lineId, l.vatRate]));
    for (const entry of result.filter((r) => r.paymentId === d.paymentId)) {
      await tx.execute(
        `INSERT INTO g2_rm_payment_lines (payment_id, invoice_id, line_id, paid_on, payment_fy, vat_rate, vat_cents) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          d.paymentId,
          d.invoiceId,
          entry.lineId,
          d.paidOn,
          paymentFy,
          rateOf.get(entry.lineId) ?? '0',
          toCents(entry.vat),
        ],
      );
      for (const y of entry.years) {
        await tx.execute(
          `INSERT INTO g2_rm_payment_years (payment_id, invoice_id, line_id, paid_on, payment_fy, fiscal_year, bucket, net_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            d.paymentId,
            d.invoiceId,
            entry.lineId,
            d.paidOn,
            paymentFy,
            y.fiscalYear,
            y.bucket,
            toCents(y.net),
          ],
        );
      }
    }
  }
}
