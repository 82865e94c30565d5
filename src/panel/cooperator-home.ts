import { Inject, Injectable } from '@nestjs/common';
import { Money } from '../../domain/shared/money.js';
import { findCustomers } from '../../legacy-sync/legacy-gateway.js';
import { hostingsOfCustomers, type CustomerHosting } from '../../legacy-sync/legacy-hostings.js';
import { unpaidInvoices } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { Db } from '../kernel/database/db.js';
import { reasonLabel } from '../lifecycle/account-labels.js';

const STATE_LABELS = { actif: 'actif', suspendu: 'suspendu', ferme: 'fermé' } as const;

/** g2_rm_accounts.status in Gloux's words. */
const G2_STATES: Readonly<Record<string, CustomerHosting['state']>> = {
  active: 'actif',
  suspended: 'suspendu',
  closed: 'ferme',
};

export interface HomeHosting extends CustomerHosting {
  /** "actif", "suspendu (impayé)", "fermé" (a trial's end is shown by the page). */
  stateText: string;
  trialEndsOn: string | null;
}

export interface HomeAccount {
  customerId: string;
  customerNumber: string;
  name: string;
  hostings: HomeHosting[];
  /** What the account's invoices still ask ('0.00' when nothing). */
  due: string;
  unpaidCount: number;
  /** The invoice "Payer" pays first: the oldest one still due. */
  firstUnpaid: { invoiceId: string; number: string; balance: string } | null;
}

/**
 * The cooperator's home: each of their accounts with its hostings (plan, renewal, state) and
 * what is due. A handful of indexed queries per person, whatever the number of members.
 */
@Injectable()
export class CooperatorHome {
  constructor(@Inject(Db) private readonly db: Db) {}

  async of(customerIds: readonly string[]): Promise<HomeAccount[]> {
    if (customerIds.length === 0) return [];
    return this.db.run(async (q) => {
      const customers = await findCustomers(q, customerIds);
      const hostings = await hostingsOfCustomers(q, customerIds);
      const marks = `${customerIds.map(() => '?').join(', ')}`;
      const accounts = await q.query<Record<string, unknown>>(
        `SELECT a.account_id, a.status, a.trial_ends_on, a.converted_on, s.reason
           FROM g2_rm_accounts a
           LEFT JOIN g2_rm_account_suspensions s ON s.account_id = a.account_id
          WHERE a.customer_id IN (${marks}) ORDER BY a.account_id, s.reason`,
        [...customerIds],
      );
      const reasons = new Map<string, string[]>();
      const trials = new Map<string, string>();
      const states = new Map<string, CustomerHosting['state']>();
      for (const a of accounts) {
        const id = String(a.account_id);
        states.set(id, G2_STATES[String(a.status)] ?? 'actif');
        if (a.reason) reasons.set(id, [...(reasons.get(id) ?? []), reasonLabel(String(a.reason))]);
        if (a.trial_ends_on && !a.converted_on) trials.set(id, String(a.trial_ends_on));
      }
      const result: HomeAccount[] = [];
      for (const c of customers) {
        const unpaid = await unpaidInvoices(q, c.customerId);
        const first = unpaid[0];
        result.push({
          customerId: c.customerId,
          customerNumber: c.customerNumber,
          name: c.name,
          hostings: hostings
            .filter((h) => h.customerId === c.customerId)
            .map((h) => {
              // The account's read model is gloux2's truth; Gloux's row for one it does not know.
              const state = states.get(h.hostingId) ?? h.state;
              const why = reasons.get(h.hostingId) ?? [];
              return {
                ...h,
                state,
                stateText:
                  state === 'suspendu' && why.length
                    ? `suspendu (${why.join(', ')})`
                    : STATE_LABELS[state],
                trialEndsOn: state === 'actif' ? (trials.get(h.hostingId) ?? null) : null,
              };
            }),
          due: Money.sum(unpaid.map((i) => Money.of(i.balance))).toString(),
          unpaidCount: unpaid.length,
          firstUnpaid: first
            ? { invoiceId: first.invoiceId, number: first.number, balance: first.balance }
            : null,
        });
      }
      return result.sort((a, b) => a.customerNumber.localeCompare(b.customerNumber));
    });
  }
}
