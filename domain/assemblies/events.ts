/**
 * General assembly (AG) events, on one stream per assembly so that every recording is serialised:
 * a member cannot be counted twice by two clerks at once. Released shapes never change: add a new
 * type instead, and an upcaster in src/kernel/event-store/upcasting.ts if old events must read as
 * the new one. Days are 'YYYY-MM-DD'.
 */

export type AssemblyKind = 'ordinary' | 'extraordinary';
/** First or second call (convocation): the quorum differs. */
export type AssemblyCall = 1 | 2;
export type VoteChoice = 'for' | 'against' | 'abstain';

/** A ratio of members (quorum) or of votes cast (majority), kept exact as two integers. */
export interface Fraction {
  readonly num: number;
  readonly den: number;
}

/** Adopted when for / votes cast > num/den (strict) or ≥ num/den. */
export interface Majority extends Fraction {
  readonly strict: boolean;
}

/** A member with voting rights, as the share register gave it on the list day. */
export interface VotingMember {
  readonly tiersId: string;
  readonly name: string;
  readonly address: string;
  readonly shares: number;
  /** Share numbers as ranges ("2207, 10398-10399"), for the attendance sheet. */
  readonly numbers: string;
}

export interface VoteCounts {
  readonly for: number;
  readonly against: number;
  readonly abstain: number;
}

/**
 * The assembly is convened: its rules (snapshot of the configuration, so a later change of the
 * statutes' settings never alters it) and the members with voting rights, frozen here.
 */
export interface AssemblyConvened {
  readonly type: 'AssemblyConvened';
  readonly data: {
    readonly assemblyId: string;
    readonly kind: AssemblyKind;
    readonly title: string;
    readonly heldOn: string;
    readonly call: AssemblyCall;
    /** Postal votes received after this day are refused. */
    readonly postalDeadline: string;
    /** Named proxies one present member may hold. */
    readonly proxyCap: number;
    /** Share of the members to count; null: no quorum (ordinary AG on second call). */
    readonly quorum: Fraction | null;
    readonly majority: Majority;
    /** Members holding at least one share at the end of this day have a vote. */
    readonly listOn: string;
    readonly convenedOn: string;
    readonly members: readonly VotingMember[];
  };
}

/** One item of the agenda: its title, put to the vote as the resolution of that id. */
export interface AgendaItem {
  readonly resolutionId: string;
  readonly title: string;
}

/**
 * What the convocation tells the members besides the day: the meeting's time (Paris, 'HH:MM')
 * and place, and the agenda in order. Recorded right after AssemblyConvened by every convening
 * since the notice periods are enforced (earlier assemblies have none); each agenda item's
 * resolution text follows as a ResolutionAdded of the same resolutionId.
 */
export interface AssemblyConvocationDetailed {
  readonly type: 'AssemblyConvocationDetailed';
  readonly data: {
    readonly assemblyId: string;
    readonly startsAt: string;
    readonly place: string;
    readonly agenda: readonly AgendaItem[];
  };
}

export interface ResolutionAdded {
  readonly type: 'ResolutionAdded';
  readonly data: {
    readonly assemblyId: string;
    readonly resolutionId: string;
    readonly number: number;
    readonly text: string;
    /** Presented or approved by the board: blank proxies vote for it, otherwise against. */
    readonly byBoard: boolean;
  };
}

/** The member signed the attendance sheet. */
export interface MemberMarkedPresent {
  readonly type: 'MemberMarkedPresent';
  readonly data: { readonly assemblyId: string; readonly tiersId: string; readonly on: string };
}

/** Represented by a present member (holderId), or a blank proxy (null) for the board. */
export interface ProxyRecorded {
  readonly type: 'ProxyRecorded';
  readonly data: {
    readonly assemblyId: string;
    readonly tiersId: string;
    readonly holderId: string | null;
    readonly on: string;
  };
}

/** A postal vote form received by the deadline; a resolution it does not mention is an abstention. */
export interface PostalVoteRecorded {
  readonly type: 'PostalVoteRecorded';
  readonly data: {
    readonly assemblyId: string;
    readonly tiersId: string;
    readonly receivedOn: string;
    readonly choices: readonly { readonly resolutionId: string; readonly choice: VoteChoice }[];
  };
}

/** A recording undone (a clerk's mistake): the member is no longer counted. */
export interface AttendanceWithdrawn {
  readonly type: 'AttendanceWithdrawn';
  readonly data: { readonly assemblyId: string; readonly tiersId: string; readonly on: string };
}

/**
 * A resolution put to the vote. The counts are frozen here: who arrives or leaves later does
 * not change a vote already taken. `room` is what the clerk counted in the room (present
 * members and the proxies they hold); blank proxies and postal votes are added by the rules.
 */
export interface ResolutionVoted {
  readonly type: 'ResolutionVoted';
  readonly data: {
    readonly assemblyId: string;
    readonly resolutionId: string;
    readonly on: string;
    readonly room: VoteCounts;
    readonly blankProxies: VoteCounts;
    readonly postal: VoteCounts;
    readonly total: VoteCounts;
    /** Members counted at the vote (present + represented + postal) = total for + against + abstain. */
    readonly voters: number;
    readonly adopted: boolean;
  };
}

export interface AssemblyClosed {
  readonly type: 'AssemblyClosed';
  readonly data: {
    readonly assemblyId: string;
    readonly closedOn: string;
    readonly members: number;
    readonly counted: number;
    readonly quorumReached: boolean;
  };
}

export type AssemblyEvent =
  | AssemblyConvened
  | AssemblyConvocationDetailed
  | ResolutionAdded
  | MemberMarkedPresent
  | ProxyRecorded
  | PostalVoteRecorded
  | AttendanceWithdrawn
  | ResolutionVoted
  | AssemblyClosed;

export const assemblyEventTypes: readonly AssemblyEvent['type'][] = [
  'AssemblyConvened',
  'AssemblyConvocationDetailed',
  'ResolutionAdded',
  'MemberMarkedPresent',
  'ProxyRecorded',
  'PostalVoteRecorded',
  'AttendanceWithdrawn',
  'ResolutionVoted',
  'AssemblyClosed',
];

export function isAssemblyEvent(e: { type: string }): e is AssemblyEvent {
  return (assemblyEventTypes as readonly string[]).includes(e.type);
}

export const assemblyStream = (assemblyId: string) => `assembly-${assemblyId}`;
