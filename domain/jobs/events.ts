/**
 * Outcomes of provisioning jobs (docs/hosting-jobs.md). Released shapes never change: add a new
 * type instead. One stream per target (`jobs-<target kind>-<target id>`), so the object's page
 * reads "en cours / fait / échec" from its own outcomes; the queue itself (g2_jobs) is not in
 * the log: a job is queued by a follower reacting to an event that is.
 */

export const jobStream = (targetKind: string, targetId: string): string =>
  `jobs-${targetKind}-${targetId}`;

interface JobOutcomeData {
  readonly jobKey: string;
  readonly kind: string;
  readonly targetKind: string;
  readonly targetId: string;
  readonly attempts: number;
  /** The script's last message (JSON line), in its words. */
  readonly message: string;
}

/** The job's script reported the target state holds. */
export interface JobSucceeded {
  readonly type: 'JobSucceeded';
  readonly data: JobOutcomeData;
}

/** The job gave up after its last attempt (an admin may run it again: "relancer"). */
export interface JobFailed {
  readonly type: 'JobFailed';
  readonly data: JobOutcomeData;
}

export type JobEvent = JobSucceeded | JobFailed;

export const JOB_EVENT_TYPES: readonly JobEvent['type'][] = ['JobSucceeded', 'JobFailed'];

export function isJobEvent(event: { type: string }): event is JobEvent {
  return (JOB_EVENT_TYPES as readonly string[]).includes(event.type);
}
