import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Render,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Cgi2Body } from './cgi2-body.js';
import { CGI2_PATH } from './cgi2-body.js';
import { MoneticoService } from './monetico.service.js';
import { Member, Public, Staff } from '../auth/access.decorators.js';
import { isStaff } from '../auth/auth-user.js';
import { authOf } from '../auth/request-auth.js';
import { pager, requestedPage } from '../panel/pagination.js';

/** Card payment pages, the bank's CGI2 callback and the treasurer's anomalies. Thin: see MoneticoService. */
@Controller()
export class MoneticoController {
  constructor(@Inject(MoneticoService) private readonly monetico: MoneticoService) {}

  /**
   * "Payer par carte": what is due and a button. Only its POST draws a payment reference (a
   * GET, a reload or a prefetch writes nothing).
   */
  @Member({ customer: 'customerId', invoice: 'invoiceId' })
  @Get('/adherents/:customerId/factures/:invoiceId/carte')
  @Render('card-confirm')
  async confirm(@Param('customerId') customerId: string, @Param('invoiceId') invoiceId: string) {
    const quote = await this.monetico.quote(customerId, invoiceId);
    return { title: `Paiement par carte — facture ${quote.invoiceNumber}`, ...quote };
  }

  /** The sealed form, posted to the bank by the page itself. */
  @Member({ customer: 'customerId', invoice: 'invoiceId' })
  @Post('/adherents/:customerId/factures/:invoiceId/carte')
  @HttpCode(200)
  @Render('card-payment')
  async form(
    @Param('customerId') customerId: string,
    @Param('invoiceId') invoiceId: string,
    @Req() req: Request,
  ) {
    // Return URLs on the address the browser used (unless MONETICO_PUBLIC_URL says otherwise).
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const form = await this.monetico.requestForm(customerId, invoiceId, origin);
    return { title: `Paiement par carte — facture ${form.invoiceNumber}`, ...form };
  }

  /** CGI2: public, no session, no CSRF; authenticated by the MAC. Always text/plain. */
  @Public({ csrf: false })
  @Post(CGI2_PATH)
  @HttpCode(200)
  async cgi2(
    @Body() body: Cgi2Body | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // The address the limits of forged notifications count on (TRUST_PROXY behind a proxy).
    const address = req.ip ?? '';
    const answer =
      body?.kind === 'cgi2'
        ? await this.monetico.notify(body.raw, body.pairs, address)
        : await this.monetico.refuseUnreadable(
            body?.kind === 'cgi2-unreadable' ? body.reason : 'corps illisible',
            address,
          );
    res.status(200).type('text/plain').send(answer);
  }

  @Public()
  @Get('/paiement-carte/ok')
  @Render('card-return')
  async ok(@Query('reference') reference: unknown, @Req() req: Request) {
    return this.returnPage(reference, true, req);
  }

  @Public()
  @Get('/paiement-carte/erreur')
  @Render('card-return')
  async err(@Query('reference') reference: unknown, @Req() req: Request) {
    return this.returnPage(reference, false, req);
  }

  private async returnPage(reference: unknown, accepted: boolean, req: Request) {
    const r = await this.monetico.returnOf(typeof reference === 'string' ? reference : '');
    // The reference travels in the URL: only its member (or staff) sees which invoice and amount.
    const user = authOf(req)?.user ?? null;
    const mine =
      r !== null && user !== null && (isStaff(user) || user.customerIds.includes(r.customerId));
    return {
      title:
        user === null
          ? 'Retour du paiement par carte'
          : accepted
            ? 'Paiement par carte accepté'
            : 'Paiement par carte non abouti',
      accepted,
      known: mine,
      signedIn: user !== null,
      ...(mine ? r : {}),
    };
  }

  @Staff()
  @Get('/tresorerie/anomalies-cb')
  @Render('card-anomalies')
  async anomaliesPage(@Query() query: Record<string, unknown>) {
    return {
      title: 'Anomalies des paiements par carte',
      ...this.monetico.forgedLimits,
      ...(await this.anomalyPages(query)),
    };
  }

  /** The same pages as JSON (`page`, `page_falsifiees`). */
  @Staff()
  @Get('/api/tresorerie/anomalies-cb')
  async anomalies(@Query() query: Record<string, unknown>) {
    return this.anomalyPages(query);
  }

  /**
   * Sealed anomalies and forged notifications, each paged on its own: however many forged
   * ones come, the sealed ones keep their first page.
   */
  private async anomalyPages(query: Record<string, unknown>) {
    const page = requestedPage(query.page);
    const forgedPage = requestedPage(query.page_falsifiees);
    const [total, forgedTotal] = await Promise.all([
      this.monetico.anomalyCount(),
      this.monetico.forgedCount(),
    ]);
    // Each list's links keep the other list's page.
    const href = (pages: Record<'page' | 'page_falsifiees', number>) => {
      const q = new URLSearchParams();
      for (const [name, n] of Object.entries(pages)) if (n > 1) q.set(name, String(n));
      const search = q.toString();
      return `/tresorerie/anomalies-cb${search ? `?${search}` : ''}`;
    };
    const paging = pager(page, total, (to) => href({ page: to, page_falsifiees: forgedPage }));
    const forgedPaging = pager(forgedPage, forgedTotal, (to) =>
      href({ page, page_falsifiees: to }),
    );
    const [anomalies, forged] = await Promise.all([
      this.monetico.anomalies({ offset: paging.offset, limit: paging.pageSize }),
      this.monetico.forged({ offset: forgedPaging.offset, limit: forgedPaging.pageSize }),
    ]);
    return { anomalies, pager: paging, forged, forgedPager: forgedPaging };
  }
}
