/**
 * Catalogue events. Released shapes never change: add a new type instead, and an upcaster in
 * src/kernel/event-store/upcasting.ts if old events must read as the new one. The VAT schedule is
 * one stream of dated entries; an entry never changes an issued line (lines keep the rate they
 * were issued with, docs/accounting.md §1 and §3).
 */

/**
 * VAT categories of the catalogue. 'standard': every hosting service (taux normal);
 * 'exempt': outside the scope of VAT (shares, parts sociales), always 0 and never scheduled.
 */
export type VatCategory = 'standard' | 'exempt';

export interface VatRateScheduled {
  readonly type: 'VatRateScheduled';
  readonly data: {
    readonly entryId: string;
    readonly category: VatCategory;
    /** Percent as a decimal string: "19.6", "20". */
    readonly rate: string;
    /** First day the rate applies to (invoice date), 'YYYY-MM-DD'. */
    readonly effectiveFrom: string;
    readonly reason: string;
  };
}

export type CatalogueEvent = VatRateScheduled;

export const catalogueEventTypes: readonly CatalogueEvent['type'][] = ['VatRateScheduled'];

export function isCatalogueEvent(e: { type: string }): e is CatalogueEvent {
  return (catalogueEventTypes as readonly string[]).includes(e.type);
}

/** The whole schedule is one stream: entries are few and ordered by the stream. */
export const VAT_SCHEDULE_STREAM = 'vat-schedule';
