import { foldText } from '../../domain/shared/text.js';
import type { AgendaItem, AssemblyEvent } from '../../domain/assemblies/events.js';
import { defineProjection, noMemo, type Row, type Rows } from '../../src/kernel/projection.js';

/** What the member search compares: lower case, no accents, single spaces. */
export function searchKey(text: string): string {
  return foldText(text).replace(/\s+/g, ' ').trim();
}

const ASSEMBLIES = 'g2_rm_assemblies';
const MEMBERS = 'g2_rm_assembly_members';
const RESOLUTIONS = 'g2_rm_assembly_resolutions';

/** The count of the assembly row a member's attendance adds to (null: none). */
type Count = 'present' | 'represented' | 'blank_proxies' | 'postal';
function countOf(member: Row | undefined): Count | null {
  const attendance = member?.['attendance'];
  if (attendance === 'represented')
    return member?.['holder_id'] === null ? 'blank_proxies' : 'represented';
  return attendance === 'present' || attendance === 'postal' ? attendance : null;
}

/**
 * Changes a member's attendance and keeps the assembly's counts as a recount would give them
 * (each member counts once, in the count of its attendance), and the assembly's position.
 */
async function attend(
  rows: Rows,
  assemblyId: string,
  tiersId: string,
  position: number,
  change: Row,
): Promise<void> {
  const before = await rows.get(MEMBERS, [assemblyId, tiersId]);
  const after = before ? { ...before, ...change } : undefined;
  if (after) rows.put(MEMBERS, after);
  const from = countOf(before);
  const to = countOf(after);
  await rows.update(ASSEMBLIES, [assemblyId], (a) => {
    const counts: Record<Count, number> = {
      present: Number(a['present']),
      represented: Number(a['represented']),
      blank_proxies: Number(a['blank_proxies']),
      postal: Number(a['postal']),
    };
    if (from) counts[from] -= 1;
    if (to) counts[to] += 1;
    return { ...counts, last_position: position };
  });
}

async function addHeld(rows: Rows, assemblyId: string, holderId: string, delta: number) {
  await rows.update(MEMBERS, [assemblyId, holderId], (m) => ({
    proxies_held: Number(m['proxies_held']) + delta,
  }));
}

/** General assemblies: the assembly and its live counts, the member list, the resolutions. */
export const assembliesProjection = () =>
  defineProjection<AssemblyEvent>({
    name: 'assemblies',
    tables: [
      { name: ASSEMBLIES, key: ['assembly_id'], lookup: true },
      { name: MEMBERS, key: ['assembly_id', 'tiers_id'], lookup: true },
      { name: RESOLUTIONS, key: ['assembly_id', 'resolution_id'], lookup: true },
    ],
    handles: {
      AssemblyConvened: true,
      AssemblyConvocationDetailed: true,
      ResolutionAdded: true,
      MemberMarkedPresent: true,
      ProxyRecorded: true,
      PostalVoteRecorded: true,
      AttendanceWithdrawn: true,
      ResolutionVoted: true,
      AssemblyClosed: true,
    },
    memo: noMemo,
    async apply(rows, event) {
      switch (event.type) {
        case 'AssemblyConvened': {
          const d = event.data;
          rows.put(ASSEMBLIES, {
            assembly_id: d.assemblyId,
            kind: d.kind,
            title: d.title,
            held_on: d.heldOn,
            call_no: d.call,
            postal_deadline: d.postalDeadline,
            proxy_cap: d.proxyCap,
            quorum_num: d.quorum?.num ?? null,
            quorum_den: d.quorum?.den ?? null,
            majority_num: d.majority.num,
            majority_den: d.majority.den,
            majority_strict: d.majority.strict ? 1 : 0,
            list_on: d.listOn,
            convened_on: d.convenedOn,
            members: d.members.length,
            present: 0,
            represented: 0,
            blank_proxies: 0,
            postal: 0,
            closed_on: null,
            starts_at: null,
            place: null,
            agenda: null,
            last_position: event.position,
          });
          d.members.forEach((m, i) =>
            rows.put(MEMBERS, {
              assembly_id: d.assemblyId,
              tiers_id: m.tiersId,
              row_no: i + 1,
              name: m.name.slice(0, 255),
              search_key: searchKey(m.name).slice(0, 255),
              address: m.address,
              shares: m.shares,
              numbers: m.numbers,
              attendance: null,
              holder_id: null,
              proxies_held: 0,
              received_on: null,
              postal_choices: null,
              recorded_on: null,
            }),
          );
          return;
        }
        case 'AssemblyConvocationDetailed': {
          const d = event.data;
          await rows.update(ASSEMBLIES, [d.assemblyId], () => ({
            starts_at: d.startsAt,
            place: d.place,
            agenda: JSON.stringify(d.agenda),
            last_position: event.position,
          }));
          return;
        }
        case 'ResolutionAdded': {
          const d = event.data;
          // An agenda item's resolution carries the item's title.
          const assembly = await rows.get(ASSEMBLIES, [d.assemblyId]);
          const agenda = JSON.parse(String(assembly?.['agenda'] ?? '[]')) as AgendaItem[];
          rows.put(RESOLUTIONS, {
            assembly_id: d.assemblyId,
            resolution_id: d.resolutionId,
            number: d.number,
            title: agenda.find((i) => i.resolutionId === d.resolutionId)?.title ?? null,
            resolution_text: d.text,
            by_board: d.byBoard ? 1 : 0,
            voted_on: null,
            room_for: null,
            room_against: null,
            room_abstain: null,
            blank_for: null,
            blank_against: null,
            blank_abstain: null,
            postal_for: null,
            postal_against: null,
            postal_abstain: null,
            votes_for: null,
            votes_against: null,
            votes_abstain: null,
            voters: null,
            adopted: null,
          });
          return;
        }
        case 'MemberMarkedPresent': {
          const d = event.data;
          return attend(rows, d.assemblyId, d.tiersId, event.position, {
            attendance: 'present',
            recorded_on: d.on,
          });
        }
        case 'ProxyRecorded': {
          const d = event.data;
          await attend(rows, d.assemblyId, d.tiersId, event.position, {
            attendance: 'represented',
            holder_id: d.holderId,
            recorded_on: d.on,
          });
          if (d.holderId !== null) await addHeld(rows, d.assemblyId, d.holderId, 1);
          return;
        }
        case 'PostalVoteRecorded': {
          const d = event.data;
          return attend(rows, d.assemblyId, d.tiersId, event.position, {
            attendance: 'postal',
            received_on: d.receivedOn,
            postal_choices: JSON.stringify(d.choices),
            recorded_on: d.receivedOn,
          });
        }
        case 'AttendanceWithdrawn': {
          const d = event.data;
          const member = await rows.get(MEMBERS, [d.assemblyId, d.tiersId]);
          const holder = member?.['attendance'] === 'represented' ? member['holder_id'] : null;
          if (typeof holder === 'string') await addHeld(rows, d.assemblyId, holder, -1);
          return attend(rows, d.assemblyId, d.tiersId, event.position, {
            attendance: null,
            holder_id: null,
            received_on: null,
            postal_choices: null,
            recorded_on: null,
          });
        }
        case 'ResolutionVoted': {
          const d = event.data;
          await rows.update(RESOLUTIONS, [d.assemblyId, d.resolutionId], () => ({
            voted_on: d.on,
            room_for: d.room.for,
            room_against: d.room.against,
            room_abstain: d.room.abstain,
            blank_for: d.blankProxies.for,
            blank_against: d.blankProxies.against,
            blank_abstain: d.blankProxies.abstain,
            postal_for: d.postal.for,
            postal_against: d.postal.against,
            postal_abstain: d.postal.abstain,
            votes_for: d.total.for,
            votes_against: d.total.against,
            votes_abstain: d.total.abstain,
            voters: d.voters,
            adopted: d.adopted ? 1 : 0,
          }));
          return;
        }
        case 'AssemblyClosed':
          await rows.update(ASSEMBLIES, [event.data.assemblyId], () => ({
            closed_on: event.data.closedOn,
            last_position: event.position,
          }));
          return;
      }
    },
  });
