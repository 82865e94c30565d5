import type { Queryable } from '../../src/kernel/database/db.js';

export interface HostingBilling {
  hostingId: string;
  periodStart: string;
  periodEnd: string;
  invoiceId: string;
  number: string;
  issuedOn: string;
}

/** The years billed by gloux2 whose first day falls in [from, to], in one query. */
export async function billingsStartingIn(
  q: Queryable,
  from: string,
  to: string,
): Promise<HostingBilling[]> {
  const rows = await q.query<{
    hosting_id: string;
    period_start: string;
    period_end: string;
    invoice_id: string;
    number: string;
    issued_on: string;
  }>(
    `SELECT hosting_id, period_start, period_end, invoice_id, number, issued_on FROM g2_rm_hosting_billings
      WHERE period_start BETWEEN ? AND ? ORDER BY period_start, hosting_id, position`,
    [from, to],
  );
  return rows.map((r) => ({
    hostingId: r.hosting_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    invoiceId: r.invoice_id,
    number: r.number,
    issuedOn: r.issued_on,
  }));
}
