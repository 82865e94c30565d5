import { Inject, Injectable } from '@nestjs/common';
import type { VhostSite } from '../../../domain/hosting/vhost-inventory.js';
import { domainsOfHosting } from '../../../legacy-sync/legacy-hosting-inventory.js';
import { readHostingVhosts } from '../../../legacy-sync/legacy-vhosts.js';
import { Db } from '../../kernel/database/db.js';

/** What the web-space pages read: Gloux's rows of one hosting (controllers never touch Db). */
@Injectable()
export class VhostPages {
  constructor(@Inject(Db) private readonly db: Db) {}

  sites(hostingId: number): Promise<VhostSite[]> {
    return this.db.run((q) => readHostingVhosts(q, hostingId));
  }

  async domainNames(hostingId: number): Promise<string[]> {
    return (await this.db.run((q) => domainsOfHosting(q, hostingId))).map((d) => d.domain);
  }
}
