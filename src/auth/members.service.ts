import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/shared/errors.js';
import { fitGlouxColumn, type GlouxTextColumn } from '../../domain/legacy/gloux-columns.js';
import { findCustomer, findCustomers } from '../../legacy-sync/legacy-gateway.js';
import {
  accountsOfPerson,
  loginsOf,
  readTiers,
  searchMembers,
  writeTiers,
  type TiersFields,
} from '../../legacy-sync/legacy-members.js';
import { Db } from '../kernel/database/db.js';

/** The person form's inputs: field, input name, longest length, and Gloux's column. */
export const FIELDS: [keyof TiersFields, string, number, GlouxTextColumn][] = [
  ['lastName', 'nom', 100, 'tiers.nom'],
  ['firstName', 'prenom', 100, 'tiers.prenom'],
  ['company', 'raison_sociale', 150, 'tiers.raison_sociale'],
  ['address', 'adresse', 500, 'tiers.adresse'],
  ['postalCode', 'code_postal', 10, 'tiers.code_postal'],
  ['city', 'ville', 100, 'tiers.ville'],
  ['email', 'email', 128, 'tiers.email'],
  ['phone', 'telephone', 30, 'tiers.telephone'],
];

/** Checks an edited person: French errors naming the form's input. */
export function parseTiersForm(body: Record<string, unknown>): TiersFields {
  const out = {} as TiersFields;
  for (const [field, input, max, column] of FIELDS) {
    const v = typeof body[input] === 'string' ? (body[input] as string).trim() : '';
    if (v.length > max) throw new DomainError('invalid_input', `${max} caractères au plus.`, input);
    out[field] = fitGlouxColumn(v, column, input);
  }
  if (out.lastName === '' && out.company === '')
    throw new DomainError('invalid_input', 'Indiquez un nom ou une raison sociale.', 'nom');
  if (out.email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(out.email))
    throw new DomainError('invalid_input', 'Adresse électronique invalide.', 'email');
  return out;
}

/** The members' pages read Gloux's people, and the admin edits a person (Gloux's `tiers`). */
@Injectable()
export class MembersService {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The one member list: who, their e-mail and logins, and each account's city, state and balance. */
  search(search: string) {
    return this.db.run(async (q) => {
      const members = await searchMembers(q, search);
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

  async save(customerId: string, body: Record<string, unknown>) {
    const customer = await this.db.run((q) => findCustomer(q, customerId));
    if (!customer) throw new DomainError('not_found', 'Adhérent introuvable.', 'customerId');
    const fields = parseTiersForm(body);
    await this.db.run((q) => writeTiers(q, customer.tiersId, fields));
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
