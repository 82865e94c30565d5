import { Controller, Get, Inject, Param, Render, StreamableFile } from '@nestjs/common';
import type { BillingDocument } from '../../domain/documents/billing-document.js';
import { DocumentsService } from './documents.service.js';
import { Member } from '../auth/access.decorators.js';

/** Where each document is served: page, PDF and JSON. */
export function documentLinks(d: Pick<BillingDocument, 'kind' | 'documentId'>) {
  const page = `/${d.kind === 'invoice' ? 'factures' : 'avoirs'}/${encodeURIComponent(d.documentId)}`;
  return { page, pdf: `${page}.pdf`, json: `/api/documents${page}` };
}

/**
 * Printable invoices and credit notes. The PDF routes come first: `/factures/:id` would
 * otherwise take "….pdf" as an id.
 */
@Controller()
export class DocumentsController {
  constructor(@Inject(DocumentsService) private readonly documents: DocumentsService) {}

  @Member({ invoice: 'invoiceId' })
  @Get('/factures/:invoiceId.pdf')
  async invoicePdf(@Param('invoiceId') invoiceId: string): Promise<StreamableFile> {
    return this.pdf(await this.documents.invoice(invoiceId));
  }

  @Member({ creditNote: 'creditNoteId' })
  @Get('/avoirs/:creditNoteId.pdf')
  async creditNotePdf(@Param('creditNoteId') creditNoteId: string): Promise<StreamableFile> {
    return this.pdf(await this.documents.creditNote(creditNoteId));
  }

  @Member({ invoice: 'invoiceId' })
  @Get('/factures/:invoiceId')
  @Render('document')
  async invoicePage(@Param('invoiceId') invoiceId: string) {
    return this.page(await this.documents.invoice(invoiceId));
  }

  @Member({ creditNote: 'creditNoteId' })
  @Get('/avoirs/:creditNoteId')
  @Render('document')
  async creditNotePage(@Param('creditNoteId') creditNoteId: string) {
    return this.page(await this.documents.creditNote(creditNoteId));
  }

  @Member({ invoice: 'invoiceId' })
  @Get('/api/documents/factures/:invoiceId')
  async invoiceData(@Param('invoiceId') invoiceId: string) {
    return this.data(await this.documents.invoice(invoiceId));
  }

  @Member({ creditNote: 'creditNoteId' })
  @Get('/api/documents/avoirs/:creditNoteId')
  async creditNoteData(@Param('creditNoteId') creditNoteId: string) {
    return this.data(await this.documents.creditNote(creditNoteId));
  }

  private async page(document: BillingDocument) {
    const printable = await this.documents.printable(document);
    return {
      // A page of its own, with print CSS, rather than the panel's layout.
      layout: 'layouts/document',
      title: printable.title,
      document: printable,
      links: documentLinks(document),
      customerId: document.customerId,
    };
  }

  private data(document: BillingDocument) {
    return { document, seller: this.documents.seller, links: documentLinks(document) };
  }

  private async pdf(document: BillingDocument): Promise<StreamableFile> {
    const name = `${document.kind === 'invoice' ? 'facture' : 'avoir'}-${document.number}.pdf`;
    return new StreamableFile(await this.documents.pdf(document), {
      type: 'application/pdf',
      disposition: `inline; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    });
  }
}
