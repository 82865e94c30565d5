import { Controller, Get, Inject, Query, Render } from '@nestjs/common';
import { BillingQueries } from '../billing/billing-queries.js';

@Controller()
export class TreasurerController {
  constructor(@Inject(BillingQueries) private readonly queries: BillingQueries) {}

  @Get('/tresorerie/repartition')
  @Render('allocation')
  async page(@Query('exercice') fiscalYear?: string) {
    const data = await this.queries.allocation(fiscalYear);
    return { title: `Répartition N-1 / N / N+1 — exercice ${data.fiscalYear}`, ...data };
  }

  @Get('/api/tresorerie/repartition')
  data(@Query('exercice') fiscalYear?: string) {
    return this.queries.allocation(fiscalYear);
  }
}
