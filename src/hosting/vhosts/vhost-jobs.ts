import { isVhostEvent, type VhostEvent } from '../../../domain/hosting/vhost-events.js';
import type { Queryable } from '../../kernel/database/db.js';
import type { RecordedEvent } from '../../kernel/event-store/event-store.js';
import type { JobRequest } from '../../kernel/jobs/job-queue.js';
import type { JobFollowers } from '../../lifecycle/job-followers.js';
import { hostingFileJob } from '../hosting-file-jobs.js';

/**
 * The work a web space needs outside MySQL (docs/hosting-jobs.md): its folder created when it
 * is created (`vhost.mkdir`), its files deleted when it is removed (`files.delete`), in order per
 * site. A site whose folder is the hosting's root (`/`, Gloux's older sites) never has its files
 * deleted: they are the whole hosting's.
 */
export async function vhostJobs(q: Queryable, event: RecordedEvent): Promise<JobRequest[]> {
  const e = { type: event.type, data: event.data } as VhostEvent;
  if (e.type === 'VhostChanged') return [];
  const path = e.data.folder.replace(/^\/+/, '');
  if (path === '') return [];
  return hostingFileJob(q, {
    eventPosition: event.position,
    kind: e.type === 'VhostCreated' ? 'vhost.mkdir' : 'files.delete',
    targetId: e.data.host,
    hostingId: e.data.hostingId,
    path,
  });
}

export const followVhostJobs = (followers: JobFollowers): void => {
  followers.follow('vhost-jobs', isVhostEvent, vhostJobs);
};
