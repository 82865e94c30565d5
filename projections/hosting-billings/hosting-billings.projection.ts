import { isBillingEvent, type BillingEvent } from '../../domain/billing/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import type { Projection } from '../../src/kernel/projection.js';

/**
 * Which year of which hosting account each invoice bills: one row per subscription line
 * naming a hosting. The anniversary run reads it to say "déjà facturé" and never bill a year
 * twice, whoever issued the invoice (the run, the API or the panel).
 */
export class HostingBillingsProjection implements Projection {
  readonly name = 'hosting-billings';
  readonly tables = ['g2_rm_hosting_billings'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBillingEvent(event)) return;
    const e = event as unknown as BillingEvent;
    if (e.type !== 'InvoiceIssued') return;
    const d = e.data;
    for (const l of d.lines) {
      if (l.kind !== 'subscription' || l.hostingId === null || l.hostingId === '') continue;
      await tx.execute(
        `INSERT INTO g2_rm_hosting_billings (invoice_id, line_id, hosting_id, period_start, period_end, number, issued_on, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          d.invoiceId,
          l.lineId,
          l.hostingId,
          l.serviceStart,
          l.serviceEnd,
          d.number,
          d.issuedOn,
          event.position,
        ],
      );
    }
  }
}
