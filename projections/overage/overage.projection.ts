import type { MonthlyEstimate, OverageEvent } from '../../domain/overage/events.js';
import { defineProjection, noMemo } from '../../src/kernel/projection.js';
import { toCents } from '../../domain/shared/cents.js';

const estimateColumns = (e: MonthlyEstimate) => ({
  estimate_quantity: e.quantity,
  estimate_unit_net: e.unitNet,
  estimate_net_cents: toCents(e.net),
  estimate_vat_rate: e.vatRate,
  estimate_total_cents: toCents(e.total),
});

/** Current overages per hosting (warning or billable), and the overage lines pending or invoiced. */
export const overageProjection = () =>
  defineProjection<OverageEvent>({
    name: 'overage',
    tables: [
      { name: 'g2_rm_overages', key: ['hosting_id', 'resource'], lookup: true },
      { name: 'g2_rm_overage_lines', key: ['charge_id'], lookup: true },
    ],
    handles: {
      OverageDetected: true,
      OverageMeasured: true,
      OverageResolved: true,
      OverageCharged: true,
      OverageInvoiceRequested: true,
      OverageInvoiced: true,
    },
    memo: noMemo,
    async apply(rows, event) {
      switch (event.type) {
        case 'OverageDetected': {
          const d = event.data;
          rows.put('g2_rm_overages', {
            hosting_id: d.hostingId,
            resource: d.resource,
            customer_id: d.customerId,
            hosting_name: d.hostingName.slice(0, 64),
            measured: d.measured,
            quota: d.quota,
            excess: d.excess,
            since: d.since,
            grace_ends_on: d.graceEndsOn,
            observed_on: d.since,
            ...estimateColumns(d.estimate),
            last_position: event.position,
          });
          return;
        }
        case 'OverageMeasured': {
          const d = event.data;
          await rows.update('g2_rm_overages', [d.hostingId, d.resource], () => ({
            measured: d.measured,
            quota: d.quota,
            excess: d.excess,
            observed_on: d.on,
            ...estimateColumns(d.estimate),
            last_position: event.position,
          }));
          return;
        }
        case 'OverageResolved':
          rows.delete('g2_rm_overages', [event.data.hostingId, event.data.resource]);
          return;
        case 'OverageCharged': {
          const d = event.data;
          rows.put('g2_rm_overage_lines', {
            charge_id: d.chargeId,
            customer_id: d.customerId,
            hosting_id: d.hostingId,
            resource: d.resource,
            label: d.label,
            period_start: d.periodStart,
            period_end: d.periodEnd,
            quantity: d.quantity,
            unit_net: d.unitNet,
            net_cents: toCents(d.net),
            vat_rate: d.vatRate,
            vat_cents: toCents(d.vat),
            total_cents: toCents(d.total),
            charged_on: d.chargedOn,
            batch_id: null,
            invoice_id: null,
            invoice_number: null,
            position: event.position,
          });
          return;
        }
        case 'OverageInvoiceRequested':
          for (const id of event.data.chargeIds)
            await rows.update('g2_rm_overage_lines', [id], () => ({
              batch_id: event.data.batchId,
            }));
          return;
        case 'OverageInvoiced': {
          const d = event.data;
          const lines = await rows.select('g2_rm_overage_lines', {
            where: [{ column: 'batch_id', op: '=', value: d.batchId }],
          });
          for (const l of lines)
            await rows.update('g2_rm_overage_lines', [l['charge_id']!], () => ({
              invoice_id: d.invoiceId,
              invoice_number: d.number,
            }));
          return;
        }
      }
    },
  });
