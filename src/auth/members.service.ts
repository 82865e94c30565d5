import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/shared/errors.js';
import { findCustomer, findCustomers } from '../../legacy-sync/legacy-gateway.js';
import {
  accountsOfPerson,
  loginsOf,
  readTiers,
  searchMembers,
} from '../../legacy-sync/legacy-members.js';
import { Db } from '../kernel/database/db.js';

/** Gloux's account states, the member list's filter (?etat=). */
export const MEMBER_STATES = ['actif', 'suspendu', 'ferme'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

/** The members' pages read Gloux's people (an admin's edit is UpdatePersonCommand). */
@Injectable()
export class MembersService {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The one member list: who, their e-mail and logins, and each account's city, state and balance. */
  search(search: string, state?: MemberState) {
    return this.db.run(async (q) => {
      const members = await searchMembers(q, search, undefined, state);
      const customers = new Map(
        (
          await findCustomers(
            q,
            members.map((m) => m.customerId),
          )
        ).map((c) => [c.customerId, c]),
      );
      return members.map((m) => ({
        ...m,
        city: customers.get(m.customerId)?.city ?? '',
        balance: customers.get(m.customerId)?.balance ?? '0.00',
      }));
    });
  }

  member(customerId: string) {
    return this.db.run(async (q) => {
      const customer = await findCustomer(q, customerId);
      if (!customer) throw new DomainError('not_found', 'Adhérent introuvable.', 'customerId');
      const tiers = await readTiers(q, customer.tiersId);
      return {
        customer,
        tiers,
        logins: await loginsOf(q, customer.tiersId, customerId),
        accounts: await accountsOfPerson(q, customer.tiersId, customerId),
      };
    });
  }
}
