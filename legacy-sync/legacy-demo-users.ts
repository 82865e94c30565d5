import { createHash } from 'node:crypto';
import type { Queryable } from '../src/kernel/database/db.js';

/**
 * Demo logins (embedded SQLite demo only; a real Gloux database has its own users). Passwords
 * are stored as Gloux stores them (MD5 hex); gloux2 adds its scrypt hash at the first sign-in.
 * Listed in README. Anne Lefèvre holds two hosting accounts (customers 1 and 5) under one login.
 */
export const demoUsers = [
  { login: 'admin', password: 'demo-admin', roles: 'admin,client', tiers: 3, customer: 3 },
  { login: 'tresorier', password: 'demo-tresorier', roles: 'compta', tiers: 0, customer: 0 },
  { login: 'anne', password: 'demo-anne', roles: 'client', tiers: 1, customer: 1 },
  { login: 'lesamis', password: 'demo-lesamis', roles: 'client', tiers: 2, customer: 2 },
  { login: 'jean', password: 'demo-jean', roles: 'client', tiers: 4, customer: 4 },
] as const;

/** Anne's second hosting account: another customer of the same person (tiers 1). */
export const demoSecondAccount = {
  customerId: 5,
  tiersId: 1,
  number: '1905200000518',
  opened: '2019-05-20',
  hosting: 'anneblog',
  anniversary: '2027-05-20',
} as const;

export async function seedLegacyDemoUsers(q: Queryable): Promise<void> {
  const a = demoSecondAccount;
  await q.execute(
    `INSERT INTO clients (id_client, num_client, id_tiers, solde, etat, date_ouverture) VALUES (?, ?, ?, 0, 'actif', ?)`,
    [a.customerId, a.number, a.tiersId, a.opened],
  );
  await q.execute(
    `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, id_plaque, serveur, repertoire, date_creation, date_anniversaire, etat,
       quota_disque_mo, nb_bases_mysql, nb_mails)
     VALUES (?, ?, ?, ?, 1, 'web3', ?, ?, ?, 'actif', 300, 1, 20)`,
    [
      a.customerId,
      a.customerId,
      a.hosting,
      23000 + a.customerId,
      `/home/${a.hosting[0]}/${a.hosting}`,
      `${a.opened} 00:00:00`,
      a.anniversary,
    ],
  );
  for (const u of demoUsers) {
    await q.execute(
      `INSERT INTO utilisateurs (login, mot_de_passe, id_tiers, id_client, roles, actif, email, cree_le) VALUES (?, ?, ?, ?, ?, 'Y', '', 0)`,
      [u.login, createHash('md5').update(u.password).digest('hex'), u.tiers, u.customer, u.roles],
    );
  }
}
