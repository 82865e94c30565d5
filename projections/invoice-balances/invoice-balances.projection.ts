import { isBillingEvent, type BillingEvent } from '../../domain/billing/events.js';
import type { Tx } from '../../src/database/db.js';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { toCents, type Projection } from '../projection.js';

/** Invoices with what is paid and what is left, their lines, and the payments received. */
export class InvoiceBalancesProjection implements Projection {
  readonly name = 'invoice-balances';
  readonly tables = [
    'g2_rm_invoices',
    'g2_rm_invoice_lines',
    'g2_rm_payments',
    'g2_rm_invoice_payments',
  ];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBillingEvent(event)) return;
    const e = event as unknown as BillingEvent;
    switch (e.type) {
      case 'InvoiceIssued': {
        const d = e.data;
        const zero = toCents(d.total) === '0';
        await tx.execute(
          `INSERT INTO g2_rm_invoices (invoice_id, number, customer_id, issued_on, due_on, total_net_cents, total_vat_cents, total_cents, paid_cents, status, paid_on, last_position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
          [
            d.invoiceId,
            d.number,
            d.customerId,
            d.issuedOn,
            d.dueOn,
            toCents(d.totalNet),
            toCents(d.totalVat),
            toCents(d.total),
            zero ? 'paid' : 'issued',
            zero ? d.issuedOn : null,
            event.position,
          ],
        );
        let lineNo = 0;
        for (const l of d.lines) {
          lineNo += 1;
          await tx.execute(
            `INSERT INTO g2_rm_invoice_lines (invoice_id, line_id, line_no, label, net_cents, vat_rate, vat_cents, total_cents, service_start, service_end)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              d.invoiceId,
              l.lineId,
              lineNo,
              l.label,
              toCents(l.net),
              l.vatRate,
              toCents(l.vat),
              toCents(l.total),
              l.serviceStart,
              l.serviceEnd,
            ],
          );
        }
        return;
      }
      case 'InvoicePaymentAllocated': {
        const d = e.data;
        const [seq] = await tx.query<{ n: number | string }>(
          `SELECT COUNT(*) AS n FROM g2_rm_invoice_payments WHERE invoice_id = ?`,
          [d.invoiceId],
        );
        await tx.execute(
          `INSERT INTO g2_rm_invoice_payments (invoice_id, payment_id, seq, paid_on, amount_cents) VALUES (?, ?, ?, ?, ?)`,
          [d.invoiceId, d.paymentId, Number(seq?.n ?? 0) + 1, d.paidOn, toCents(d.amount)],
        );
        // Paid when nothing is left; the day is the one of the payment that settled it.
        await tx.execute(
          `UPDATE g2_rm_invoices
              SET paid_cents = paid_cents + ?,
                  status = CASE WHEN paid_cents + ? >= total_cents THEN 'paid' ELSE 'issued' END,
                  paid_on = CASE WHEN paid_cents + ? >= total_cents THEN ? ELSE NULL END,
                  last_position = ?
            WHERE invoice_id = ?`,
          [
            toCents(d.amount),
            toCents(d.amount),
            toCents(d.amount),
            d.paidOn,
            event.position,
            d.invoiceId,
          ],
        );
        return;
      }
      case 'PaymentRecorded': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_payments (payment_id, customer_id, method, amount_cents, received_on, reference, bank, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            d.paymentId,
            d.customerId,
            d.method,
            toCents(d.amount),
            d.receivedOn,
            d.reference,
            d.bank,
            event.position,
          ],
        );
        return;
      }
    }
  }
}
