import { PERIODICITY_LABELS } from '../../domain/catalogue/catalogue.js';
import { entryInForce } from '../../domain/catalogue/vat-schedule.js';
import type { Day } from '../../domain/shared/day.js';
import { Money } from '../../domain/shared/money.js';
import { listProducts } from '../../legacy-sync/legacy-catalogue.js';
import { vatSchedule } from '../../projections/vat-rates/vat-rates.queries.js';
import type { Queryable } from '../kernel/database/db.js';

/** A plan the sign-up offers: an active plaque of Gloux's catalogue, its price and quotas. */
export interface SignUpPlan {
  readonly planId: string;
  readonly label: string;
  readonly priceNet: string;
  /** With today's VAT; null when the schedule has no rate today (the page shows the net price). */
  readonly priceGross: string | null;
  readonly periodicityLabel: string;
  readonly diskMb: number;
  readonly mysqlDatabases: number;
  readonly mailboxes: number;
}

/** The plans one may choose at sign-up, cheapest first (Gloux's order when equal). */
export async function signUpPlans(q: Queryable, today: Day): Promise<SignUpPlan[]> {
  const [products, schedule] = [await listProducts(q), await vatSchedule(q)];
  return products
    .filter((p) => p.type === 'plaque' && p.active)
    .map((p) => {
      const rate =
        p.vatCategory === 'exempt'
          ? '0'
          : (entryInForce(schedule, p.vatCategory, today)?.rate ?? null);
      const net = Money.of(p.priceNet);
      return {
        planId: p.productId,
        label: p.label,
        priceNet: net.toString(),
        priceGross:
          rate === null
            ? null
            : Money.round(net.times(rate).div(100).plus(net.toDecimal())).toString(),
        periodicityLabel: PERIODICITY_LABELS[p.periodicity],
        diskMb: p.quotas.diskMb,
        mysqlDatabases: p.quotas.mysqlDatabases,
        mailboxes: p.quotas.mailboxes,
      };
    })
    .sort((a, b) => Money.of(a.priceNet).compare(Money.of(b.priceNet)));
}
