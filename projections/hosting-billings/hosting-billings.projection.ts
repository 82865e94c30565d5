import type { InvoiceIssued } from '../../domain/billing/events.js';
import { defineProjection, noMemo } from '../../src/kernel/projection.js';

/**
 * Which year of which hosting account each invoice bills: one row per subscription line
 * naming a hosting. The anniversary run reads it to say "déjà facturé" and never bill a year
 * twice, whoever issued the invoice (the run, the API or the panel).
 */
export const hostingBillingsProjection = () =>
  defineProjection<InvoiceIssued>({
    name: 'hosting-billings',
    tables: [{ name: 'g2_rm_hosting_billings', key: ['invoice_id', 'line_id'] }],
    handles: { InvoiceIssued: true },
    memo: noMemo,
    apply(rows, event) {
      const d = event.data;
      for (const l of d.lines) {
        if (l.kind !== 'subscription' || l.hostingId === null || l.hostingId === '') continue;
        rows.put('g2_rm_hosting_billings', {
          invoice_id: d.invoiceId,
          line_id: l.lineId,
          hosting_id: l.hostingId,
          period_start: l.serviceStart,
          period_end: l.serviceEnd,
          number: d.number,
          issued_on: d.issuedOn,
          position: event.position,
        });
      }
    },
  });
