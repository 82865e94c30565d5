import { Inject, Injectable } from '@nestjs/common';
import type { Day } from '../../../domain/shared/day.js';
import {
  formatKb,
  formatPercent,
  NEAR_PERCENT,
  QUOTA_LEVEL_LABELS,
  rankOverUsers,
  windowStart,
  type OverUser,
  type QuotaLevel,
  type UsageRow,
} from '../../../domain/hosting/sentinel.js';
import { hostingContacts } from '../../../legacy-sync/legacy-mail-contacts.js';
import { Db } from '../../kernel/database/db.js';
import { sortRows, type Sort } from '../../panel/sorting.js';

/** The windows of the top over-users, in days. */
export const OVER_USER_PERIODS = [7, 30] as const;
export type OverUserPeriod = (typeof OVER_USER_PERIODS)[number];

/** The sortable columns (French names for ?tri=). */
export const OVER_USER_COLUMNS = ['taux', 'volume', 'jours', 'adresse', 'hebergement'] as const;
export type OverUserColumn = (typeof OVER_USER_COLUMNS)[number];
/** By default the highest ratio first (the domain's ranking). */
export const OVER_USER_DEFAULT_SORT: Sort<OverUserColumn> = { column: 'taux', order: 'desc' };

export interface OverUserView extends OverUser {
  readonly hostingName: string;
  readonly customerId: string;
  readonly memberName: string;
  readonly email: string;
  readonly phone: string;
  readonly peakPercentText: string;
  readonly peakOverText: string;
  readonly lastText: string;
  /** The sentinel's alerts for the box in the window, oldest first. */
  readonly alerts: readonly { day: Day; level: QuotaLevel; label: string }[];
}

/** The top over-users (admin page) and the admin home's count of full boxes. */
@Injectable()
export class OverUsersQueries {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The boxes that reached 90 % of their quota over the `period` days ending on `on`. */
  async ranking(
    on: Day,
    period: OverUserPeriod,
    sort: Sort<OverUserColumn>,
  ): Promise<{ from: Day; to: Day; boxes: OverUserView[] }> {
    const from = windowStart(on, period);
    return this.db.run(async (q) => {
      const rows = await q.query<{
        day: string;
        address: string;
        hosting_id: number | string;
        domain: string;
        used_kb: number | string;
        quota_mb: number | string;
      }>(
        `SELECT day, address, hosting_id, domain, used_kb, quota_mb FROM g2_mail_usage
          WHERE day BETWEEN ? AND ? AND address IN (
            SELECT u.address FROM g2_mail_usage u
             WHERE u.day BETWEEN ? AND ? AND u.quota_mb > 0 AND u.used_kb * 100 >= u.quota_mb * 1024 * ?)`,
        [from, on, from, on, NEAR_PERCENT],
      );
      const usage: UsageRow[] = rows.map((r) => ({
        day: r.day,
        address: r.address,
        hostingId: String(r.hosting_id),
        domain: r.domain,
        usedKb: Number(r.used_kb),
        quotaMb: Number(r.quota_mb),
      }));
      const ranked = rankOverUsers(usage);
      const contacts = await hostingContacts(
        q,
        ranked.map((r) => r.hostingId),
      );
      const alerts = await q.query<{ address: string; day: string; level: string }>(
        `SELECT address, day, level FROM g2_sentinel_alerts WHERE day BETWEEN ? AND ? ORDER BY day, id`,
        [from, on],
      );
      const boxes = ranked.map((r): OverUserView => {
        const c = contacts.get(r.hostingId);
        return {
          ...r,
          hostingName: c?.hostingName ?? `n° ${r.hostingId}`,
          customerId: c?.customerId ?? '',
          memberName: c?.name ?? '',
          email: c?.email ?? '',
          phone: c?.phone ?? '',
          peakPercentText: formatPercent(r.peakPercent),
          peakOverText: r.peakOverKb > 0 ? formatKb(r.peakOverKb) : '—',
          lastText: `${formatKb(r.last.usedKb)} / ${formatKb(r.last.quotaMb * 1024)}`,
          alerts: alerts
            .filter((a) => a.address === r.address)
            .map((a) => {
              const level: QuotaLevel = a.level === 'full' ? 'full' : 'near';
              return { day: a.day, level, label: QUOTA_LEVEL_LABELS[level] };
            }),
        };
      });
      return { from, to: on, boxes: sorted(boxes, sort) };
    });
  }

  /** How many boxes `ranking` lists: those at 90 % of their quota or more over the window. */
  async count(on: Day, period: OverUserPeriod): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(DISTINCT address) AS n FROM g2_mail_usage
        WHERE day BETWEEN ? AND ? AND quota_mb > 0 AND used_kb * 100 >= quota_mb * 1024 * ?`,
      [windowStart(on, period), on, NEAR_PERCENT],
    );
    return Number(row?.n ?? 0);
  }
}

function sorted(rows: readonly OverUserView[], sort: Sort<OverUserColumn>): OverUserView[] {
  const key = (r: OverUserView): string | number => {
    switch (sort.column) {
      case 'taux':
        return r.peakPercent;
      case 'volume':
        return r.peakOverKb;
      case 'jours':
        return r.daysNear;
      case 'adresse':
        return r.address;
      case 'hebergement':
        return r.hostingName;
    }
  };
  return sortRows(rows, key, sort.order, (r) => r.address);
}
