import { isCatalogueEvent, type CatalogueEvent } from '../../domain/catalogue/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import type { Projection } from '../../src/kernel/projection.js';

/** The dated VAT schedule, one row per entry (corrections included: the latest recorded wins). */
export class VatRatesProjection implements Projection {
  readonly name = 'vat-rates';
  readonly tables = ['g2_rm_vat_rates'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isCatalogueEvent(event)) return;
    const e = event as unknown as CatalogueEvent;
    switch (e.type) {
      case 'VatRateScheduled': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_vat_rates (entry_id, category, rate, effective_from, reason, position) VALUES (?, ?, ?, ?, ?, ?)`,
          [d.entryId, d.category, d.rate, d.effectiveFrom, d.reason, event.position],
        );
        return;
      }
    }
  }
}
