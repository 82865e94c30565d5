import type { JobEvent } from './events.js';

/** What a cooperator is told about a target's jobs. */
export type JobProgress = 'en cours' | 'fait' | 'échec';

/** Per target: each job's last recorded outcome (by key). */
export interface JobOutcomesState {
  readonly outcomes: ReadonlyMap<string, 'succeeded' | 'failed'>;
}

export const initialJobOutcomesState: JobOutcomesState = { outcomes: new Map() };

export function evolveJobOutcomes(state: JobOutcomesState, event: JobEvent): JobOutcomesState {
  const outcomes = new Map(state.outcomes);
  switch (event.type) {
    case 'JobSucceeded':
      outcomes.set(event.data.jobKey, 'succeeded');
      break;
    case 'JobFailed':
      outcomes.set(event.data.jobKey, 'failed');
      break;
  }
  return { outcomes };
}

export interface RecordJobOutcome {
  readonly jobKey: string;
  readonly kind: string;
  readonly targetKind: string;
  readonly targetId: string;
  readonly attempts: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly message: string;
}

/**
 * Records a job's end. The same outcome twice records nothing (a worker that lost its lease
 * after the script ran); a failure then a success (relancer) records both.
 */
export function decideRecordJobOutcome(
  state: JobOutcomesState,
  command: RecordJobOutcome,
): readonly JobEvent[] {
  if (state.outcomes.get(command.jobKey) === command.outcome) return [];
  const data = {
    jobKey: command.jobKey,
    kind: command.kind,
    targetKind: command.targetKind,
    targetId: command.targetId,
    attempts: command.attempts,
    message: command.message.slice(0, 500),
  };
  return [
    command.outcome === 'succeeded' ? { type: 'JobSucceeded', data } : { type: 'JobFailed', data },
  ];
}

/**
 * The cooperator's word for a target's jobs, from the queue's statuses (oldest first): échec
 * while one has failed, en cours while one waits or runs, fait once all are done (null: none).
 */
export function jobProgress(statuses: readonly string[]): JobProgress | null {
  // Skipped (no script configured), cancelled and superseded jobs tell the cooperator nothing.
  const relevant = statuses.filter(
    (s) => s !== 'cancelled' && s !== 'superseded' && s !== 'skipped',
  );
  if (relevant.length === 0) return null;
  if (relevant.includes('failed')) return 'échec';
  if (relevant.some((s) => s === 'pending' || s === 'running')) return 'en cours';
  return 'fait';
}
