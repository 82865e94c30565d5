import { Controller, Get, Inject, Query, Render } from '@nestjs/common';
import { DomainError } from '../../../domain/shared/errors.js';
import { AdminOnly } from '../../auth/access.decorators.js';
import { Clock } from '../../kernel/clock.js';
import { requestedSort, sortHeaders } from '../../panel/sorting.js';
import {
  OVER_USER_COLUMNS,
  OVER_USER_DEFAULT_SORT,
  OVER_USER_PERIODS,
  OverUsersQueries,
  type OverUserColumn,
  type OverUserPeriod,
} from './over-users.queries.js';

const LABELS: Readonly<Record<OverUserColumn, string>> = {
  taux: 'Taux maximal',
  volume: 'Volume au-delà du quota',
  jours: 'Jours à 90 % ou plus',
  adresse: 'Boîte',
  hebergement: 'Hébergement',
};

function periodOf(value: unknown): OverUserPeriod {
  if (value === undefined || value === '') return 7;
  const found = OVER_USER_PERIODS.find((p) => String(p) === value);
  if (found === undefined)
    throw new DomainError('invalid_input', 'Période inconnue (7 ou 30 jours).', 'periode');
  return found;
}

/**
 * "Top des dépassements" (issue 19, for admins): the boxes at 90 % of their quota or more over
 * 7 or 30 days, by ratio and volume over, with the member's contact details and the sentinel's
 * alerts, so an admin can call or write by hand.
 */
@AdminOnly()
@Controller()
export class OverUsersController {
  constructor(
    @Inject(OverUsersQueries) private readonly queries: OverUsersQueries,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('/api/courrier/depassements')
  async data(@Query() query: Record<string, unknown>) {
    const period = periodOf(query.periode);
    const sort = requestedSort(query, OVER_USER_COLUMNS, OVER_USER_DEFAULT_SORT);
    const ranking = await this.queries.ranking(this.clock.today(), period, sort);
    return { period, sort, ...ranking };
  }

  @Get('/admin/courrier/depassements')
  @Render('mail-over-users')
  async page(@Query() query: Record<string, unknown>) {
    const data = await this.data(query);
    return {
      title: 'Top des dépassements',
      ...data,
      periods: OVER_USER_PERIODS.map((p) => ({
        days: p,
        current: p === data.period,
        href: `/admin/courrier/depassements?periode=${p}&tri=${data.sort.column}&ordre=${data.sort.order}`,
      })),
      headers: sortHeaders(
        '/admin/courrier/depassements',
        { periode: String(data.period) },
        LABELS,
        data.sort,
      ),
    };
  }
}
