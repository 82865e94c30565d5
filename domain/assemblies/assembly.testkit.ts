/** Shared by the assembly specs: a convened assembly of n numbered members, and a recorder. */
import {
  decideConveneAssembly,
  evolveAssembly,
  initialAssemblyState,
  parseConvocation,
  type AssemblyState,
  type ConveneAssembly,
} from './assembly.js';
import type { AssemblyConvened, AssemblyEvent, VotingMember } from './events.js';
import { defaultAssemblyRules, type AssemblyRules } from './rules.js';
import { DomainError } from '../shared/errors.js';

/** Member i (1-based): tiers id "i", named so that the list's order is the numeric one. */
export function numberedMembers(n: number): VotingMember[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return {
      tiersId: String(i),
      name: `Sociétaire ${String(i).padStart(4, '0')}`,
      address: `${i} rue de la Coopération\n75011 Paris`,
      // Shares do not weigh on votes: give members different holdings to show it.
      shares: 1 + (i % 7),
      numbers: String(10_000 + i),
    };
  });
}

export const AG_DAY = '2026-06-12';

/** The time and place every convocation states. */
export const CONVOCATION_DETAILS = { startsAt: '18:30', place: 'Salle des fêtes, Paris' };

/** The convening of an assembly on 2026-05-20 for AG_DAY (postal deadline 2026-06-09). */
export function convening(
  members: readonly VotingMember[],
  input: Partial<ConveneAssembly> = {},
  rules: AssemblyRules = defaultAssemblyRules,
): AssemblyConvened {
  const today = '2026-05-20';
  const convocation = parseConvocation(
    { kind: 'ordinary', heldOn: AG_DAY, call: 1, ...CONVOCATION_DETAILS, ...input },
    today,
    rules,
  );
  const [event] = decideConveneAssembly(initialAssemblyState('ag-1'), convocation, {
    today,
    rules,
    members,
  });
  return event!;
}

export function convened(...args: Parameters<typeof convening>): AssemblyState {
  return evolveAssembly(initialAssemblyState('ag-1'), convening(...args));
}

/** Holds an assembly's state and history; `record` applies a decision, `refused` expects a refusal. */
export class AssemblyRecorder {
  readonly events: AssemblyEvent[] = [];
  state: AssemblyState = initialAssemblyState('ag-1');

  /** Starts from the convening (kept in `events`, so the history replays). */
  constructor(...args: Parameters<typeof convening>) {
    this.record(() => [convening(...args)]);
  }

  /** Applies a decision of one event (every assembly decider decides one) and returns it. */
  record<E extends AssemblyEvent>(decide: (s: AssemblyState) => readonly E[]): E {
    const events = decide(this.state);
    if (events.length !== 1) throw new Error(`expected one event, got ${events.length}`);
    this.events.push(...events);
    this.state = events.reduce(evolveAssembly, this.state);
    return events[0]!;
  }

  /** The DomainError a decision throws (failing if it does not). */
  refused(decide: (s: AssemblyState) => readonly AssemblyEvent[]): DomainError {
    try {
      decide(this.state);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected the recording to be refused');
  }
}
