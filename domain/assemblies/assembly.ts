import { addDays, compareDays, formatDayFr, minDay, parseDay, type Day } from '../shared/day.js';
import {
  DomainError,
  formRefusal,
  parseField,
  type ErrorCode,
  type FieldError,
} from '../shared/errors.js';
import type {
  AssemblyCall,
  AssemblyClosed,
  AssemblyConvened,
  AssemblyConvocationDetailed,
  AssemblyEvent,
  AssemblyKind,
  AttendanceWithdrawn,
  Fraction,
  MemberMarkedPresent,
  PostalVoteRecorded,
  ProxyRecorded,
  ResolutionAdded,
  ResolutionVoted,
  VoteChoice,
  VoteCounts,
  VotingMember,
} from './events.js';
import {
  callLabel,
  isAdopted,
  kindLabel,
  majorityOf,
  noticeDaysOf,
  quorumOf,
  quorumReached,
  requiredCount,
  type AssemblyRules,
} from './rules.js';

/** How a member is counted: at most one of these, whatever the order of the recordings. */
export type Attendance =
  | { readonly mode: 'present' }
  /** holderId null: a blank proxy, voted by the chair for the board's resolutions. */
  | { readonly mode: 'represented'; readonly holderId: string | null }
  | {
      readonly mode: 'postal';
      readonly receivedOn: Day;
      readonly choices: ReadonlyMap<string, VoteChoice>;
    };

export interface ResolutionState {
  readonly resolutionId: string;
  readonly number: number;
  readonly text: string;
  readonly byBoard: boolean;
  readonly vote: ResolutionVoted['data'] | null;
}

export interface AssemblyState {
  readonly assemblyId: string;
  /** Null until convened (an unknown assembly). */
  readonly convened: Omit<AssemblyConvened['data'], 'members'> | null;
  /** Time, place and agenda (null for an assembly convened before they were recorded). */
  readonly details: Omit<AssemblyConvocationDetailed['data'], 'assemblyId'> | null;
  /** Members with voting rights, in the order of the list (by name). */
  readonly members: ReadonlyMap<string, VotingMember>;
  readonly attendance: ReadonlyMap<string, Attendance>;
  /** Named proxies held per present member. */
  readonly proxiesHeld: ReadonlyMap<string, number>;
  readonly resolutions: readonly ResolutionState[];
  readonly closedOn: Day | null;
}

export const initialAssemblyState = (assemblyId: string): AssemblyState => ({
  assemblyId,
  convened: null,
  details: null,
  members: new Map(),
  attendance: new Map(),
  proxiesHeld: new Map(),
  resolutions: [],
  closedOn: null,
});

interface Draft {
  assemblyId: string;
  convened: AssemblyState['convened'];
  details: AssemblyState['details'];
  members: Map<string, VotingMember>;
  attendance: Map<string, Attendance>;
  proxiesHeld: Map<string, number>;
  resolutions: ResolutionState[];
  closedOn: Day | null;
}

const draftOf = (s: AssemblyState): Draft => ({
  assemblyId: s.assemblyId,
  convened: s.convened,
  details: s.details,
  // The member list never changes after convening: it can be shared, not copied.
  members: s.members as Map<string, VotingMember>,
  attendance: new Map(s.attendance),
  proxiesHeld: new Map(s.proxiesHeld),
  resolutions: [...s.resolutions],
  closedOn: s.closedOn,
});

function applyTo(d: Draft, event: AssemblyEvent): void {
  switch (event.type) {
    case 'AssemblyConvened': {
      const { members, ...convened } = event.data;
      d.convened = convened;
      d.members = new Map(members.map((m) => [m.tiersId, m]));
      return;
    }
    case 'AssemblyConvocationDetailed': {
      const { startsAt, place, agenda } = event.data;
      d.details = { startsAt, place, agenda };
      return;
    }
    case 'ResolutionAdded': {
      const r = event.data;
      d.resolutions.push({
        resolutionId: r.resolutionId,
        number: r.number,
        text: r.text,
        byBoard: r.byBoard,
        vote: null,
      });
      return;
    }
    case 'MemberMarkedPresent':
      d.attendance.set(event.data.tiersId, { mode: 'present' });
      return;
    case 'ProxyRecorded': {
      const { tiersId, holderId } = event.data;
      d.attendance.set(tiersId, { mode: 'represented', holderId });
      if (holderId !== null) d.proxiesHeld.set(holderId, (d.proxiesHeld.get(holderId) ?? 0) + 1);
      return;
    }
    case 'PostalVoteRecorded': {
      const { tiersId, receivedOn, choices } = event.data;
      d.attendance.set(tiersId, {
        mode: 'postal',
        receivedOn,
        choices: new Map(choices.map((c) => [c.resolutionId, c.choice])),
      });
      return;
    }
    case 'AttendanceWithdrawn': {
      const before = d.attendance.get(event.data.tiersId);
      if (before?.mode === 'represented' && before.holderId !== null) {
        const held = (d.proxiesHeld.get(before.holderId) ?? 0) - 1;
        if (held > 0) d.proxiesHeld.set(before.holderId, held);
        else d.proxiesHeld.delete(before.holderId);
      }
      d.attendance.delete(event.data.tiersId);
      return;
    }
    case 'ResolutionVoted': {
      const v = event.data;
      d.resolutions = d.resolutions.map((r) =>
        r.resolutionId === v.resolutionId ? { ...r, vote: v } : r,
      );
      return;
    }
    case 'AssemblyClosed':
      d.closedOn = event.data.closedOn;
      return;
  }
}

const frozen = (d: Draft): AssemblyState => ({ ...d });

export function evolveAssembly(state: AssemblyState, event: AssemblyEvent): AssemblyState {
  const d = draftOf(state);
  applyTo(d, event);
  return frozen(d);
}

/** The state after a whole history, folded on one draft (a stream of thousands of events). */
export function foldAssembly(assemblyId: string, events: readonly AssemblyEvent[]): AssemblyState {
  const d = draftOf(initialAssemblyState(assemblyId));
  for (const e of events) applyTo(d, e);
  return frozen(d);
}

// ---------------------------------------------------------------------------------------------
// Counting

export interface QuorumStatus {
  readonly members: number;
  readonly present: number;
  /** Represented by a named member. */
  readonly represented: number;
  readonly blankProxies: number;
  readonly postal: number;
  /** present + represented + blank proxies + postal: each member at most once. */
  readonly counted: number;
  readonly quorum: Fraction | null;
  readonly required: number;
  readonly reached: boolean;
}

export function quorumStatus(state: AssemblyState): QuorumStatus {
  let present = 0;
  let represented = 0;
  let blankProxies = 0;
  let postal = 0;
  for (const a of state.attendance.values()) {
    if (a.mode === 'present') present++;
    else if (a.mode === 'postal') postal++;
    else if (a.holderId === null) blankProxies++;
    else represented++;
  }
  const members = state.members.size;
  const counted = present + represented + blankProxies + postal;
  const quorum = state.convened?.quorum ?? null;
  return {
    members,
    present,
    represented,
    blankProxies,
    postal,
    counted,
    quorum,
    required: requiredCount(members, quorum),
    reached: quorumReached(counted, members, quorum),
  };
}

/** Votes cast in the room: present members and the named proxies they carry. */
export function roomVoters(state: AssemblyState): number {
  const q = quorumStatus(state);
  return q.present + q.represented;
}

const ZERO: VoteCounts = { for: 0, against: 0, abstain: 0 };

function add(a: VoteCounts, b: VoteCounts): VoteCounts {
  return { for: a.for + b.for, against: a.against + b.against, abstain: a.abstain + b.abstain };
}

function one(choice: VoteChoice): VoteCounts {
  return { ...ZERO, [choice]: 1 };
}

/** What blank proxies and postal votes give a resolution, before the room's counts. */
export function automaticVotes(
  attendance: Iterable<Attendance>,
  resolution: Pick<ResolutionState, 'resolutionId' | 'byBoard'>,
): { blankProxies: VoteCounts; postal: VoteCounts } {
  let blankProxies = ZERO;
  let postal = ZERO;
  for (const a of attendance) {
    if (a.mode === 'represented' && a.holderId === null) {
      // Code de commerce L225-106: for the board's resolutions, against the others.
      blankProxies = add(blankProxies, one(resolution.byBoard ? 'for' : 'against'));
    } else if (a.mode === 'postal') {
      // A form that says nothing on a resolution (one added later included) abstains.
      postal = add(postal, one(a.choices.get(resolution.resolutionId) ?? 'abstain'));
    }
  }
  return { blankProxies, postal };
}

// ---------------------------------------------------------------------------------------------
// Commands

export interface ConveneAssembly {
  kind: unknown;
  title?: unknown;
  heldOn: unknown;
  /** The meeting's time, Paris, 'HH:MM' (or '14h30'). */
  startsAt?: unknown;
  place?: unknown;
  /** The agenda in order: [{title, text, byBoard?}], each put to the vote as one resolution. */
  agenda?: unknown;
  call: unknown;
  /** Default: the statutes' days before the assembly (AssemblyRules.postalDaysBefore). */
  postalDeadline?: unknown;
  /** The day the member list is drawn up; default today (or the assembly's day if earlier). */
  listOn?: unknown;
}

export interface AgendaEntry {
  readonly title: string;
  /** The text of the resolution put to the vote. */
  readonly text: string;
  /** Presented or approved by the board (blank proxies vote for it); default yes. */
  readonly byBoard: boolean;
}

export interface Convocation {
  readonly kind: AssemblyKind;
  readonly title: string;
  readonly heldOn: Day;
  readonly call: AssemblyCall;
  readonly postalDeadline: Day;
  readonly listOn: Day;
  readonly startsAt: string;
  readonly place: string;
  readonly agenda: readonly AgendaEntry[];
}

const blank = (v: unknown) => v === undefined || v === null || v === '';
const text = (v: unknown) => (blank(v) ? '' : String(v).trim());

function dayField(field: string, input: unknown, what: string): Day {
  return parseField(field, () => parseDay(input), `${what} est invalide (AAAA-MM-JJ).`);
}

const daysFr = (n: number) => `${n} jour${n > 1 ? 's' : ''}`;

/** '14:30', '9:05', '14h30', '14h' → 'HH:MM'; null when it is not a time of day. */
export function parseTimeOfDay(input: unknown): string | null {
  const m = /^(\d{1,2})\s*[:hH]\s*(\d{2})?$/.exec(text(input));
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

const MAX_AGENDA = 50;

/** The agenda's items in order; a form's empty rows are skipped. */
function agendaOf(input: unknown, fail: (field: string, message: string) => void): AgendaEntry[] {
  if (blank(input)) return [];
  if (!Array.isArray(input)) {
    fail('agenda', 'L’ordre du jour est une liste de points (titre et texte de la résolution).');
    return [];
  }
  const items: AgendaEntry[] = [];
  input.forEach((raw: unknown, i: number) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const title = text(item['title']);
    const body = text(item['text']);
    if (title === '' && body === '') return;
    const n = items.length + 1;
    if (title === '' || title.length > 200)
      fail(
        `agenda[${i}].title`,
        `Point ${n} de l’ordre du jour : un titre de 200 caractères au plus.`,
      );
    if (body === '' || body.length > 4000)
      fail(
        `agenda[${i}].text`,
        `Point ${n} de l’ordre du jour : le texte de la résolution est requis (4 000 caractères au plus).`,
      );
    const b = item['byBoard'];
    items.push({ title, text: body, byBoard: !(b === false || b === 'false' || b === '0') });
  });
  if (items.length > MAX_AGENDA)
    fail('agenda', `L’ordre du jour compte au plus ${MAX_AGENDA} points.`);
  return items;
}

/**
 * Validates a convocation against the statutes as of `today`, every refusal at once: the
 * notice period of its kind and call, a postal-vote deadline that is neither past nor later
 * than the statutes allow, the time, the place, the agenda. The list day comes first because
 * the member list depends on it.
 */
export function parseConvocation(
  input: ConveneAssembly,
  today: Day,
  rules: AssemblyRules,
): Convocation {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string, code?: ErrorCode) => {
    errors.push({ field, message, ...(code ? { code } : {}) });
  };
  const day = (field: string, value: unknown, what: string): Day | null => {
    try {
      return dayField(field, value, what);
    } catch (error) {
      fail(field, (error as DomainError).message);
      return null;
    }
  };
  const kind = input.kind === 'ordinary' || input.kind === 'extraordinary' ? input.kind : null;
  if (!kind) fail('kind', 'Choisissez le type d’assemblée : ordinaire ou extraordinaire.');
  const heldOn = blank(input.heldOn)
    ? (fail('heldOn', 'La date de l’assemblée est requise.'), null)
    : day('heldOn', input.heldOn, 'La date de l’assemblée');
  const callNo = Number(input.call);
  const call = callNo === 1 || callNo === 2 ? callNo : null;
  if (!call) fail('call', 'Convocation : première (1) ou seconde (2).');
  const title = text(input.title);
  if (title.length > 200) fail('title', 'Le titre fait au plus 200 caractères.');
  const startsAt = parseTimeOfDay(input.startsAt);
  if (!startsAt) fail('startsAt', 'L’heure de l’assemblée est requise (par exemple 18:30).');
  const place = text(input.place);
  if (place === '' || place.length > 300)
    fail('place', 'Le lieu de l’assemblée est requis (300 caractères au plus).');
  const agenda = agendaOf(input.agenda, fail);

  if (kind && call && heldOn) {
    const notice = noticeDaysOf(kind, call, rules);
    const earliest = addDays(today, notice);
    if (compareDays(heldOn, earliest) < 0) {
      fail(
        'heldOn',
        `Une assemblée ${kindLabel(kind)} sur ${callLabel(call)} se convoque au moins ${daysFr(notice)} à l’avance (statuts) : convoquée aujourd’hui, elle se tient le ${formatDayFr(earliest)} au plus tôt.`,
        'notice_too_short',
      );
    }
  }
  const latestDeadline = heldOn ? addDays(heldOn, -rules.postalDaysBefore) : null;
  const postalDeadline = blank(input.postalDeadline)
    ? latestDeadline
    : day('postalDeadline', input.postalDeadline, 'La date limite des votes par correspondance');
  if (postalDeadline && latestDeadline && compareDays(postalDeadline, latestDeadline) > 0) {
    fail(
      'postalDeadline',
      rules.postalDaysBefore === 0
        ? 'La date limite des votes par correspondance ne peut pas suivre l’assemblée.'
        : `Les votes par correspondance parviennent au moins ${daysFr(rules.postalDaysBefore)} avant l’assemblée (statuts) : date limite le ${formatDayFr(latestDeadline)} au plus tard.`,
    );
  } else if (postalDeadline && compareDays(postalDeadline, today) < 0) {
    fail(
      'postalDeadline',
      `La date limite des votes par correspondance (le ${formatDayFr(postalDeadline)}) est déjà passée : personne ne pourrait plus voter par correspondance.`,
      'notice_too_short',
    );
  }
  const listOn = blank(input.listOn)
    ? heldOn && minDay(today, heldOn)
    : day('listOn', input.listOn, 'La date d’arrêté de la liste');
  if (listOn && compareDays(listOn, today) > 0) {
    fail('listOn', 'La liste des sociétaires ne peut pas être arrêtée à une date future.');
  } else if (listOn && heldOn && compareDays(listOn, heldOn) > 0) {
    fail('listOn', 'La liste des sociétaires est arrêtée au plus tard le jour de l’assemblée.');
  }
  if (errors.length > 0 || !kind || !call || !heldOn || !startsAt || !postalDeadline || !listOn)
    throw formRefusal(errors);
  return { kind, title, heldOn, call, postalDeadline, listOn, startsAt, place, agenda };
}

/**
 * Convenes the assembly with the members holding at least one share at the end of the list
 * day: the list is frozen in AssemblyConvened, one member one vote whatever their shares; then
 * the time, place and agenda (AssemblyConvocationDetailed), then each agenda item's resolution
 * in the agenda's order (`resolutionIds`: one fresh id per item).
 */
export function decideConveneAssembly(
  state: AssemblyState,
  convocation: Convocation,
  ctx: {
    today: Day;
    rules: AssemblyRules;
    members: readonly VotingMember[];
    resolutionIds?: readonly string[];
  },
): readonly [AssemblyConvened, AssemblyConvocationDetailed, ...ResolutionAdded[]] {
  const { members } = ctx;
  if (state.convened) throw new DomainError('conflict', 'Cette assemblée est déjà convoquée.');
  if (members.length === 0) {
    throw new DomainError(
      'no_members',
      `Aucun sociétaire ne détient de part sociale le ${formatDayFr(convocation.listOn)} : personne n’aurait le droit de vote.`,
      'listOn',
    );
  }
  const ids = new Set(members.map((m) => m.tiersId));
  if (ids.size !== members.length) throw new Error('the member list names a member twice');
  const resolutionIds = ctx.resolutionIds ?? [];
  if (resolutionIds.length < convocation.agenda.length)
    throw new Error('one resolution id per agenda item');
  const assemblyId = state.assemblyId;
  // Released shape: the time, place and agenda go in AssemblyConvocationDetailed.
  const { kind, title, heldOn, call, postalDeadline, listOn } = convocation;
  const items = convocation.agenda.map((item, i) => ({ ...item, resolutionId: resolutionIds[i]! }));
  return [
    {
      type: 'AssemblyConvened',
      data: {
        assemblyId,
        kind,
        title,
        heldOn,
        call,
        postalDeadline,
        listOn,
        proxyCap: ctx.rules.proxyCap,
        quorum: quorumOf(kind, call, ctx.rules),
        majority: majorityOf(kind, ctx.rules),
        convenedOn: ctx.today,
        members: members.map((m) => ({
          tiersId: m.tiersId,
          name: m.name,
          address: m.address,
          shares: m.shares,
          numbers: m.numbers,
        })),
      },
    },
    {
      type: 'AssemblyConvocationDetailed',
      data: {
        assemblyId,
        startsAt: convocation.startsAt,
        place: convocation.place,
        agenda: items.map((i) => ({ resolutionId: i.resolutionId, title: i.title })),
      },
    },
    ...items.map((item, i): ResolutionAdded => ({
      type: 'ResolutionAdded',
      data: {
        assemblyId,
        resolutionId: item.resolutionId,
        number: i + 1,
        text: item.text,
        byBoard: item.byBoard,
      },
    })),
  ];
}

type Open = AssemblyState & { readonly convened: NonNullable<AssemblyState['convened']> };

function openAssembly(state: AssemblyState): Open {
  if (!state.convened) throw new DomainError('not_found', 'Assemblée introuvable.');
  if (state.closedOn !== null) {
    throw new DomainError(
      'already_closed',
      `Cette assemblée est close depuis le ${formatDayFr(state.closedOn)} : plus rien ne peut y être enregistré.`,
    );
  }
  return state as Open;
}

function notBeforeMeeting(state: Open, today: Day, what: string, field?: string): void {
  if (compareDays(today, state.convened.heldOn) < 0) {
    throw new DomainError(
      'too_early',
      `${what} le jour de l’assemblée (le ${formatDayFr(state.convened.heldOn)}) ou après.`,
      field,
    );
  }
}

const idOf = (v: unknown): string => (blank(v) ? '' : String(v).trim());

function memberOf(state: Open, tiersId: string, field: string, role = 'Le tiers'): VotingMember {
  const m = state.members.get(tiersId);
  if (!m) {
    throw new DomainError(
      'not_a_member',
      tiersId === ''
        ? 'Choisissez un sociétaire.'
        : `${role} n° ${tiersId} n’a pas le droit de vote à cette assemblée (aucune part sociale le ${formatDayFr(state.convened.listOn)}).`,
      field,
    );
  }
  return m;
}

/** "présent", "représenté par …", "vote par correspondance reçu le …", in French. */
export function describeAttendance(state: AssemblyState, a: Attendance): string {
  switch (a.mode) {
    case 'present':
      return 'présent';
    case 'represented':
      return a.holderId === null
        ? 'représenté par un pouvoir en blanc'
        : `représenté par ${state.members.get(a.holderId)?.name ?? `le tiers n° ${a.holderId}`}`;
    case 'postal':
      return `vote par correspondance reçu le ${formatDayFr(a.receivedOn)}`;
  }
}

function notCounted(state: Open, member: VotingMember, field: string): void {
  const a = state.attendance.get(member.tiersId);
  if (a) {
    throw new DomainError(
      'already_counted',
      `${member.name} est déjà compté à cette assemblée (${describeAttendance(state, a)}) : un sociétaire ne compte qu’une fois.`,
      field,
      { attendance: a.mode },
    );
  }
}

/** An event that names one member of the assembly, on a day. */
const memberEvent = <T extends 'MemberMarkedPresent' | 'AttendanceWithdrawn'>(
  type: T,
  s: Open,
  member: VotingMember,
  on: Day,
) => ({ type, data: { assemblyId: s.assemblyId, tiersId: member.tiersId, on } });

export function decideMarkPresent(
  state: AssemblyState,
  input: { tiersId: unknown },
  ctx: { today: Day },
): readonly MemberMarkedPresent[] {
  const s = openAssembly(state);
  notBeforeMeeting(s, ctx.today, 'La présence se note', 'tiersId');
  const member = memberOf(s, idOf(input.tiersId), 'tiersId');
  notCounted(s, member, 'tiersId');
  return [memberEvent('MemberMarkedPresent', s, member, ctx.today)];
}

/** A proxy to a present member (within the cap), or blank (holderId empty) for the board. */
export function decideRecordProxy(
  state: AssemblyState,
  input: { tiersId: unknown; holderId?: unknown },
  ctx: { today: Day },
): readonly ProxyRecorded[] {
  const s = openAssembly(state);
  const member = memberOf(s, idOf(input.tiersId), 'tiersId');
  notCounted(s, member, 'tiersId');
  const holderId = idOf(input.holderId);
  if (holderId !== '') {
    if (holderId === member.tiersId) {
      throw new DomainError(
        'invalid_input',
        'Un sociétaire ne peut pas se donner procuration à lui-même.',
        'holderId',
      );
    }
    const holder = memberOf(s, holderId, 'holderId', 'Le mandataire : le tiers');
    if (s.attendance.get(holderId)?.mode !== 'present') {
      throw new DomainError(
        'holder_absent',
        `${holder.name} n’est pas noté présent : une procuration nominative ne compte que si son porteur est présent (notez d’abord sa présence).`,
        'holderId',
      );
    }
    const held = s.proxiesHeld.get(holderId) ?? 0;
    if (held >= s.convened.proxyCap) {
      throw new DomainError(
        'proxy_cap',
        `${holder.name} détient déjà ${held} pouvoir${held > 1 ? 's' : ''}, le maximum fixé par les statuts (${s.convened.proxyCap}).`,
        'holderId',
        { held, cap: s.convened.proxyCap },
      );
    }
  }
  return [
    {
      type: 'ProxyRecorded',
      data: {
        assemblyId: s.assemblyId,
        tiersId: member.tiersId,
        holderId: holderId === '' ? null : holderId,
        on: ctx.today,
      },
    },
  ];
}

const CHOICES: readonly VoteChoice[] = ['for', 'against', 'abstain'];

/** Choices as a map {resolutionId: choice} or a list [{resolutionId, choice}]; '' skips one. */
function choiceEntries(input: unknown): [string, unknown][] {
  if (blank(input)) return [];
  if (Array.isArray(input)) {
    return input.map((c: { resolutionId?: unknown; choice?: unknown } | null) => [
      idOf(c?.resolutionId),
      c?.choice,
    ]);
  }
  if (typeof input === 'object') return Object.entries(input as Record<string, unknown>);
  throw new DomainError('invalid_input', 'Les votes sont illisibles.', 'choices');
}

export function decideRecordPostalVote(
  state: AssemblyState,
  input: { tiersId: unknown; receivedOn: unknown; choices?: unknown },
  ctx: { today: Day },
): readonly PostalVoteRecorded[] {
  const s = openAssembly(state);
  const member = memberOf(s, idOf(input.tiersId), 'tiersId');
  notCounted(s, member, 'tiersId');
  const receivedOn = dayField('receivedOn', input.receivedOn, 'La date de réception');
  if (compareDays(receivedOn, ctx.today) > 0) {
    throw new DomainError(
      'invalid_input',
      'La date de réception ne peut pas être dans le futur.',
      'receivedOn',
    );
  }
  if (compareDays(receivedOn, s.convened.postalDeadline) > 0) {
    throw new DomainError(
      'postal_too_late',
      `Vote par correspondance reçu le ${formatDayFr(receivedOn)}, après la date limite du ${formatDayFr(s.convened.postalDeadline)} : il ne peut pas être compté.`,
      'receivedOn',
    );
  }
  if (s.resolutions.some((r) => r.vote !== null)) {
    throw new DomainError(
      'voting_started',
      'Le vote des résolutions a commencé : un vote par correspondance ne peut plus être ajouté.',
      'tiersId',
    );
  }
  const choices: { resolutionId: string; choice: VoteChoice }[] = [];
  for (const [rawId, choice] of choiceEntries(input.choices)) {
    const resolutionId = idOf(rawId);
    if (blank(choice)) continue;
    if (!s.resolutions.some((r) => r.resolutionId === resolutionId)) {
      throw new DomainError(
        'invalid_input',
        'Ce vote porte sur une résolution inconnue de cette assemblée.',
        `choices.${resolutionId}`,
      );
    }
    if (!CHOICES.includes(choice as VoteChoice)) {
      throw new DomainError(
        'invalid_input',
        'Vote : pour, contre ou abstention.',
        `choices.${resolutionId}`,
      );
    }
    if (choices.some((c) => c.resolutionId === resolutionId)) {
      throw new DomainError(
        'invalid_input',
        'Une résolution reçoit un seul vote par formulaire.',
        `choices.${resolutionId}`,
      );
    }
    choices.push({ resolutionId, choice: choice as VoteChoice });
  }
  return [
    {
      type: 'PostalVoteRecorded',
      data: { assemblyId: s.assemblyId, tiersId: member.tiersId, receivedOn, choices },
    },
  ];
}

/** Undoes a member's recording (a clerk's mistake, a proxy revoked). */
export function decideWithdrawAttendance(
  state: AssemblyState,
  input: { tiersId: unknown },
  ctx: { today: Day },
): readonly AttendanceWithdrawn[] {
  const s = openAssembly(state);
  const member = memberOf(s, idOf(input.tiersId), 'tiersId');
  const a = s.attendance.get(member.tiersId);
  if (!a) {
    throw new DomainError(
      'not_counted',
      `${member.name} n’est pas compté à cette assemblée : rien à retirer.`,
      'tiersId',
    );
  }
  const held = s.proxiesHeld.get(member.tiersId) ?? 0;
  if (held > 0) {
    throw new DomainError(
      'has_proxies',
      `${member.name} porte ${held} pouvoir${held > 1 ? 's' : ''} : retirez d’abord ces procurations.`,
      'tiersId',
    );
  }
  if (a.mode === 'postal' && s.resolutions.some((r) => r.vote !== null)) {
    throw new DomainError(
      'voting_started',
      'Le vote des résolutions a commencé : un vote par correspondance ne peut plus être retiré.',
      'tiersId',
    );
  }
  return [memberEvent('AttendanceWithdrawn', s, member, ctx.today)];
}

export function decideAddResolution(
  state: AssemblyState,
  input: { text: unknown; byBoard?: unknown },
  ctx: { resolutionId: string },
): readonly ResolutionAdded[] {
  const s = openAssembly(state);
  const text = blank(input.text) ? '' : String(input.text).trim();
  if (text === '' || text.length > 4000) {
    throw new DomainError(
      'invalid_input',
      'Le texte de la résolution est requis (4 000 caractères au plus).',
      'text',
    );
  }
  const byBoard = !(input.byBoard === false || input.byBoard === 'false' || input.byBoard === '0');
  return [
    {
      type: 'ResolutionAdded',
      data: {
        assemblyId: s.assemblyId,
        resolutionId: ctx.resolutionId,
        number: s.resolutions.length + 1,
        text,
        byBoard,
      },
    },
  ];
}

function count(input: unknown, field: string): number {
  const n = blank(input) ? 0 : Number(typeof input === 'string' ? input.trim() : input);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new DomainError('invalid_input', 'Un nombre de voix entier, 0 ou plus.', field);
  }
  return n;
}

export interface RecordVote {
  resolutionId: unknown;
  /** Counted in the room: present members and the named proxies they hold. */
  for: unknown;
  against: unknown;
  abstain: unknown;
}

/**
 * Puts a resolution to the vote: the room's counts must account for every present member and
 * named proxy; blank proxies and postal votes are added; the result follows the majority rule.
 */
export function decideRecordVote(
  state: AssemblyState,
  input: RecordVote,
  ctx: { today: Day },
): readonly ResolutionVoted[] {
  const s = openAssembly(state);
  const resolutionId = idOf(input.resolutionId);
  const resolution = s.resolutions.find((r) => r.resolutionId === resolutionId);
  if (!resolution) throw new DomainError('not_found', 'Résolution introuvable.', 'resolutionId');
  if (resolution.vote) {
    throw new DomainError(
      'already_voted',
      `La résolution n° ${resolution.number} a déjà été votée.`,
      'resolutionId',
    );
  }
  notBeforeMeeting(s, ctx.today, 'Les résolutions se votent', 'resolutionId');
  const q = quorumStatus(s);
  if (!q.reached) {
    throw new DomainError(
      'quorum_not_reached',
      `Quorum non atteint (${q.counted} sociétaire${q.counted > 1 ? 's' : ''} compté${q.counted > 1 ? 's' : ''}, ${q.required} requis) : l’assemblée ne peut pas délibérer.`,
      'resolutionId',
      { counted: q.counted, required: q.required },
    );
  }
  const room: VoteCounts = {
    for: count(input.for, 'for'),
    against: count(input.against, 'against'),
    abstain: count(input.abstain, 'abstain'),
  };
  const inRoom = q.present + q.represented;
  const typed = room.for + room.against + room.abstain;
  if (typed !== inRoom) {
    throw new DomainError(
      'invalid_input',
      `Pour, contre et abstentions doivent totaliser les ${inRoom} voix de la salle (présents et pouvoirs nominatifs) ; saisi : ${typed}.`,
      'for',
      { expected: inRoom, typed },
    );
  }
  const { blankProxies, postal } = automaticVotes(s.attendance.values(), resolution);
  const total = add(add(room, blankProxies), postal);
  return [
    {
      type: 'ResolutionVoted',
      data: {
        assemblyId: s.assemblyId,
        resolutionId,
        on: ctx.today,
        room,
        blankProxies,
        postal,
        total,
        voters: q.counted,
        adopted: isAdopted(total, s.convened.majority),
      },
    },
  ];
}

/** Closing takes nothing but the day. */
export type CloseAssembly = Readonly<Record<never, never>>;

export function decideCloseAssembly(
  state: AssemblyState,
  _command: CloseAssembly,
  ctx: { today: Day },
): readonly AssemblyClosed[] {
  const s = openAssembly(state);
  notBeforeMeeting(s, ctx.today, 'L’assemblée se clôt');
  const q = quorumStatus(s);
  return [
    {
      type: 'AssemblyClosed',
      data: {
        assemblyId: s.assemblyId,
        closedOn: ctx.today,
        members: q.members,
        counted: q.counted,
        quorumReached: q.reached,
      },
    },
  ];
}
