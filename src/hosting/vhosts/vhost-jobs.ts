import { Logger } from '@nestjs/common';
import { isVhostEvent, type VhostEvent } from '../../../domain/hosting/vhost-events.js';
import { hostingById } from '../../../legacy-sync/legacy-hosting-inventory.js';
import type { Queryable } from '../../kernel/database/db.js';
import type { RecordedEvent } from '../../kernel/event-store/event-store.js';
import type { JobRequest } from '../../kernel/jobs/job-queue.js';
import type { JobFollowers } from '../../lifecycle/job-followers.js';

const logger = new Logger('VhostJobs');

/**
 * The work a web space needs outside MySQL (docs/hosting-jobs.md): its folder created when it
 * is created (`vhost.mkdir`), its files deleted when it is removed (`files.delete`), both as the
 * hosting's uid under `hebergements.repertoire`, in order per site. A site whose folder is the
 * hosting's root (`/`, Gloux's older sites) never has its files deleted: they are the whole
 * hosting's.
 */
export async function vhostJobs(q: Queryable, event: RecordedEvent): Promise<JobRequest[]> {
  const e = { type: event.type, data: event.data } as VhostEvent;
  if (e.type === 'VhostChanged') return [];
  const path = e.data.folder.replace(/^\/+/, '');
  if (path === '') return [];
  const hosting = await hostingById(q, String(e.data.hostingId));
  if (!hosting || !hosting.directory.startsWith('/') || hosting.uid < 1) {
    // Nothing to run the script on: said in the log, the site's row is already live.
    logger.warn(`No folder job for ${e.data.host}: hosting ${e.data.hostingId} has no root or uid`);
    return [];
  }
  return [
    {
      eventPosition: event.position,
      kind: e.type === 'VhostCreated' ? 'vhost.mkdir' : 'files.delete',
      targetId: e.data.host,
      server: hosting.server,
      payload: { hostingRoot: hosting.directory, path, uid: hosting.uid, gid: hosting.uid },
    },
  ];
}

export const followVhostJobs = (followers: JobFollowers): void => {
  followers.follow('vhost-jobs', isVhostEvent, vhostJobs);
};
