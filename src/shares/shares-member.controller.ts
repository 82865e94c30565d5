import { Controller, Get, Inject, Param, Query, Render, StreamableFile } from '@nestjs/common';
import { printableShareCertificate } from '../../domain/shares/share-documents.js';
import { SharesPages } from './shares-pages.service.js';
import { renderShareCertificatePdf } from './shares-pdf.js';
import { Member } from '../auth/access.decorators.js';

/**
 * What a cooperator sees of their shares, by the same id as /adherents/:id (their customer
 * account; the shares belong to its tiers). The certificate is dated ?jour= (default today).
 */
@Member({ customer: 'customerId' })
@Controller()
export class SharesMemberController {
  constructor(@Inject(SharesPages) private readonly pages: SharesPages) {}

  @Get('/adherents/:customerId/parts')
  @Render('shares-member')
  async page(@Param('customerId') customerId: string) {
    const data = await this.pages.member(customerId);
    return { title: `Mes parts sociales — ${data.tiers.name}`, ...data };
  }

  @Get('/api/adherents/:customerId/parts')
  async data(@Param('customerId') customerId: string, @Query('jour') jour: unknown) {
    return { ...(await this.pages.member(customerId, jour)), seller: undefined };
  }

  @Get('/adherents/:customerId/parts/attestation.pdf')
  async certificatePdf(
    @Param('customerId') customerId: string,
    @Query('jour') jour: unknown,
  ): Promise<StreamableFile> {
    const certificate = await this.certificate(customerId, jour);
    const pdf = await renderShareCertificatePdf(certificate.printable, certificate.day);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `inline; filename="attestation-parts-${certificate.tiersId}-${certificate.day}.pdf"`,
    });
  }

  @Get('/adherents/:customerId/parts/attestation')
  @Render('shares-certificate')
  async certificatePage(@Param('customerId') customerId: string, @Query('jour') jour: unknown) {
    const certificate = await this.certificate(customerId, jour);
    return {
      layout: 'layouts/document',
      title: certificate.printable.title,
      certificate: certificate.printable,
      customerId,
      day: certificate.day,
    };
  }

  private async certificate(customerId: string, jour: unknown) {
    const m = await this.pages.member(customerId, jour);
    return {
      day: m.day,
      tiersId: m.tiers.tiersId,
      printable: printableShareCertificate({
        day: m.day,
        generatedOn: this.pages.today(),
        tiersId: m.tiers.tiersId,
        name: m.tiers.name,
        address: m.tiers.address,
        count: m.held.count,
        numbers: m.held.numbers,
        amount: m.held.amount,
        nominal: m.held.nominal,
        paidCount: m.held.paidCount,
        paidAmount: m.held.paidAmount,
        seller: m.seller,
      }),
    };
  }
}
