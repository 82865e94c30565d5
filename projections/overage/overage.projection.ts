import {
  isOverageEvent,
  type MonthlyEstimate,
  type OverageEvent,
} from '../../domain/overage/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import { type Projection } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

/** estimate_quantity, estimate_unit_net, estimate_net_cents, estimate_vat_rate, estimate_total_cents. */
const estimateColumns = (e: MonthlyEstimate) => [
  e.quantity,
  e.unitNet,
  toCents(e.net),
  e.vatRate,
  toCents(e.total),
];

/** Current overages per hosting (warning or billable), and the overage lines pending or invoiced. */
export class OverageProjection implements Projection {
  readonly name = 'overage';
  readonly tables = ['g2_rm_overages', 'g2_rm_overage_lines'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isOverageEvent(event)) return;
    const e = event as unknown as OverageEvent;
    switch (e.type) {
      case 'OverageDetected': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_overages (hosting_id, resource, customer_id, hosting_name, measured, quota, excess, since, grace_ends_on, observed_on,
             estimate_quantity, estimate_unit_net, estimate_net_cents, estimate_vat_rate, estimate_total_cents, last_position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            d.hostingId,
            d.resource,
            d.customerId,
            d.hostingName.slice(0, 64),
            d.measured,
            d.quota,
            d.excess,
            d.since,
            d.graceEndsOn,
            d.since,
            ...estimateColumns(d.estimate),
            event.position,
          ],
        );
        return;
      }
      case 'OverageMeasured': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_overages SET measured = ?, quota = ?, excess = ?, observed_on = ?, estimate_quantity = ?, estimate_unit_net = ?,
             estimate_net_cents = ?, estimate_vat_rate = ?, estimate_total_cents = ?, last_position = ?
           WHERE hosting_id = ? AND resource = ?`,
          [
            d.measured,
            d.quota,
            d.excess,
            d.on,
            ...estimateColumns(d.estimate),
            event.position,
            d.hostingId,
            d.resource,
          ],
        );
        return;
      }
      case 'OverageResolved':
        await tx.execute(`DELETE FROM g2_rm_overages WHERE hosting_id = ? AND resource = ?`, [
          e.data.hostingId,
          e.data.resource,
        ]);
        return;
      case 'OverageCharged': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_overage_lines (charge_id, customer_id, hosting_id, resource, label, period_start, period_end, quantity, unit_net,
             net_cents, vat_rate, vat_cents, total_cents, charged_on, batch_id, invoice_id, invoice_number, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)`,
          [
            d.chargeId,
            d.customerId,
            d.hostingId,
            d.resource,
            d.label,
            d.periodStart,
            d.periodEnd,
            d.quantity,
            d.unitNet,
            toCents(d.net),
            d.vatRate,
            toCents(d.vat),
            toCents(d.total),
            d.chargedOn,
            event.position,
          ],
        );
        return;
      }
      case 'OverageInvoiceRequested': {
        const ids = e.data.chargeIds;
        if (ids.length === 0) return;
        await tx.execute(
          `UPDATE g2_rm_overage_lines SET batch_id = ? WHERE charge_id IN (${ids.map(() => '?').join(', ')})`,
          [e.data.batchId, ...ids],
        );
        return;
      }
      case 'OverageInvoiced':
        await tx.execute(
          `UPDATE g2_rm_overage_lines SET invoice_id = ?, invoice_number = ? WHERE batch_id = ?`,
          [e.data.invoiceId, e.data.number, e.data.batchId],
        );
        return;
    }
  }
}
