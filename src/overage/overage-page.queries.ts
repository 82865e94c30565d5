import { Inject, Injectable } from '@nestjs/common';
import { describeOverage, formatUsage, RESOURCE_LABELS } from '../../domain/overage/describe.js';
import {
  currentOverages,
  overageCounts,
  overagesOfResource,
  pendingOverageLines,
  pendingOverageTotal,
  type CurrentOverage,
  type OverageLineView,
} from '../../projections/overage/overage.queries.js';
import type { OverageResource } from '../../domain/overage/events.js';
import { addDays } from '../../domain/shared/day.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { OVERAGE_CONFIG, type OverageConfig } from '../kernel/config.js';

export interface OverageView extends CurrentOverage {
  resourceLabel: string;
  /** "Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement". */
  description: string;
  measuredText: string;
  quotaText: string;
  excessText: string;
  /** 'warning' during the grace period, 'billable' after it. */
  status: 'warning' | 'billable';
  /** Last day of the grace period (graceEndsOn is the first billable day). */
  graceLastDay: string;
  /** "0,4183 €": unit prices have up to 4 decimals. */
  unitNetText: string;
}

export interface PendingLineView extends OverageLineView {
  unitNetText: string;
  quantityText: string;
}

export interface CustomerOverage {
  /** Something to show: an overage now or lines waiting to be invoiced. */
  any: boolean;
  overages: OverageView[];
  pendingLines: PendingLineView[];
  pendingTotal: string;
  /** Pending lines are invoiced once their total (TTC) reaches it. */
  threshold: string;
  graceDays: number;
}

const frenchDecimal = (d: string, unit = '') => `${d.replace('.', ',')}${unit}`;

function overageView(o: CurrentOverage, today: string): OverageView {
  return {
    ...o,
    resourceLabel: RESOURCE_LABELS[o.resource],
    description: describeOverage(o.resource, o.measured, o.quota, o.excess),
    measuredText: formatUsage(o.resource, o.measured),
    quotaText: formatUsage(o.resource, o.quota),
    excessText: formatUsage(o.resource, o.excess),
    status: today < o.graceEndsOn ? 'warning' : 'billable',
    graceLastDay: addDays(o.graceEndsOn, -1),
    unitNetText: frenchDecimal(o.estimate.unitNet, ' €'),
  };
}

/** What the cooperator's page says of overage: which resource, by how much, since when, the cost. */
@Injectable()
export class OverageQueries {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(OVERAGE_CONFIG) private readonly config: OverageConfig,
  ) {}

  /** The hostings over their quota of `resource` now (the admin's list). */
  ofResource(resource: OverageResource): Promise<OverageView[]> {
    const today = this.clock.today();
    return this.db.run(async (q) =>
      (await overagesOfResource(q, resource)).map((o) => overageView(o, today)),
    );
  }

  /** How many hostings are over their quota now, per resource. */
  counts(): Promise<Record<OverageResource, number>> {
    return this.db.run((q) => overageCounts(q));
  }

  ofCustomer(customerId: string): Promise<CustomerOverage> {
    return this.db.run(async (q) => {
      const today = this.clock.today();
      const overages = (await currentOverages(q, customerId)).map((o) => overageView(o, today));
      const pendingLines = (await pendingOverageLines(q, customerId)).map((l) => ({
        ...l,
        unitNetText: frenchDecimal(l.unitNet, ' €'),
        quantityText: frenchDecimal(l.quantity),
      }));
      return {
        any: overages.length > 0 || pendingLines.length > 0,
        overages,
        pendingLines,
        pendingTotal: await pendingOverageTotal(q, customerId),
        threshold: this.config.threshold,
        graceDays: this.config.graceDays,
      };
    });
  }
}
