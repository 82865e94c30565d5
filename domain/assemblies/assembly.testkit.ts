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

/** The convening of an assembly on 2026-05-20 for AG_DAY (postal deadline 2026-06-09). */
export function convening(
  members: readonly VotingMember[],
  input: Partial<ConveneAssembly> = {},
  rules: AssemblyRules = defaultAssemblyRules,
): AssemblyConvened {
  const today = '2026-05-20';
  const convocation = parseConvocation(
    { kind: 'ordinary', heldOn: AG_DAY, call: 1, ...input },
    today,
  );
  return decideConveneAssembly(convocation, members, { assemblyId: 'ag-1', today, rules });
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
    this.record(() => convening(...args));
  }

  record<E extends AssemblyEvent>(decide: (s: AssemblyState) => E): E {
    const event = decide(this.state);
    this.events.push(event);
    this.state = evolveAssembly(this.state, event);
    return event;
  }

  /** The DomainError a decision throws (failing if it does not). */
  refused(decide: (s: AssemblyState) => AssemblyEvent): DomainError {
    try {
      decide(this.state);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected the recording to be refused');
  }
}
