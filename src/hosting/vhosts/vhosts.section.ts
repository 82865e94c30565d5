import { PHP_LABELS } from '../../../domain/hosting/vhosts.js';
import type { LegacyHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { readHostingVhosts } from '../../../legacy-sync/legacy-vhosts.js';
import type { Db } from '../../kernel/database/db.js';
import type { JobQueue } from '../../kernel/jobs/job-queue.js';
import { unicodeOf } from '../hosting-domains.section.js';
import type { HostingSection } from '../hosting-sections.js';

/**
 * The hosting page's web spaces: Gloux's `vhosts` rows of the hosting (what Apache serves once
 * Gloux's cron has regenerated them), each with the state of its folder's job.
 */
export function vhostsSection(db: Db, jobs: JobQueue): HostingSection {
  return {
    key: 'vhosts',
    order: 20,
    title: 'Sites web',
    partial: 'hosting_vhosts',
    read: async (hosting: LegacyHosting) => {
      const sites = await db.run((q) => readHostingVhosts(q, hosting.hostingId));
      const out = [];
      for (const s of sites)
        out.push({
          host: s.host,
          display: unicodeOf(s.host),
          folder: s.folder,
          aliases: s.aliases.map(unicodeOf),
          php: PHP_LABELS[s.php],
          ssl: s.ssl,
          redirection: s.redirection,
          enabled: s.enabled,
          progress: await jobs.progressOf('vhost', s.host),
        });
      return { sites: out };
    },
  };
}
