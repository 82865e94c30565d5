import type { Queryable } from '../src/kernel/database/db.js';

/**
 * Demo hosting data for the anniversary billing run (embedded SQLite mode), on top of the demo
 * members of legacy-demo-data.ts: anniversaries that follow the demo invoices, options (one
 * added mid-year, so the next run bills it pro rata), and Les Amis as Webcoop's reseller
 * customer with a 10 % discount, as in Gloux's sample data.
 */
export async function seedLegacyDemoHostings(q: Queryable): Promise<void> {
  const anniversaries: [number, string][] = [
    [1, '2026-09-15'], // billed 2025-09-15 → 2026-09-14: the next year is due
    [2, '2027-09-12'],
    [3, '2027-01-15'],
    [4, '2026-12-01'],
  ];
  for (const [id, day] of anniversaries) {
    await q.execute(`UPDATE hebergements SET date_anniversaire = ? WHERE id_hebergement = ?`, [
      day,
      id,
    ]);
  }
  const options: [number, number, number, string][] = [
    [1, 2, 1, '2020-09-15'], // DISQUE100 for years
    [1, 3, 1, '2026-03-20'], // MYSQL1 added mid-year: pro rata at the next anniversary
    [3, 2, 2, '2026-01-15'],
  ];
  for (const [hosting, product, quantity, since] of options) {
    await q.execute(
      `INSERT INTO hebergements_options (id_hebergement, id_produit, quantite, date_debut, date_fin) VALUES (?, ?, ?, ?, '0000-00-00')`,
      [hosting, product, quantity, since],
    );
  }
  await q.execute(`UPDATE clients SET id_revendeur = 3, remise_pct = 10 WHERE id_client = 2`);
}
