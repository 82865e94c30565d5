import type { CatalogueEvent } from '../../domain/catalogue/events.js';
import { defineProjection, noMemo } from '../../src/kernel/projection.js';

/** The dated VAT schedule, one row per entry (corrections included: the latest recorded wins). */
export const vatRatesProjection = () =>
  defineProjection<CatalogueEvent>({
    name: 'vat-rates',
    tables: [{ name: 'g2_rm_vat_rates', key: ['entry_id'] }],
    handles: { VatRateScheduled: true },
    memo: noMemo,
    apply(rows, event) {
      switch (event.type) {
        case 'VatRateScheduled': {
          const d = event.data;
          rows.put('g2_rm_vat_rates', {
            entry_id: d.entryId,
            category: d.category,
            rate: d.rate,
            effective_from: d.effectiveFrom,
            reason: d.reason,
            position: event.position,
          });
          return;
        }
      }
    },
  });
