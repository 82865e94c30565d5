import { Inject, Injectable } from '@nestjs/common';
import {
  isBillable,
  PERIODICITY_LABELS,
  PRODUCT_TYPE_LABELS,
  type Product,
} from '../../domain/catalogue/catalogue.js';
import { entryInForce, VAT_CATEGORY_LABELS } from '../../domain/catalogue/vat-schedule.js';
import { listProducts } from '../../legacy-sync/legacy-catalogue.js';
import { vatSchedule, type VatScheduleRow } from '../../projections/vat-rates/vat-rates.queries.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';

export interface CatalogueProductView extends Product {
  typeLabel: string;
  periodicityLabel: string;
  vatCategoryLabel: string;
  /** The schedule's rate today, or null when none is in force (the page says so). */
  vatRate: string | null;
  /** Shares are never invoiced. */
  billable: boolean;
}

export interface CataloguePage {
  today: string;
  products: CatalogueProductView[];
  vatSchedule: (VatScheduleRow & { categoryLabel: string; inForce: boolean })[];
}

/** The catalogue page: Gloux's products with today's VAT rate, and the dated schedule. */
@Injectable()
export class CatalogueQueries {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async page(): Promise<CataloguePage> {
    const today = this.clock.today();
    return this.db.run(async (q) => {
      const [products, schedule] = [await listProducts(q), await vatSchedule(q)];
      const rateToday = (category: Product['vatCategory']) =>
        category === 'exempt' ? '0' : (entryInForce(schedule, category, today)?.rate ?? null);
      const inForce = entryInForce(schedule, 'standard', today)?.entryId;
      return {
        today,
        products: products.map((p) => ({
          ...p,
          typeLabel: PRODUCT_TYPE_LABELS[p.type],
          periodicityLabel: PERIODICITY_LABELS[p.periodicity],
          vatCategoryLabel: VAT_CATEGORY_LABELS[p.vatCategory],
          vatRate: rateToday(p.vatCategory),
          billable: isBillable(p),
        })),
        vatSchedule: schedule
          .map((e) => ({
            ...e,
            categoryLabel: VAT_CATEGORY_LABELS[e.category],
            inForce: e.entryId === inForce,
          }))
          .sort((a, b) =>
            a.effectiveFrom === b.effectiveFrom
              ? a.position - b.position
              : a.effectiveFrom < b.effectiveFrom
                ? -1
                : 1,
          ),
      };
    });
  }
}
