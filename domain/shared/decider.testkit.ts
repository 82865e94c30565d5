/**
 * Given/when/then for decider specs (docs/architecture.md, "Deciders"): given past events,
 * when a command is decided, then these events, or this refusal.
 *
 *   const spec = deciderSpec({ initial, evolve: evolveMatches, decide: decideUndoMatch });
 *   spec.given(matched).when({ lineId: 'l1' }, ctx).then([unmatched]);
 *   spec.given().when({ lineId: 'l9' }, ctx).thenThrows('not_found');
 *
 * A decider not yet in the convention's shape is adapted with a lambda as `decide`.
 */
import { expect } from '@jest/globals';
import { DomainError, type ErrorCode } from './errors.js';

export interface Decider<S, C, X, E> {
  readonly initial: S;
  readonly evolve: (state: S, event: E) => S;
  /** A single event counts as a list of one. */
  readonly decide: (state: S, command: C, context: X) => NoInfer<E> | readonly NoInfer<E>[];
}

export interface Decided<S, E> {
  /** Asserts the decided events, in order. */
  then(expected: readonly E[]): Decided<S, E>;
  /** Asserts a refusal: a DomainError with this code (and field, when given). */
  thenThrows(code: ErrorCode, field?: string): DomainError;
  /** The decided events, for assertions beyond equality. */
  readonly events: () => readonly E[];
  /** The state after the given and the decided events (to chain a next step). */
  readonly state: () => S;
}

export interface Given<S, C, X, E> {
  /** The state the given events lead to. */
  readonly state: S;
  when(command: C, context: X): Decided<S, E>;
}

export function deciderSpec<S, C, X, E>(decider: Decider<S, C, X, E>) {
  const fold = (events: readonly E[], from: S) => events.reduce(decider.evolve, from);
  return {
    given(...history: readonly E[]): Given<S, C, X, E> {
      const state = fold(history, decider.initial);
      return {
        state,
        when(command: C, context: X): Decided<S, E> {
          const run = (): readonly E[] => {
            const out = decider.decide(state, command, context);
            return Array.isArray(out) ? (out as readonly E[]) : [out as E];
          };
          const decided: Decided<S, E> = {
            then(expected) {
              expect(run()).toEqual(expected);
              return decided;
            },
            thenThrows(code, field) {
              let thrown: unknown = null;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              const refusal = thrown as DomainError;
              expect({ code: refusal.code, field: refusal.field }).toEqual({
                code,
                field: field ?? refusal.field,
              });
              return refusal;
            },
            events: run,
            state: () => fold(run(), state),
          };
          return decided;
        },
      };
    },
  };
}
