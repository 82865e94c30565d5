import { isFtpEvent, type FtpEvent } from '../../../domain/hosting/ftp-events.js';
import type { Queryable } from '../../kernel/database/db.js';
import type { RecordedEvent } from '../../kernel/event-store/event-store.js';
import type { JobRequest } from '../../kernel/jobs/job-queue.js';
import type { JobFollowers } from '../../lifecycle/job-followers.js';
import { hostingFileJob } from '../hosting-file-jobs.js';

/**
 * A supplementary FTP account's folder is created as the hosting's uid (`ftp.mkdir`, HOSTING.md
 * "Provisioning jobs") when the account is created or moved to another folder: pure-ftpd
 * refuses a login whose folder does not exist. A web space's account needs none (its site's
 * `vhost.mkdir` makes the folder), the master account's folder is the hosting's root.
 */
export async function ftpJobs(q: Queryable, event: RecordedEvent): Promise<JobRequest[]> {
  const e = { type: event.type, data: event.data } as FtpEvent;
  const folder =
    (e.type === 'FtpAccountCreated' && e.data.kind === 'supplementary') ||
    e.type === 'FtpRootChanged'
      ? e.data
      : null;
  if (folder === null || folder.path === '') return [];
  return hostingFileJob(q, {
    eventPosition: event.position,
    kind: 'ftp.mkdir',
    targetId: folder.login,
    hostingId: folder.hostingId,
    path: folder.path,
  });
}

export const followFtpJobs = (followers: JobFollowers): void => {
  followers.follow('ftp-jobs', isFtpEvent, ftpJobs);
};
