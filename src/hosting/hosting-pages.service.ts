import { Inject, Injectable } from '@nestjs/common';
import { conflictsOfHosting } from '../../legacy-sync/legacy-hosting-mirror.js';
import type { LegacyHosting } from '../../legacy-sync/legacy-hosting-inventory.js';
import {
  listHostings,
  type HostingListColumn,
  type HostingListRow,
} from '../../legacy-sync/legacy-hosting-list.js';
import { PAGE_SIZE, pageHref, pager, requestedPage } from '../panel/pagination.js';
import { requestedSort, sortHeaders, sortParams } from '../panel/sorting.js';
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

/** The staff list's sortable columns (?tri=), with their headers. */
const STAFF_LIST_LABELS: Readonly<Record<HostingListColumn, string>> = {
  hebergement: 'Hébergement',
  adherent: 'Titulaire',
  etat: 'État',
  serveur: 'Serveur',
  disque: 'Disque',
  boites: 'Boîtes mail',
};
const STAFF_LIST_COLUMNS = Object.keys(STAFF_LIST_LABELS) as HostingListColumn[];
const HOSTING_STATES = ['actif', 'suspendu', 'ferme'] as const;

const staffRow = (r: HostingListRow) => ({
  ...r,
  stateText: STATE_TEXT[r.state as keyof typeof STATE_TEXT] ?? r.state,
  // Over its quota or its included boxes: the row says so (figures are Gloux's daily ones).
  diskOver: r.diskQuotaMb > 0 && r.diskUsedMb > r.diskQuotaMb,
  boxesOver: r.mailboxes > r.mailboxAllowance,
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

  /**
   * Every hosting, for support and the treasurer (`/admin/hebergements`): searched, filtered
   * by state, sorted and paged in SQL (an unknown state or column is ignored).
   */
  async staffList(query: Record<string, unknown>, path: string) {
    const search = typeof query.q === 'string' ? query.q.slice(0, 100) : '';
    const state = HOSTING_STATES.find((s) => s === query.etat) ?? null;
    const sort = requestedSort(query, STAFF_LIST_COLUMNS, { column: 'hebergement', order: 'asc' });
    const page = requestedPage(query.page);
    const params = { q: search, etat: state, ...sortParams(sort) };
    const read = (offset: number, limit: number) =>
      this.db.run((q) => listHostings(q, { search, state, sort, offset, limit }));
    let list = await read((page - 1) * PAGE_SIZE, PAGE_SIZE);
    const paging = pager(page, list.total, pageHref(path, params));
    // A page past the end shows the last one.
    if (paging.page !== page) list = await read(paging.offset, paging.pageSize);
    return {
      search,
      state: state ?? '',
      hostings: list.rows.map(staffRow),
      pager: paging,
      headers: sortHeaders(path, { q: search, etat: state }, STAFF_LIST_LABELS, sort),
    };
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
