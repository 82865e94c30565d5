import type { Clock } from '../kernel/clock.js';
import type { Db, Queryable } from '../kernel/database/db.js';
import type { RecordedEvent } from '../kernel/event-store/event-store.js';
import { queueJob, type JobRequest } from '../kernel/jobs/job-queue.js';
import { LogFollower } from './log-follower.js';

/**
 * The log followers that queue jobs (docs/hosting-jobs.md, "Queueing a job"): a module reacts
 * to its own events with the jobs they need, e.g.
 *
 *   jobFollowers.follow('vhost-jobs', isVhostEvent, async (q, e) =>
 *     e.type === 'VhostCreated' ? [{ eventPosition: e.position, kind: 'vhost.mkdir', … }] : []);
 *
 * Each follower has its own checkpoint; its jobs are queued in one transaction, keyed by the
 * event's position and the kind, so a restart after a crash queues nothing twice. The
 * after-commit workers wake them all, then run the queue.
 */
export class JobFollowers {
  private readonly followers: LogFollower[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  follow(
    name: string,
    relevant: (event: RecordedEvent) => boolean,
    jobsOf: (q: Queryable, event: RecordedEvent) => Promise<readonly JobRequest[]>,
  ): LogFollower {
    const follower = new LogFollower(this.db, name, relevant, (event) =>
      this.db.transaction(async (tx) => {
        for (const job of await jobsOf(tx, event)) await queueJob(tx, job, this.clock.now());
      }),
    );
    this.add(follower);
    return follower;
  }

  /** A follower that queues its jobs itself (the account hooks). */
  add(follower: LogFollower): void {
    if (this.followers.some((f) => f.name === follower.name))
      throw new Error(`Job follower ${follower.name} is already registered`);
    this.followers.push(follower);
  }

  all(): readonly LogFollower[] {
    return this.followers;
  }
}
