import { Inject, Injectable } from '@nestjs/common';
import { customerOfHosting } from '../../legacy-sync/legacy-users.js';
import { findDocument } from '../../projections/documents/documents.queries.js';
import { Db, type Queryable } from '../kernel/database/db.js';
import type { OwnedKind } from './access.decorators.js';
import type { AuthUser } from './auth-user.js';

/**
 * Whose is a resource named in a URL: the customer account (clients.id_client) it belongs to.
 * To protect a new kind of id, add it to OwnedKind and here.
 */
const customerOf: Record<
  Exclude<OwnedKind, 'tiers'>,
  (q: Queryable, id: string) => Promise<string | null>
> = {
  customer: async (_q, id) => (/^\d{1,10}$/.test(id) ? String(Number(id)) : null),
  invoice: async (q, id) => (await findDocument(q, 'invoice', id))?.customerId ?? null,
  creditNote: async (q, id) => (await findDocument(q, 'credit_note', id))?.customerId ?? null,
  payment: async (q, id) => {
    const [row] = await q.query<{ customer_id: string }>(
      `SELECT customer_id FROM g2_rm_payments WHERE payment_id = ?`,
      [id],
    );
    return row?.customer_id ?? null;
  },
  hosting: customerOfHosting,
};

@Injectable()
export class Ownership {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** True when every named resource exists and belongs to one of the user's accounts. */
  async owns(user: AuthUser, resources: readonly [OwnedKind, string][]): Promise<boolean> {
    if (resources.length === 0) return false;
    return this.db.run(async (q) => {
      for (const [kind, id] of resources) {
        if (id.length > 64) return false;
        if (kind === 'tiers') {
          if (user.tiersId === null || String(Number(id)) !== user.tiersId) return false;
          continue;
        }
        const owner = await customerOf[kind](q, id);
        if (owner === null || !user.customerIds.includes(owner)) return false;
      }
      return true;
    });
  }
}
