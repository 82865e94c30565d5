import { Inject, Injectable } from '@nestjs/common';
import { invoiceStream } from '../../domain/billing/events.js';
import {
  creditNoteDocument,
  invoiceDocument,
  type BillingDocument,
} from '../../domain/documents/billing-document.js';
import type { PaymentMethod } from '../../domain/billing/events.js';
import {
  printableDocument,
  type DocumentContext,
  type PrintableDocument,
  type SellerIdentity,
} from '../../domain/documents/printable-document.js';
import { DomainError } from '../../domain/shared/errors.js';
import { findCustomer } from '../../legacy-sync/legacy-gateway.js';
import { hostingNames } from '../../legacy-sync/legacy-hostings.js';
import { findDocument } from '../../projections/documents/documents.queries.js';
import {
  findInvoice,
  paymentMethodsOfInvoice,
} from '../../projections/invoice-balances/invoice-balances.queries.js';
import { SELLER_IDENTITY } from '../kernel/config.js';
import { Db } from '../kernel/database/db.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { renderDocumentPdf } from './document-pdf.js';

/** Ids are UUIDs; anything else cannot name a document. */
const DOCUMENT_ID = /^[A-Za-z0-9-]{1,64}$/;

const NOT_FOUND = {
  invoice: 'Facture introuvable.',
  credit_note: 'Avoir introuvable.',
} as const;

const PAYMENT_METHODS: Readonly<Record<PaymentMethod, true>> = {
  cheque: true,
  card: true,
  transfer: true,
  cash: true,
  other: true,
};

/** Invoices and credit notes as documents, built from the invoice's stream. */
@Injectable()
export class DocumentsService {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(SELLER_IDENTITY) readonly seller: SellerIdentity,
  ) {}

  async invoice(invoiceId: string): Promise<BillingDocument> {
    if (!DOCUMENT_ID.test(invoiceId)) throw notFound('invoice');
    const events = await this.db.run((q) => readStream(q, invoiceStream(invoiceId)));
    return invoiceDocument(events) ?? notFound('invoice');
  }

  async creditNote(creditNoteId: string): Promise<BillingDocument> {
    if (!DOCUMENT_ID.test(creditNoteId)) throw notFound('credit_note');
    const events = await this.db.run(async (q) => {
      // The read model says which invoice stream holds it: no scan of the log.
      const ref = await findDocument(q, 'credit_note', creditNoteId);
      return ref ? readStream(q, invoiceStream(ref.invoiceId)) : [];
    });
    return creditNoteDocument(events, creditNoteId) ?? notFound('credit_note');
  }

  async printable(document: BillingDocument): Promise<PrintableDocument> {
    return printableDocument(document, this.seller, await this.context(document));
  }

  async pdf(document: BillingDocument): Promise<Buffer> {
    return renderDocumentPdf(await this.printable(document), document.issuedOn);
  }

  /** The customer number, hosting names and settlement, read from Gloux and the read models. */
  private context(document: BillingDocument): Promise<DocumentContext> {
    return this.db.run(async (q) => {
      const customer = await findCustomer(q, document.customerId);
      const ids = [
        ...new Set(document.lines.flatMap((l) => (l.hostingId === null ? [] : [l.hostingId]))),
      ];
      const names = await hostingNames(q, ids);
      const hostings = ids.flatMap((id) => {
        const name = names.get(id)?.name ?? '';
        return name === '' ? [] : [name];
      });
      let settled: DocumentContext['settled'] = null;
      if (document.kind === 'invoice') {
        const view = await findInvoice(q, document.invoiceId);
        if (view?.status === 'paid' && view.paidOn !== null) {
          const methods = (await paymentMethodsOfInvoice(q, document.invoiceId)).filter(
            (m): m is PaymentMethod => m in PAYMENT_METHODS,
          );
          settled = { on: view.paidOn, methods };
        }
      }
      return { customerNumber: customer?.customerNumber ?? null, hostings, settled };
    });
  }
}

function notFound(kind: keyof typeof NOT_FOUND): never {
  throw new DomainError('not_found', NOT_FOUND[kind]);
}
