import { Controller, Get, Inject, Param, Query, Render } from '@nestjs/common';
import { BillingQueries } from '../billing/billing-queries.js';
import { OverageQueries } from '../overage/overage-page.queries.js';
import { MoneticoService } from '../monetico/monetico.service.js';
import { noticeText } from './member-notice.js';
import { Member, SignedIn } from '../auth/access.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/request-auth.js';
import { CooperatorHome } from './cooperator-home.js';

/** What a cooperator sees: their home, and each account's invoices and payments. */
@Controller()
export class CooperatorController {
  constructor(
    @Inject(BillingQueries) private readonly queries: BillingQueries,
    @Inject(OverageQueries) private readonly overage: OverageQueries,
    @Inject(MoneticoService) private readonly monetico: MoneticoService,
    @Inject(CooperatorHome) private readonly homes: CooperatorHome,
  ) {}

  /** The cooperator's home: their hostings, what is due, and the way to their pages. */
  @SignedIn()
  @Get('/mon-compte')
  @Render('my-accounts')
  async home(@CurrentUser() user: AuthUser) {
    return { title: 'Mon compte', ...(await this.homeData(user)) };
  }

  @SignedIn()
  @Get('/api/mon-compte/accueil')
  async homeData(@CurrentUser() user: AuthUser) {
    return {
      cardPayment: this.monetico.enabled,
      accounts: await this.homes.of(user.customerIds),
    };
  }

  @Member({ customer: 'customerId' })
  @Get('/adherents/:customerId')
  @Render('cooperator')
  async page(@Param('customerId') customerId: string, @Query() query: Record<string, unknown>) {
    const data = await this.customer(customerId);
    const notice = noticeText(query);
    const cardPayment = this.monetico.enabled;
    return { title: `Mes factures — ${data.customer.name}`, notice, cardPayment, ...data };
  }

  @Member({ customer: 'customerId' })
  @Get('/api/adherents/:customerId')
  data(@Param('customerId') customerId: string) {
    return this.customer(customerId);
  }

  /** The account's page data, with its overage (which resource, how much, since when, the cost). */
  private async customer(customerId: string) {
    const data = await this.queries.customerPage(customerId);
    return { ...data, overage: await this.overage.ofCustomer(customerId) };
  }

  @Member({ invoice: 'invoiceId' })
  @Get('/api/factures/:invoiceId')
  invoice(@Param('invoiceId') invoiceId: string) {
    return this.queries.invoice(invoiceId);
  }
}
