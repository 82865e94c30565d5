import { Controller, Get, Inject, Param, Render } from '@nestjs/common';
import { Member } from '../../auth/access.decorators.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/request-auth.js';
import { HostingAccess } from '../hosting-access.js';
import { hostingSummary } from '../hosting-pages.service.js';
import { mailUsageChartSvg } from './mail-usage-chart.js';
import { mailUsageDisplay, MailUsagePages } from './mail-usage.pages.js';

/**
 * A hosting's mail accounting (issue 19): per box, per domain and in total against the boxes'
 * quotas; the hosting's disk against its plan and options; the estimated monthly cost of the
 * current overage at the overage run's prices; the daily history and a chart over 12 months.
 * Its cooperator, or staff for any hosting.
 */
@Controller()
export class MailUsageController {
  constructor(
    @Inject(HostingAccess) private readonly access: HostingAccess,
    @Inject(MailUsagePages) private readonly pages: MailUsagePages,
  ) {}

  @Member({ hosting: 'id' })
  @Get('/hebergements/:id/courrier/consommation')
  @Render('mail-usage')
  async page(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const hosting = await this.access.manageable(user, id);
    const view = await this.pages.view(hosting);
    const a = view.accounting;
    return {
      title: `Consommation du courrier — ${hosting.name}`,
      hosting: hostingSummary(hosting),
      on: view.on,
      readingOn: view.allowance.readingOn,
      mailboxes: a.mailboxes,
      estimate: a.estimate,
      includedMailboxes: view.allowance.mailboxes,
      ...mailUsageDisplay(view),
      chart: mailUsageChartSvg(view.history, view.on),
    };
  }

  @Member({ hosting: 'id' })
  @Get('/api/hebergements/:id/courrier/consommation')
  async data(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const hosting = await this.access.manageable(user, id);
    const view = await this.pages.view(hosting);
    return {
      hosting: hostingSummary(hosting),
      on: view.on,
      ...view.accounting,
      allowance: view.allowance,
      history: view.history,
    };
  }
}
