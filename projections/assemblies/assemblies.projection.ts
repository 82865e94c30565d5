import { foldText } from '../../domain/shared/text.js';
import {
  isAssemblyEvent,
  type AssemblyEvent,
  type VotingMember,
} from '../../domain/assemblies/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import type { Projection } from '../../src/kernel/projection.js';

/** What the member search compares: lower case, no accents, single spaces. */
export function searchKey(text: string): string {
  return foldText(text).replace(/\s+/g, ' ').trim();
}

/** 60 members × 8 values per INSERT: well under SQLite's and MySQL's placeholder limits. */
const ROWS_PER_INSERT = 60;

async function insertMembers(
  tx: Tx,
  assemblyId: string,
  members: readonly VotingMember[],
): Promise<void> {
  for (let start = 0; start < members.length; start += ROWS_PER_INSERT) {
    const part = members.slice(start, start + ROWS_PER_INSERT);
    await tx.execute(
      `INSERT INTO g2_rm_assembly_members (assembly_id, tiers_id, row_no, name, search_key, address, shares, numbers)
       VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      part.flatMap((m, i) => [
        assemblyId,
        m.tiersId,
        start + i + 1,
        m.name.slice(0, 255),
        searchKey(m.name).slice(0, 255),
        m.address,
        m.shares,
        m.numbers,
      ]),
    );
  }
}

/** The assembly's counts, recomputed from its member rows (each member is one row: once). */
async function recount(tx: Tx, assemblyId: string, position: number): Promise<void> {
  const rows = await tx.query<{ attendance: string; blank: unknown; n: unknown }>(
    `SELECT attendance, CASE WHEN holder_id IS NULL THEN 1 ELSE 0 END AS blank, COUNT(*) AS n
       FROM g2_rm_assembly_members WHERE assembly_id = ? AND attendance IS NOT NULL
      GROUP BY attendance, CASE WHEN holder_id IS NULL THEN 1 ELSE 0 END`,
    [assemblyId],
  );
  const count = (attendance: string, blank?: boolean) =>
    rows
      .filter(
        (r) =>
          r.attendance === attendance && (blank === undefined || Number(r.blank) === Number(blank)),
      )
      .reduce((s, r) => s + Number(r.n), 0);
  await tx.execute(
    `UPDATE g2_rm_assemblies SET present = ?, represented = ?, blank_proxies = ?, postal = ?, last_position = ? WHERE assembly_id = ?`,
    [
      count('present'),
      count('represented', false),
      count('represented', true),
      count('postal'),
      position,
      assemblyId,
    ],
  );
}

async function addHeld(tx: Tx, assemblyId: string, holderId: string, delta: number) {
  await tx.execute(
    `UPDATE g2_rm_assembly_members SET proxies_held = proxies_held + ? WHERE assembly_id = ? AND tiers_id = ?`,
    [delta, assemblyId, holderId],
  );
}

/** General assemblies: the assembly and its live counts, the member list, the resolutions. */
export class AssembliesProjection implements Projection {
  readonly name = 'assemblies';
  readonly tables = ['g2_rm_assemblies', 'g2_rm_assembly_members', 'g2_rm_assembly_resolutions'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isAssemblyEvent(event)) return;
    const e = event as unknown as AssemblyEvent;
    switch (e.type) {
      case 'AssemblyConvened': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_assemblies (assembly_id, kind, title, held_on, call_no, postal_deadline, proxy_cap, quorum_num, quorum_den,
             majority_num, majority_den, majority_strict, list_on, convened_on, members, present, represented, blank_proxies, postal,
             closed_on, last_position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, NULL, ?)`,
          [
            d.assemblyId,
            d.kind,
            d.title,
            d.heldOn,
            d.call,
            d.postalDeadline,
            d.proxyCap,
            d.quorum?.num ?? null,
            d.quorum?.den ?? null,
            d.majority.num,
            d.majority.den,
            d.majority.strict ? 1 : 0,
            d.listOn,
            d.convenedOn,
            d.members.length,
            event.position,
          ],
        );
        await insertMembers(tx, d.assemblyId, d.members);
        return;
      }
      case 'ResolutionAdded': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO g2_rm_assembly_resolutions (assembly_id, resolution_id, number, resolution_text, by_board) VALUES (?, ?, ?, ?, ?)`,
          [d.assemblyId, d.resolutionId, d.number, d.text, d.byBoard ? 1 : 0],
        );
        return;
      }
      case 'MemberMarkedPresent': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_assembly_members SET attendance = 'present', recorded_on = ? WHERE assembly_id = ? AND tiers_id = ?`,
          [d.on, d.assemblyId, d.tiersId],
        );
        await recount(tx, d.assemblyId, event.position);
        return;
      }
      case 'ProxyRecorded': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_assembly_members SET attendance = 'represented', holder_id = ?, recorded_on = ? WHERE assembly_id = ? AND tiers_id = ?`,
          [d.holderId, d.on, d.assemblyId, d.tiersId],
        );
        if (d.holderId !== null) await addHeld(tx, d.assemblyId, d.holderId, 1);
        await recount(tx, d.assemblyId, event.position);
        return;
      }
      case 'PostalVoteRecorded': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_assembly_members SET attendance = 'postal', received_on = ?, postal_choices = ?, recorded_on = ?
            WHERE assembly_id = ? AND tiers_id = ?`,
          [d.receivedOn, JSON.stringify(d.choices), d.receivedOn, d.assemblyId, d.tiersId],
        );
        await recount(tx, d.assemblyId, event.position);
        return;
      }
      case 'AttendanceWithdrawn': {
        const d = e.data;
        const [row] = await tx.query<{ attendance: string | null; holder_id: string | null }>(
          `SELECT attendance, holder_id FROM g2_rm_assembly_members WHERE assembly_id = ? AND tiers_id = ?`,
          [d.assemblyId, d.tiersId],
        );
        if (row?.attendance === 'represented' && row.holder_id !== null) {
          await addHeld(tx, d.assemblyId, row.holder_id, -1);
        }
        await tx.execute(
          `UPDATE g2_rm_assembly_members SET attendance = NULL, holder_id = NULL, received_on = NULL, postal_choices = NULL, recorded_on = NULL
            WHERE assembly_id = ? AND tiers_id = ?`,
          [d.assemblyId, d.tiersId],
        );
        await recount(tx, d.assemblyId, event.position);
        return;
      }
      case 'ResolutionVoted': {
        const d = e.data;
        await tx.execute(
          `UPDATE g2_rm_assembly_resolutions SET voted_on = ?, room_for = ?, room_against = ?, room_abstain = ?,
             blank_for = ?, blank_against = ?, blank_abstain = ?, postal_for = ?, postal_against = ?, postal_abstain = ?,
             votes_for = ?, votes_against = ?, votes_abstain = ?, voters = ?, adopted = ?
            WHERE assembly_id = ? AND resolution_id = ?`,
          [
            d.on,
            ...[d.room, d.blankProxies, d.postal, d.total].flatMap((c) => [
              c.for,
              c.against,
              c.abstain,
            ]),
            d.voters,
            d.adopted ? 1 : 0,
            d.assemblyId,
            d.resolutionId,
          ],
        );
        return;
      }
      case 'AssemblyClosed':
        await tx.execute(
          `UPDATE g2_rm_assemblies SET closed_on = ?, last_position = ? WHERE assembly_id = ?`,
          [e.data.closedOn, event.position, e.data.assemblyId],
        );
        return;
    }
  }
}
