import { Controller, Get, Inject, Param, Query, Render } from '@nestjs/common';
import { BillingQueries } from '../billing/billing-queries.js';
import { OverageQueries } from '../overage/overage-page.queries.js';
import { MoneticoService } from '../monetico/monetico.service.js';
import { noticeText } from './member-notice.js';
import { Member } from '../auth/access.decorators.js';

/** What a cooperator sees of their account. (Sign-in and access control come with the accounts issue.) */
@Controller()
export class CooperatorController {
  constructor(
    @Inject(BillingQueries) private readonly queries: BillingQueries,
    @Inject(OverageQueries) private readonly overage: OverageQueries,
    @Inject(MoneticoService) private readonly monetico: MoneticoService,
  ) {}

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
