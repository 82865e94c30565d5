import { isBillingEvent, type BillingEvent } from '../../domain/billing/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { type Projection } from '../../src/kernel/projection.js';
import { negatedCents, toCents } from '../../domain/shared/cents.js';

/**
 * The treasurer's ledger: each movement of money on its own day (a payment in, a bounce or a
 * refund out, a refund of credit out) and each use of the customer's credit (no money moves),
 * plus every invoice and credit-note line with its product for the revenue reports.
 */
export class TreasuryProjection implements Projection {
  readonly name = 'treasury';
  readonly tables = ['g2_rm_cash_movements', 'g2_rm_revenue_lines'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBillingEvent(event)) return;
    const e = event as unknown as BillingEvent;
    const move = (m: {
      id: string;
      kind: string;
      method: string;
      on: string;
      customerId: string;
      cents: string;
      paymentId?: string | null;
      invoiceId?: string | null;
      reference: string;
    }) =>
      tx.execute(
        `INSERT INTO g2_rm_cash_movements (movement_id, kind, method, on_day, customer_id, amount_cents, payment_id, invoice_id, reference, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          m.id,
          m.kind,
          m.method,
          m.on,
          m.customerId,
          m.cents,
          m.paymentId ?? null,
          m.invoiceId ?? null,
          m.reference.slice(0, 64),
          event.position,
        ],
      );
    switch (e.type) {
      case 'InvoicePaymentAllocated':
      case 'PaymentAllocationChanged': // no money moves: the payment is already received
      case 'CustomerCredited':
        return;
      case 'InvoiceIssued': {
        const d = e.data;
        for (const l of d.lines) {
          await this.line(tx, d.invoiceId, 'invoice', d.number, d.issuedOn, d.customerId, {
            ...l,
            net: toCents(l.net),
            vat: toCents(l.vat),
          });
        }
        return;
      }
      case 'CreditNoteIssued': {
        const d = e.data;
        for (const l of d.lines) {
          await this.line(tx, d.creditNoteId, 'credit_note', d.number, d.issuedOn, d.customerId, {
            ...l,
            net: negatedCents(l.net),
            vat: negatedCents(l.vat),
          });
        }
        return;
      }
      case 'PaymentRecorded': {
        const d = e.data;
        return void (await move({
          id: d.paymentId,
          kind: 'payment',
          method: d.method,
          on: d.receivedOn,
          customerId: d.customerId,
          cents: toCents(d.amount),
          reference: d.reference,
        }));
      }
      case 'PaymentReversed': {
        const d = e.data;
        // The money goes back the way it came: the method of the payment it reverses.
        const [original] = await tx.query<{ method: string }>(
          `SELECT method FROM g2_rm_cash_movements WHERE movement_id = ?`,
          [d.paymentId],
        );
        return void (await move({
          id: d.reversalId,
          kind: d.kind,
          method: original?.method ?? 'other',
          on: d.on,
          customerId: d.customerId,
          cents: negatedCents(d.amount),
          paymentId: d.paymentId,
          reference: d.reference,
        }));
      }
      case 'CustomerCreditApplied': {
        const d = e.data;
        return void (await move({
          id: d.applicationId,
          kind: 'credit_use',
          method: 'credit',
          on: d.on,
          customerId: d.customerId,
          cents: toCents(d.amount),
          invoiceId: d.invoiceId,
          reference: 'Crédit client',
        }));
      }
      case 'CustomerCreditWithdrawn': {
        const d = e.data;
        if (d.reversedApplications.length > 0) {
          // Its invoices carry negative allocations under the withdrawal's id.
          const undone = d.reversedApplications.reduce((s, r) => s + BigInt(toCents(r.amount)), 0n);
          await move({
            id: d.paymentId === null ? `${d.withdrawalId}:undo` : d.withdrawalId,
            kind: 'credit_undo',
            method: 'credit',
            on: d.on,
            customerId: d.customerId,
            cents: (-undone).toString(),
            paymentId: d.paymentId,
            reference: 'Crédit client annulé',
          });
        }
        // A refund of credit alone is money paid out (a payment's own reversal already is).
        if (d.paymentId === null) {
          await move({
            id: d.withdrawalId,
            kind: 'credit_refund',
            method: d.method,
            on: d.on,
            customerId: d.customerId,
            cents: negatedCents(d.amount),
            reference: d.reference || 'Remboursement du crédit',
          });
        }
        return;
      }
    }
  }

  private async line(
    tx: Tx,
    documentId: string,
    documentKind: 'invoice' | 'credit_note',
    number: string,
    issuedOn: string,
    customerId: string,
    l: {
      lineId: string;
      kind: string;
      productId: string | null;
      label: string;
      vatRate: string;
      net: string;
      vat: string;
    },
  ): Promise<void> {
    await tx.execute(
      `INSERT INTO g2_rm_revenue_lines (document_id, line_id, document_kind, number, issued_on, customer_id, line_kind, product_id, label, vat_rate, net_cents, vat_cents)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        documentId,
        l.lineId,
        documentKind,
        number,
        issuedOn,
        customerId,
        l.kind,
        l.productId ?? '',
        l.label.slice(0, 255),
        l.vatRate,
        l.net,
        l.vat,
      ],
    );
  }
}
