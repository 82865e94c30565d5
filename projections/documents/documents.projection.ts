import type { CreditNoteIssued, InvoiceIssued } from '../../domain/billing/events.js';
import { defineProjection, noMemo, type Rows } from '../../src/kernel/projection.js';
import type { DocumentRef } from './documents.queries.js';

/** One row per invoice and per credit note: where its events are (the invoice's stream). */
export const documentsProjection = () =>
  defineProjection<InvoiceIssued | CreditNoteIssued>({
    name: 'documents',
    tables: [{ name: 'g2_rm_documents', key: ['document_id'] }],
    handles: { InvoiceIssued: true, CreditNoteIssued: true },
    memo: noMemo,
    apply(rows, event) {
      switch (event.type) {
        case 'InvoiceIssued':
          return put(rows, {
            documentId: event.data.invoiceId,
            kind: 'invoice',
            number: event.data.number,
            invoiceId: event.data.invoiceId,
            customerId: event.data.customerId,
            issuedOn: event.data.issuedOn,
          });
        case 'CreditNoteIssued':
          return put(rows, {
            documentId: event.data.creditNoteId,
            kind: 'credit_note',
            number: event.data.number,
            invoiceId: event.data.invoiceId,
            customerId: event.data.customerId,
            issuedOn: event.data.issuedOn,
          });
      }
    },
  });

function put(rows: Rows, d: DocumentRef): void {
  rows.put('g2_rm_documents', {
    document_id: d.documentId,
    kind: d.kind,
    number: d.number,
    invoice_id: d.invoiceId,
    customer_id: d.customerId,
    issued_on: d.issuedOn,
  });
}
