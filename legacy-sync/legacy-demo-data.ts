import type { Queryable } from '../src/kernel/database/db.js';
import { seedLegacyDemoHostings } from './legacy-demo-hostings.js';
import {
  seedLegacyDemoDomains,
  seedLegacyDemoMailboxes,
  seedLegacyDemoVhosts,
} from './legacy-demo-domains.js';
import { seedLegacyDemoUsers } from './legacy-demo-users.js';
import { seedLegacyDemoRedirections } from './legacy-demo-redirections.js';
import { legacyTextParam } from './legacy-text.js';

/**
 * Demo rows for Gloux's tables in the embedded SQLite mode (a real Gloux database has its own).
 * Written through the same text coercion as every other Gloux write.
 */
export const demoCustomers = [
  {
    id: 1,
    tiers: {
      type: 'physique',
      nom: 'Lefèvre',
      prenom: 'Anne',
      raison: '',
      adresse: '12 rue Xavier-Privas',
      cp: '75011',
      ville: 'Paris',
      email: 'anne@example.org',
    },
    num: '0403020000017',
    opened: '2004-03-02',
    hosting: 'annelef',
    shares: [10021, 10022],
  },
  {
    id: 2,
    tiers: {
      type: 'morale',
      nom: '',
      prenom: '',
      raison: 'Association Les Amis',
      adresse: '3 place Bellecour',
      cp: '69002',
      ville: 'Lyon',
      email: 'bureau@asso.example',
    },
    num: '0709120000342',
    opened: '2007-09-12',
    hosting: 'lesamis',
    shares: [10215],
  },
  {
    id: 3,
    tiers: {
      type: 'morale',
      nom: '',
      prenom: '',
      raison: 'Webcoop SARL',
      adresse: '5 quai de la Fosse',
      cp: '44000',
      ville: 'Nantes',
      email: 'admin@webcoop.example',
    },
    num: '0501150000099',
    opened: '2005-01-15',
    hosting: 'webcoop',
    shares: [10087, 10088, 10089],
  },
  {
    id: 4,
    tiers: {
      type: 'physique',
      nom: 'Dupont',
      prenom: 'Jean',
      raison: '',
      adresse: '8 rue des Écoles',
      cp: '21000',
      ville: 'Dijon',
      email: 'jean.dupont@example.net',
    },
    num: '1206010000412',
    opened: '2012-06-01',
    hosting: 'jdupont',
    shares: [10398],
  },
] as const;

/**
 * Gloux's denormalised quotas (plaque: 300 Mo, 1 base, 20 boxes; plus the options of
 * legacy-demo-hostings.ts: DISQUE100 ×1 for annelef, ×2 for webcoop, MYSQL1 for annelef).
 */
const DEMO_QUOTAS: Record<number, [quotaMo: number, databases: number]> = {
  1: [400, 2],
  2: [300, 1],
  3: [500, 1],
  4: [300, 1],
};

export async function isLegacyEmpty(q: Queryable): Promise<boolean> {
  const [row] = await q.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM clients`);
  return Number(row?.n ?? 0) === 0;
}

export async function seedLegacyDemo(q: Queryable): Promise<void> {
  const t = (s: string) => legacyTextParam(s, q.dialect);
  await q.execute(
    `INSERT INTO compteurs (nom, valeur) VALUES ('part_sociale', 10412), ('uid', 23512)`,
  );
  const products: [number, string, string, string, string, string][] = [
    [1, 'PLAQUE', 'plaque', 'Plaque de base', '100.00', '20'],
    [2, 'DISQUE100', 'option', 'Espace disque supplémentaire (100 Mo)', '5.02', '20'],
    [3, 'MYSQL1', 'option', 'Base MySQL supplémentaire', '5.02', '20'],
    [4, 'PART', 'part_sociale', 'Part sociale', '16.00', '0'],
  ];
  for (const [id, code, type, label, price, rate] of products) {
    await q.execute(
      `INSERT INTO produits (id_produit, code, type_produit, libelle, prix_ht, taux_tva, periodicite, date_debut) VALUES (?, ?, ?, ?, ?, ?, ?, '2006-06-01')`,
      [id, code, type, t(label), price, rate, type === 'part_sociale' ? 'unique' : 'an'],
    );
  }
  for (const c of demoCustomers) {
    await q.execute(
      `INSERT INTO tiers (id_tiers, type_tiers, nom, prenom, raison_sociale, adresse, code_postal, ville, email, societaire, nb_parts, date_creation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'O', ?, ?)`,
      [
        c.id,
        c.tiers.type,
        t(c.tiers.nom),
        t(c.tiers.prenom),
        t(c.tiers.raison),
        t(c.tiers.adresse),
        c.tiers.cp,
        t(c.tiers.ville),
        c.tiers.email,
        c.shares.length,
        `${c.opened} 00:00:00`,
      ],
    );
    // Paid-up shares subscribed on the opening day, numbered below the counter (10412).
    for (const numero of c.shares) {
      await q.execute(
        `INSERT INTO parts_sociales (numero, id_tiers, valeur_nominale, date_souscription, date_liberation, etat)
         VALUES (?, ?, '16.00', ?, ?, 'liberee')`,
        [numero, c.id, c.opened, c.opened],
      );
    }
    await q.execute(
      `INSERT INTO clients (id_client, num_client, id_tiers, solde, etat, date_ouverture) VALUES (?, ?, ?, 0, 'actif', ?)`,
      [c.id, c.num, c.id, c.opened],
    );
    await q.execute(
      `INSERT INTO hebergements (id_hebergement, id_client, nom, uid, id_plaque, serveur, repertoire, date_creation, date_anniversaire, etat,
         quota_disque_mo, nb_bases_mysql, nb_mails)
       VALUES (?, ?, ?, ?, 1, 'web3', ?, ?, ?, 'actif', ?, ?, 20)`,
      [
        c.id,
        c.id,
        c.hosting,
        23000 + c.id,
        `/home/${c.hosting[0]}/${c.hosting}`,
        `${c.opened} 00:00:00`,
        c.opened,
        ...DEMO_QUOTAS[c.id]!,
      ],
    );
  }
  await seedLegacyDemoHostings(q);
  await seedLegacyDemoDomains(q);
  await seedLegacyDemoVhosts(q);
  await seedLegacyDemoMailboxes(q);
  await seedLegacyDemoUsers(q);
  await seedLegacyDemoRedirections(q);
}
