import { isBillingEvent, type BillingEvent } from '../../domain/billing/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { insertRows, type Projection } from '../../src/kernel/projection.js';
import { negatedCents, toCents } from '../../domain/shared/cents.js';

/** Invoices with what is paid and what is left, their lines, and the payments received. */
export class InvoiceBalancesProjection implements Projection {
  readonly name = 'invoice-balances';
  readonly tables = [
    'g2_rm_invoices',
    'g2_rm_invoice_lines',
    'g2_rm_payments',
    'g2_rm_invoice_payments',
    'g2_rm_payment_reversals',
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
        await insertLines(tx, d.invoiceId, d.lines, toCents);
        return;
      }
      case 'CreditNoteIssued': {
        const d = e.data;
        // The credit note is a document of its own (negative totals, settled at once)…
        await tx.execute(
          `INSERT INTO g2_rm_invoices (invoice_id, number, customer_id, issued_on, due_on, total_net_cents, total_vat_cents, total_cents, paid_cents, status, paid_on, last_position, kind, credited_cents, origin_invoice_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'paid', ?, ?, 'credit_note', 0, ?)`,
          [
            d.creditNoteId,
            d.number,
            d.customerId,
            d.issuedOn,
            d.issuedOn,
            negatedCents(d.totalNet),
            negatedCents(d.totalVat),
            negatedCents(d.total),
            d.issuedOn,
            event.position,
            d.invoiceId,
          ],
        );
        await insertLines(tx, d.creditNoteId, d.lines, negatedCents);
        // …and lowers what the invoice asks; money already paid beyond it leaves for the credit.
        await tx.execute(
          `UPDATE g2_rm_invoices
              SET credited_cents = credited_cents + ?,
                  paid_cents = paid_cents - ?,
                  last_position = ?
            WHERE invoice_id = ?`,
          [toCents(d.total), toCents(d.toCredit), event.position, d.invoiceId],
        );
        await refreshStatus(tx, d.invoiceId, d.issuedOn);
        return;
      }
      case 'InvoicePaymentAllocated': {
        const d = e.data;
        // A payment imported from Gloux may get more of its allocation later: one row per pair.
        // One read gives both whether the pair exists and the next sequence number.
        const [rows] = await tx.query<{ n: number | string; mine: number | string | null }>(
          `SELECT COUNT(*) AS n, SUM(CASE WHEN payment_id = ? THEN 1 ELSE 0 END) AS mine
             FROM g2_rm_invoice_payments WHERE invoice_id = ?`,
          [d.paymentId, d.invoiceId],
        );
        if (Number(rows?.mine ?? 0) > 0) {
          await tx.execute(
            `UPDATE g2_rm_invoice_payments SET amount_cents = amount_cents + ? WHERE invoice_id = ? AND payment_id = ?`,
            [toCents(d.amount), d.invoiceId, d.paymentId],
          );
        } else {
          await tx.execute(
            `INSERT INTO g2_rm_invoice_payments (invoice_id, payment_id, seq, paid_on, amount_cents) VALUES (?, ?, ?, ?, ?)`,
            [d.invoiceId, d.paymentId, Number(rows?.n ?? 0) + 1, d.paidOn, toCents(d.amount)],
          );
        }
        await tx.execute(
          `UPDATE g2_rm_invoices SET paid_cents = paid_cents + ?, last_position = ? WHERE invoice_id = ?`,
          [toCents(d.amount), event.position, d.invoiceId],
        );
        await refreshStatus(tx, d.invoiceId, d.paidOn);
        return;
      }
      case 'PaymentRecorded': {
        const d = e.data;
        const allocated = d.allocations.reduce((s, a) => s + BigInt(toCents(a.amount)), 0n);
        await tx.execute(
          `INSERT INTO g2_rm_payments (payment_id, customer_id, method, amount_cents, received_on, reference, bank, position, credit_cents, reversed_cents, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'valid')`,
          [
            d.paymentId,
            d.customerId,
            d.method,
            toCents(d.amount),
            d.receivedOn,
            d.reference,
            d.bank,
            event.position,
            (BigInt(toCents(d.amount)) - allocated).toString(),
          ],
        );
        return;
      }
      case 'PaymentAllocationChanged': {
        // What the payment leaves unallocated; the invoice side is its InvoicePaymentAllocated.
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_payments SET credit_cents = credit_cents - ? WHERE payment_id = ?`,
          [toCents(d.amount), d.paymentId],
        );
        return;
      }
      case 'PaymentReversed': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_payments SET reversed_cents = reversed_cents + ?, status = ? WHERE payment_id = ?`,
          [toCents(d.amount), d.kind === 'bounced' ? 'bounced' : 'valid', d.paymentId],
        );
        await tx.execute(
          `INSERT INTO g2_rm_payment_reversals (reversal_id, payment_id, customer_id, kind, amount_cents, on_day, reference, reason, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            d.reversalId,
            d.paymentId,
            d.customerId,
            d.kind,
            toCents(d.amount),
            d.on,
            d.reference,
            d.reason,
            event.position,
          ],
        );
        return;
      }
      case 'CustomerCredited':
      case 'CustomerCreditApplied':
      case 'CustomerCreditWithdrawn':
        return; // the customer-credit projection
    }
  }
}

/**
 * Status from the amounts: cancelled when credit notes cover the whole invoice, paid when
 * nothing is left (dated by the event that settled it), issued otherwise (a reversal reopens it).
 */
async function refreshStatus(tx: Tx, invoiceId: string, on: string): Promise<void> {
  await tx.execute(
    `UPDATE g2_rm_invoices
        SET paid_on = CASE WHEN total_cents <> 0 AND credited_cents >= total_cents THEN paid_on
                           WHEN paid_cents + credited_cents >= total_cents THEN CASE WHEN status = 'paid' THEN paid_on ELSE ? END
                           ELSE NULL END,
            status = CASE WHEN total_cents <> 0 AND credited_cents >= total_cents THEN 'cancelled'
                          WHEN paid_cents + credited_cents >= total_cents THEN 'paid'
                          ELSE 'issued' END
      WHERE invoice_id = ?`,
    [on, invoiceId],
  );
}

async function insertLines(
  tx: Tx,
  documentId: string,
  lines: readonly {
    lineId: string;
    label: string;
    net: string;
    vatRate: string;
    vat: string;
    total: string;
    serviceStart: string;
    serviceEnd: string;
  }[],
  cents: (amount: string) => string,
): Promise<void> {
  await insertRows(
    tx,
    `INSERT INTO g2_rm_invoice_lines (invoice_id, line_id, line_no, label, net_cents, vat_rate, vat_cents, total_cents, service_start, service_end) VALUES`,
    lines.map((l, i) => [
      documentId,
      l.lineId,
      i + 1,
      l.label,
      cents(l.net),
      l.vatRate,
      cents(l.vat),
      cents(l.total),
      l.serviceStart,
      l.serviceEnd,
    ]),
  );
}
