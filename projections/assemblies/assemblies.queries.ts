import { automaticVotes, type Attendance } from '../../domain/assemblies/assembly.js';
import type {
  AgendaItem,
  AssemblyCall,
  AssemblyKind,
  Fraction,
  Majority,
  VoteChoice,
  VoteCounts,
} from '../../domain/assemblies/events.js';
import {
  callLabel,
  formatTimeFr,
  describeMajority,
  describeQuorum,
  kindLabel,
  quorumReached,
  requiredCount,
} from '../../domain/assemblies/rules.js';
import { formatDayFr } from '../../domain/shared/day.js';
import type { Queryable } from '../../src/kernel/database/db.js';
import { searchKey } from './assemblies.projection.js';

/** Reads of the general assemblies read models, for the pages, the JSON and the documents. */

export interface QuorumBox {
  members: number;
  present: number;
  represented: number;
  blankProxies: number;
  postal: number;
  counted: number;
  absent: number;
  /** Null: no quorum required. */
  quorum: Fraction | null;
  required: number;
  reached: boolean;
  /** "1/5 des sociétaires ayant droit de vote" or "aucun quorum requis". */
  rule: string;
}

export interface AssemblySummary {
  assemblyId: string;
  kind: AssemblyKind;
  title: string;
  /** "Assemblée générale ordinaire du 12/06/2026", then the title when there is one. */
  label: string;
  heldOn: string;
  call: AssemblyCall;
  callLabel: string;
  postalDeadline: string;
  proxyCap: number;
  majority: Majority;
  majorityRule: string;
  listOn: string;
  convenedOn: string;
  closedOn: string | null;
  /** The meeting's time 'HH:MM' and place (null: convened before they were recorded). */
  startsAt: string | null;
  /** '18 h 30'. */
  startsAtLabel: string | null;
  place: string | null;
  /** The agenda's titles in order, each with its resolution. */
  agenda: AgendaItem[];
  quorum: QuorumBox;
}

type AssemblyRow = {
  assembly_id: string;
  kind: AssemblyKind;
  title: string;
  held_on: string;
  call_no: unknown;
  postal_deadline: string;
  proxy_cap: unknown;
  quorum_num: unknown;
  quorum_den: unknown;
  majority_num: unknown;
  majority_den: unknown;
  majority_strict: unknown;
  list_on: string;
  convened_on: string;
  closed_on: string | null;
  starts_at: string | null;
  place: string | null;
  agenda: string | null;
  members: unknown;
  present: unknown;
  represented: unknown;
  blank_proxies: unknown;
  postal: unknown;
};

const ASSEMBLY_COLUMNS = `assembly_id, kind, title, held_on, call_no, postal_deadline, proxy_cap, quorum_num, quorum_den,
  majority_num, majority_den, majority_strict, list_on, convened_on, closed_on, starts_at, place, agenda, members, present, represented, blank_proxies, postal`;

function summaryOf(r: AssemblyRow): AssemblySummary {
  const quorum: Fraction | null =
    r.quorum_num === null ? null : { num: Number(r.quorum_num), den: Number(r.quorum_den) };
  const members = Number(r.members);
  const counts = {
    present: Number(r.present),
    represented: Number(r.represented),
    blankProxies: Number(r.blank_proxies),
    postal: Number(r.postal),
  };
  const counted = counts.present + counts.represented + counts.blankProxies + counts.postal;
  const majority: Majority = {
    num: Number(r.majority_num),
    den: Number(r.majority_den),
    strict: Number(r.majority_strict) === 1,
  };
  const call = Number(r.call_no) === 2 ? 2 : 1;
  const heading = `Assemblée générale ${kindLabel(r.kind)} du ${formatDayFr(r.held_on)}`;
  return {
    assemblyId: r.assembly_id,
    kind: r.kind,
    title: r.title,
    label: r.title ? `${heading} — ${r.title}` : heading,
    heldOn: r.held_on,
    call,
    callLabel: callLabel(call),
    postalDeadline: r.postal_deadline,
    proxyCap: Number(r.proxy_cap),
    majority,
    majorityRule: describeMajority(majority),
    listOn: r.list_on,
    convenedOn: r.convened_on,
    closedOn: r.closed_on,
    startsAt: r.starts_at ?? null,
    startsAtLabel: r.starts_at ? formatTimeFr(r.starts_at) : null,
    place: r.place ?? null,
    agenda: r.agenda ? (JSON.parse(r.agenda) as AgendaItem[]) : [],
    quorum: {
      members,
      ...counts,
      counted,
      absent: members - counted,
      quorum,
      required: requiredCount(members, quorum),
      reached: quorumReached(counted, members, quorum),
      rule: describeQuorum(quorum),
    },
  };
}

/** Every assembly, the latest first. */
export async function listAssemblies(q: Queryable): Promise<AssemblySummary[]> {
  const rows = await q.query<AssemblyRow>(
    `SELECT ${ASSEMBLY_COLUMNS} FROM g2_rm_assemblies ORDER BY held_on DESC, convened_on DESC, assembly_id`,
  );
  return rows.map(summaryOf);
}

export async function findAssembly(
  q: Queryable,
  assemblyId: string,
): Promise<AssemblySummary | null> {
  const [row] = await q.query<AssemblyRow>(
    `SELECT ${ASSEMBLY_COLUMNS} FROM g2_rm_assemblies WHERE assembly_id = ?`,
    [assemblyId],
  );
  return row ? summaryOf(row) : null;
}

export type AttendanceMode = 'present' | 'represented' | 'postal';

export interface AssemblyMember {
  tiersId: string;
  rowNo: number;
  name: string;
  address: string;
  shares: number;
  numbers: string;
  /** One member, one vote. */
  votes: number;
  attendance: AttendanceMode | null;
  /** The present member holding the proxy (null: a blank proxy, or not represented). */
  holderId: string | null;
  holderName: string | null;
  proxiesHeld: number;
  receivedOn: string | null;
  /** In French: "Présent", "Représenté par …", "Pouvoir en blanc (au président)", "Vote par correspondance (reçu le …)", "Absent". */
  status: string;
}

type MemberRow = {
  tiers_id: string;
  row_no: unknown;
  name: string;
  address: string;
  shares: unknown;
  numbers: string;
  attendance: AttendanceMode | null;
  holder_id: string | null;
  holder_name: string | null;
  proxies_held: unknown;
  received_on: string | null;
};

function statusOf(r: MemberRow): string {
  switch (r.attendance) {
    case 'present': {
      const held = Number(r.proxies_held);
      return held > 0 ? `Présent, porteur de ${held} pouvoir${held > 1 ? 's' : ''}` : 'Présent';
    }
    case 'represented':
      return r.holder_id === null
        ? 'Pouvoir en blanc (au président)'
        : `Représenté par ${r.holder_name ?? r.holder_id}`;
    case 'postal':
      return `Vote par correspondance (reçu le ${formatDayFr(r.received_on ?? '')})`;
    case null:
      return 'Absent';
  }
}

function memberOf(r: MemberRow): AssemblyMember {
  return {
    tiersId: r.tiers_id,
    rowNo: Number(r.row_no),
    name: r.name,
    address: r.address,
    shares: Number(r.shares),
    numbers: r.numbers,
    votes: 1,
    attendance: r.attendance,
    holderId: r.holder_id,
    holderName: r.holder_name,
    proxiesHeld: Number(r.proxies_held),
    receivedOn: r.received_on,
    status: statusOf(r),
  };
}

const MEMBER_SELECT = `SELECT m.tiers_id, m.row_no, m.name, m.address, m.shares, m.numbers, m.attendance, m.holder_id,
    h.name AS holder_name, m.proxies_held, m.received_on
  FROM g2_rm_assembly_members m
  LEFT JOIN g2_rm_assembly_members h ON h.assembly_id = m.assembly_id AND h.tiers_id = m.holder_id`;

export interface MemberSearch {
  /** Part of the name (accents and case ignored) or a tiers number. */
  search?: string;
  /** 'absent' or one attendance mode. */
  attendance?: AttendanceMode | 'absent';
  limit?: number;
}

/** The member list in its order, filtered; `total` counts all the matches. */
export async function searchMembers(
  q: Queryable,
  assemblyId: string,
  options: MemberSearch = {},
): Promise<{ members: AssemblyMember[]; total: number }> {
  const where = ['m.assembly_id = ?'];
  const params: unknown[] = [assemblyId];
  const search = searchKey(options.search ?? '');
  if (search !== '') {
    where.push(`(m.search_key LIKE ? ESCAPE '!' OR m.tiers_id = ?)`);
    params.push(`%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`, search);
  }
  if (options.attendance === 'absent') where.push('m.attendance IS NULL');
  else if (options.attendance) {
    where.push('m.attendance = ?');
    params.push(options.attendance);
  }
  const [count] = await q.query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM g2_rm_assembly_members m WHERE ${where.join(' AND ')}`,
    params,
  );
  const limit = Math.max(1, Math.min(options.limit ?? 5000, 5000));
  const rows = await q.query<MemberRow>(
    `${MEMBER_SELECT} WHERE ${where.join(' AND ')} ORDER BY m.row_no LIMIT ${limit}`,
    params,
  );
  return { members: rows.map(memberOf), total: Number(count?.n ?? 0) };
}

export async function findMember(
  q: Queryable,
  assemblyId: string,
  tiersId: string,
): Promise<AssemblyMember | null> {
  const [row] = await q.query<MemberRow>(
    `${MEMBER_SELECT} WHERE m.assembly_id = ? AND m.tiers_id = ?`,
    [assemblyId, tiersId],
  );
  return row ? memberOf(row) : null;
}

export interface ResolutionView {
  resolutionId: string;
  number: number;
  /** The agenda item's title (null: a resolution added after convening). */
  title: string | null;
  text: string;
  byBoard: boolean;
  /** What blank proxies and postal votes give it now (before its vote) or gave it (after). */
  blankProxies: VoteCounts;
  postal: VoteCounts;
  vote: {
    on: string;
    room: VoteCounts;
    total: VoteCounts;
    voters: number;
    /** for + against: abstentions are not votes cast. */
    cast: number;
    adopted: boolean;
  } | null;
}

type ResolutionRow = {
  resolution_id: string;
  number: unknown;
  title: string | null;
  resolution_text: string;
  by_board: unknown;
  voted_on: string | null;
  room_for: unknown;
  room_against: unknown;
  room_abstain: unknown;
  blank_for: unknown;
  blank_against: unknown;
  blank_abstain: unknown;
  postal_for: unknown;
  postal_against: unknown;
  postal_abstain: unknown;
  votes_for: unknown;
  votes_against: unknown;
  votes_abstain: unknown;
  voters: unknown;
  adopted: unknown;
};

const counts = (f: unknown, a: unknown, abs: unknown): VoteCounts => ({
  for: Number(f),
  against: Number(a),
  abstain: Number(abs),
});

/** The attendance that votes by itself: blank proxies and postal forms. */
async function automaticAttendance(q: Queryable, assemblyId: string): Promise<Attendance[]> {
  const rows = await q.query<{
    attendance: AttendanceMode;
    received_on: string | null;
    postal_choices: string | null;
  }>(
    `SELECT attendance, received_on, postal_choices FROM g2_rm_assembly_members
      WHERE assembly_id = ? AND ((attendance = 'represented' AND holder_id IS NULL) OR attendance = 'postal')`,
    [assemblyId],
  );
  return rows.map((r): Attendance => {
    if (r.attendance !== 'postal') return { mode: 'represented', holderId: null };
    const choices = JSON.parse(r.postal_choices ?? '[]') as {
      resolutionId: string;
      choice: VoteChoice;
    }[];
    return {
      mode: 'postal',
      receivedOn: r.received_on ?? '',
      choices: new Map(choices.map((c) => [c.resolutionId, c.choice])),
    };
  });
}

export async function assemblyResolutions(
  q: Queryable,
  assemblyId: string,
): Promise<ResolutionView[]> {
  const rows = await q.query<ResolutionRow>(
    `SELECT resolution_id, number, title, resolution_text, by_board, voted_on, room_for, room_against, room_abstain,
       blank_for, blank_against, blank_abstain, postal_for, postal_against, postal_abstain,
       votes_for, votes_against, votes_abstain, voters, adopted
      FROM g2_rm_assembly_resolutions WHERE assembly_id = ? ORDER BY number`,
    [assemblyId],
  );
  const automatic = rows.some((r) => r.voted_on === null)
    ? await automaticAttendance(q, assemblyId)
    : [];
  return rows.map((r) => {
    const base = {
      resolutionId: r.resolution_id,
      number: Number(r.number),
      title: r.title ?? null,
      text: r.resolution_text,
      byBoard: Number(r.by_board) === 1,
    };
    if (r.voted_on === null) {
      return { ...base, ...automaticVotes(automatic, base), vote: null };
    }
    const total = counts(r.votes_for, r.votes_against, r.votes_abstain);
    return {
      ...base,
      blankProxies: counts(r.blank_for, r.blank_against, r.blank_abstain),
      postal: counts(r.postal_for, r.postal_against, r.postal_abstain),
      vote: {
        on: r.voted_on,
        room: counts(r.room_for, r.room_against, r.room_abstain),
        total,
        voters: Number(r.voters),
        cast: total.for + total.against,
        adopted: Number(r.adopted) === 1,
      },
    };
  });
}

export interface AttendanceTotals {
  members: number;
  shares: number;
  votes: number;
}

/** The attendance sheet (feuille de présence): every member, then the totals per attendance. */
export interface AttendanceSheet {
  assembly: AssemblySummary;
  /** The quorum as the sheet states it, in French. */
  quorumLine: string;
  members: AssemblyMember[];
  totals: {
    present: AttendanceTotals;
    represented: AttendanceTotals;
    blankProxies: AttendanceTotals;
    postal: AttendanceTotals;
    counted: AttendanceTotals;
    absent: AttendanceTotals;
    all: AttendanceTotals;
  };
}

export async function attendanceSheet(
  q: Queryable,
  assemblyId: string,
): Promise<AttendanceSheet | null> {
  const assembly = await findAssembly(q, assemblyId);
  if (!assembly) return null;
  const { members } = await searchMembers(q, assemblyId);
  return {
    assembly,
    quorumLine: sheetQuorumLine(assembly),
    members,
    totals: attendanceTotals(members),
  };
}

const members = (n: number) => `${n} sociétaire${n > 1 ? 's' : ''}`;

export function sheetQuorumLine(a: AssemblySummary): string {
  const q = a.quorum;
  return q.quorum
    ? `Quorum (${q.rule}) : ${members(q.required)} requis, ${q.counted} compté${q.counted > 1 ? 's' : ''} — ${q.reached ? 'atteint' : 'non atteint'}.`
    : `Quorum : aucun quorum requis (${a.callLabel}) ; ${members(q.counted)} compté${q.counted > 1 ? 's' : ''}.`;
}

/** Members, shares and votes per way of attending (present, represented, postal…). */
export function attendanceTotals(members: readonly AssemblyMember[]): AttendanceSheet['totals'] {
  const total = (pick: (m: AssemblyMember) => boolean): AttendanceTotals => {
    const chosen = members.filter(pick);
    return {
      members: chosen.length,
      shares: chosen.reduce((s, m) => s + m.shares, 0),
      votes: chosen.reduce((s, m) => s + m.votes, 0),
    };
  };
  return {
    present: total((m) => m.attendance === 'present'),
    represented: total((m) => m.attendance === 'represented' && m.holderId !== null),
    blankProxies: total((m) => m.attendance === 'represented' && m.holderId === null),
    postal: total((m) => m.attendance === 'postal'),
    counted: total((m) => m.attendance !== null),
    absent: total((m) => m.attendance === null),
    all: total(() => true),
  };
}

/** The summary for the minutes (procès-verbal): quorum, then each resolution's counts and result. */
export interface Minutes {
  assembly: AssemblySummary;
  resolutions: ResolutionView[];
  /** In French, the sentence the minutes state about the quorum. */
  quorumStatement: string;
}

export async function minutes(q: Queryable, assemblyId: string): Promise<Minutes | null> {
  const assembly = await findAssembly(q, assemblyId);
  if (!assembly) return null;
  const b = assembly.quorum;
  const counted = `${members(b.counted)} sur ${b.members} (${b.present} présent${b.present > 1 ? 's' : ''}, ${b.represented + b.blankProxies} représenté${b.represented + b.blankProxies > 1 ? 's' : ''} dont ${b.blankProxies} par pouvoir en blanc, ${b.postal} par correspondance)`;
  const quorumStatement = !b.quorum
    ? `${counted} : aucun quorum n’est requis sur ${assembly.callLabel}.`
    : b.reached
      ? `${counted} : le quorum de ${b.rule} (${b.required}) est atteint, l’assemblée peut valablement délibérer.`
      : `${counted} : le quorum de ${b.rule} (${b.required}) n’est pas atteint, l’assemblée ne peut pas délibérer.`;
  return { assembly, resolutions: await assemblyResolutions(q, assemblyId), quorumStatement };
}
