import { Logger } from '@nestjs/common';
import type { HostingJobKind } from '../../domain/jobs/job-kinds.js';
import { hostingById } from '../../legacy-sync/legacy-hosting-inventory.js';
import type { Queryable } from '../kernel/database/db.js';
import type { JobRequest } from '../kernel/jobs/job-queue.js';

const logger = new Logger('HostingFileJobs');

/**
 * A job on files below a hosting's root (`vhost.mkdir`, `files.delete`, `ftp.mkdir`), run as the
 * hosting's uid (gid = uid, as Gloux's own rows) under `hebergements.repertoire` on its server.
 * None when the hosting has no absolute root or uid: said in the log, the rows are live anyway.
 */
export async function hostingFileJob(
  q: Queryable,
  job: {
    readonly eventPosition: number;
    readonly kind: HostingJobKind;
    readonly targetId: string;
    readonly hostingId: number;
    /** Relative to the hosting's root, validated by the job kind before it is queued. */
    readonly path: string;
  },
): Promise<JobRequest[]> {
  const hosting = await hostingById(q, String(job.hostingId));
  if (!hosting || !hosting.directory.startsWith('/') || hosting.uid < 1) {
    logger.warn(`No ${job.kind} for ${job.targetId}: hosting ${job.hostingId} has no root or uid`);
    return [];
  }
  const { directory: hostingRoot, uid } = hosting;
  return [
    {
      eventPosition: job.eventPosition,
      kind: job.kind,
      targetId: job.targetId,
      server: hosting.server,
      payload: { hostingRoot, path: job.path, uid, gid: uid },
    },
  ];
}
