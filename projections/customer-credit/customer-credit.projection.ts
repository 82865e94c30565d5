import type { CustomerAccountEvent } from '../../domain/billing/events.js';
import { defineProjection, int, noMemo, type Rows } from '../../src/kernel/projection.js';
import { negatedCents, toCents } from '../../domain/shared/cents.js';

/** Each customer's credit and every movement of it (overpayments, avoirs, use, refunds). */
export const customerCreditProjection = () =>
  defineProjection<CustomerAccountEvent>({
    name: 'customer-credit',
    tables: [
      { name: 'g2_rm_customer_credit', key: ['customer_id'], lookup: true },
      { name: 'g2_rm_credit_movements', key: ['position', 'movement_id'] },
    ],
    handles: { CustomerCredited: true, CustomerCreditApplied: true, CustomerCreditWithdrawn: true },
    memo: noMemo,
    async apply(rows, event) {
      const move = (
        movementId: string,
        customerId: string,
        kind: string,
        cents: string,
        on: string,
        invoiceId: string | null,
        sourceId: string | null,
      ) =>
        rows.put('g2_rm_credit_movements', {
          position: event.position,
          movement_id: movementId,
          customer_id: customerId,
          kind,
          amount_cents: cents,
          on_day: on,
          invoice_id: invoiceId,
          source_id: sourceId,
        });
      switch (event.type) {
        case 'CustomerCredited': {
          const d = event.data;
          move(d.sourceId, d.customerId, d.source, toCents(d.amount), d.on, null, d.sourceId);
          return add(rows, d.customerId, toCents(d.amount), event.position);
        }
        case 'CustomerCreditApplied': {
          const d = event.data;
          move(
            d.applicationId,
            d.customerId,
            'applied',
            negatedCents(d.amount),
            d.on,
            d.invoiceId,
            null,
          );
          return add(rows, d.customerId, negatedCents(d.amount), event.position);
        }
        case 'CustomerCreditWithdrawn': {
          const d = event.data;
          let k = 0;
          for (const r of d.reversedApplications) {
            k += 1;
            move(
              `${d.withdrawalId}:${k}`,
              d.customerId,
              'unapplied',
              toCents(r.amount),
              d.on,
              r.invoiceId,
              r.applicationId,
            );
            await add(rows, d.customerId, toCents(r.amount), event.position);
          }
          move(
            d.withdrawalId,
            d.customerId,
            d.reason,
            negatedCents(d.amount),
            d.on,
            null,
            d.paymentId,
          );
          return add(rows, d.customerId, negatedCents(d.amount), event.position);
        }
      }
    },
  });

async function add(rows: Rows, customerId: string, cents: string, position: number): Promise<void> {
  const row = await rows.get('g2_rm_customer_credit', [customerId]);
  rows.put('g2_rm_customer_credit', {
    customer_id: customerId,
    credit_cents: (int(row?.['credit_cents']) + BigInt(cents)).toString(),
    last_position: position,
  });
}
