import type { OverageResource } from '../../domain/overage/events.js';
import type { Queryable } from '../../src/kernel/database/db.js';
import { fromCents } from '../../domain/shared/cents.js';

export interface CurrentOverage {
  customerId: string;
  hostingId: string;
  hostingName: string;
  resource: OverageResource;
  /** In the resource's base unit: ko (disk, traffic) or boxes (mail). */
  measured: number;
  quota: number;
  excess: number;
  since: string;
  graceEndsOn: string;
  observedOn: string;
  estimate: { quantity: string; unitNet: string; net: string; vatRate: string; total: string };
}

export interface OverageLineView {
  chargeId: string;
  hostingId: string;
  resource: OverageResource;
  label: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unitNet: string;
  net: string;
  vatRate: string;
  vat: string;
  total: string;
  chargedOn: string;
  invoiceNumber: string | null;
}

const OVERAGE_COLUMNS = `customer_id, hosting_id, hosting_name, resource, measured, quota, excess, since, grace_ends_on, observed_on,
  estimate_quantity, estimate_unit_net, estimate_net_cents, estimate_vat_rate, estimate_total_cents`;

const overageOf = (r: Record<string, unknown>): CurrentOverage => ({
  customerId: String(r.customer_id),
  hostingId: String(r.hosting_id),
  hostingName: String(r.hosting_name),
  resource: r.resource as OverageResource,
  measured: Number(r.measured),
  quota: Number(r.quota),
  excess: Number(r.excess),
  since: String(r.since),
  graceEndsOn: String(r.grace_ends_on),
  observedOn: String(r.observed_on),
  estimate: {
    quantity: String(r.estimate_quantity),
    unitNet: String(r.estimate_unit_net),
    net: fromCents(r.estimate_net_cents),
    vatRate: String(r.estimate_vat_rate),
    total: fromCents(r.estimate_total_cents),
  },
});

export async function currentOverages(q: Queryable, customerId: string): Promise<CurrentOverage[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT ${OVERAGE_COLUMNS} FROM g2_rm_overages WHERE customer_id = ? ORDER BY hosting_id, resource`,
    [customerId],
  );
  return rows.map(overageOf);
}

/**
 * The hostings over their quota of one resource now, longest first (the table holds only the
 * overages in progress, one row per hosting and resource).
 */
export async function overagesOfResource(
  q: Queryable,
  resource: OverageResource,
  limit = 500,
): Promise<CurrentOverage[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT ${OVERAGE_COLUMNS} FROM g2_rm_overages WHERE resource = ? ORDER BY since, hosting_id LIMIT ${Math.floor(limit)}`,
    [resource],
  );
  return rows.map(overageOf);
}

/** How many hostings are over their quota now, per resource. */
export async function overageCounts(q: Queryable): Promise<Record<OverageResource, number>> {
  const rows = await q.query<{ resource: string; n: unknown }>(
    `SELECT resource, COUNT(*) AS n FROM g2_rm_overages GROUP BY resource`,
  );
  const counts: Record<OverageResource, number> = { disk: 0, traffic: 0, mail: 0 };
  for (const r of rows)
    if (r.resource in counts) counts[r.resource as OverageResource] = Number(r.n);
  return counts;
}

/** The customer's overage lines not invoiced yet (pending), oldest first. */
export async function pendingOverageLines(
  q: Queryable,
  customerId: string,
): Promise<OverageLineView[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT charge_id, hosting_id, resource, label, period_start, period_end, quantity, unit_net, net_cents, vat_rate,
            vat_cents, total_cents, charged_on, invoice_number
       FROM g2_rm_overage_lines WHERE customer_id = ? AND invoice_id IS NULL
      ORDER BY period_start, charge_id`,
    [customerId],
  );
  return rows.map((r) => ({
    chargeId: String(r.charge_id),
    hostingId: String(r.hosting_id),
    resource: r.resource as OverageResource,
    label: String(r.label),
    periodStart: String(r.period_start),
    periodEnd: String(r.period_end),
    quantity: String(r.quantity),
    unitNet: String(r.unit_net),
    net: fromCents(r.net_cents),
    vatRate: String(r.vat_rate),
    vat: fromCents(r.vat_cents),
    total: fromCents(r.total_cents),
    chargedOn: String(r.charged_on),
    invoiceNumber: r.invoice_number === null ? null : String(r.invoice_number),
  }));
}

/** Sum (TTC) of the customer's pending lines, exact in cents. */
export async function pendingOverageTotal(q: Queryable, customerId: string): Promise<string> {
  const [row] = await q.query<{ s: unknown }>(
    `SELECT COALESCE(SUM(total_cents), 0) AS s FROM g2_rm_overage_lines WHERE customer_id = ? AND invoice_id IS NULL`,
    [customerId],
  );
  return fromCents(row?.s ?? 0);
}

/** Customers with overage lines not invoiced yet (pending, or frozen into an invoice not issued). */
export async function customersWithPendingOverage(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ c: string }>(
    `SELECT DISTINCT customer_id AS c FROM g2_rm_overage_lines WHERE invoice_id IS NULL ORDER BY customer_id`,
  );
  return rows.map((r) => String(r.c));
}
