import { Inject, Injectable } from '@nestjs/common';
import { conflictsOfHosting } from '../../legacy-sync/legacy-hosting-mirror.js';
import type { LegacyHosting } from '../../legacy-sync/legacy-hosting-inventory.js';
import type { AuthUser } from '../auth/auth-user.js';
import { Db } from '../kernel/database/db.js';
import { HostingAccess } from './hosting-access.js';
import { HostingSections } from './hosting-sections.js';

const STATE_TEXT = { actif: 'actif', suspendu: 'suspendu', ferme: 'fermé' } as const;

export const hostingSummary = (h: LegacyHosting) => ({
  hostingId: h.hostingId,
  name: h.name,
  state: h.state,
  stateText: STATE_TEXT[h.state] ?? h.state,
  server: h.server,
});

/** What the hosting pages show: the user's hostings, and one hosting with its sections. */
@Injectable()
export class HostingPages {
  constructor(
    @Inject(HostingAccess) private readonly access: HostingAccess,
    @Inject(HostingSections) private readonly sections: HostingSections,
    @Inject(Db) private readonly db: Db,
  ) {}

  /** The hosting if the user may manage it (HostingAccess). */
  manageable(user: AuthUser, id: string): Promise<LegacyHosting> {
    return this.access.manageable(user, id);
  }

  async list(user: AuthUser) {
    return { hostings: (await this.access.mine(user)).map(hostingSummary) };
  }

  async hosting(user: AuthUser, id: string) {
    const hosting = await this.access.manageable(user, id);
    const conflicts = await this.db.run((q) => conflictsOfHosting(q, hosting.hostingId));
    return {
      hosting: hostingSummary(hosting),
      conflicts: conflicts.map((c) => ({
        kind: c.kind,
        name: c.name,
        detail: c.detail,
        recordedAt: c.recordedAt,
      })),
      sections: await this.sections.read(hosting, user),
    };
  }
}
