import { isBillingEvent, type BillingEvent } from '../../domain/billing/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { type Projection } from '../../src/kernel/projection.js';
import { negatedCents, toCents } from '../../domain/shared/cents.js';

/** Each customer's credit and every movement of it (overpayments, avoirs, use, refunds). */
export class CustomerCreditProjection implements Projection {
  readonly name = 'customer-credit';
  readonly tables = ['g2_rm_customer_credit', 'g2_rm_credit_movements'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBillingEvent(event)) return;
    const e = event as unknown as BillingEvent;
    const move = (
      movementId: string,
      customerId: string,
      kind: string,
      cents: string,
      on: string,
      invoiceId: string | null,
      sourceId: string | null,
    ) =>
      tx.execute(
        `INSERT INTO g2_rm_credit_movements (position, movement_id, customer_id, kind, amount_cents, on_day, invoice_id, source_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [event.position, movementId, customerId, kind, cents, on, invoiceId, sourceId],
      );
    switch (e.type) {
      case 'InvoiceIssued':
      case 'InvoicePaymentAllocated':
      case 'CreditNoteIssued':
      case 'PaymentRecorded':
      case 'PaymentReversed':
      case 'PaymentAllocationChanged':
        return;
      case 'CustomerCredited': {
        const d = e.data;
        await move(d.sourceId, d.customerId, d.source, toCents(d.amount), d.on, null, d.sourceId);
        return this.add(tx, d.customerId, toCents(d.amount), event.position);
      }
      case 'CustomerCreditApplied': {
        const d = e.data;
        await move(
          d.applicationId,
          d.customerId,
          'applied',
          negatedCents(d.amount),
          d.on,
          d.invoiceId,
          null,
        );
        return this.add(tx, d.customerId, negatedCents(d.amount), event.position);
      }
      case 'CustomerCreditWithdrawn': {
        const d = e.data;
        let k = 0;
        for (const r of d.reversedApplications) {
          k += 1;
          await move(
            `${d.withdrawalId}:${k}`,
            d.customerId,
            'unapplied',
            toCents(r.amount),
            d.on,
            r.invoiceId,
            r.applicationId,
          );
          await this.add(tx, d.customerId, toCents(r.amount), event.position);
        }
        await move(
          d.withdrawalId,
          d.customerId,
          d.reason,
          negatedCents(d.amount),
          d.on,
          null,
          d.paymentId,
        );
        return this.add(tx, d.customerId, negatedCents(d.amount), event.position);
      }
    }
  }

  private async add(tx: Tx, customerId: string, cents: string, position: number): Promise<void> {
    const [row] = await tx.query(`SELECT 1 AS x FROM g2_rm_customer_credit WHERE customer_id = ?`, [
      customerId,
    ]);
    await tx.execute(
      row
        ? `UPDATE g2_rm_customer_credit SET credit_cents = credit_cents + ?, last_position = ? WHERE customer_id = ?`
        : `INSERT INTO g2_rm_customer_credit (credit_cents, last_position, customer_id) VALUES (?, ?, ?)`,
      [cents, position, customerId],
    );
  }
}
