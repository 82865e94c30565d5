import type { Queryable } from '../src/kernel/database/db.js';

/**
 * Demo phone numbers (embedded SQLite demo only), in the range ARCEP keeps for fiction
 * (01 99 00 …), so the top over-users shows how to call a member; kept if one is already set.
 */
export async function seedLegacyDemoPhones(q: Queryable): Promise<void> {
  const phones: [tiersId: number, phone: string][] = [
    [1, '01 99 00 12 34'],
    [3, '01 99 00 56 78'],
  ];
  for (const [id, phone] of phones)
    await q.execute(`UPDATE tiers SET telephone = ? WHERE id_tiers = ? AND telephone = ''`, [
      phone,
      id,
    ]);
}
