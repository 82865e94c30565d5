import { isBillingEvent, type BillingEvent } from '../../domain/billing/events.js';
import type { Tx } from '../../src/kernel/database/db.js';
import type { RecordedEvent } from '../../src/kernel/event-store/event-store.js';
import type { Projection } from '../../src/kernel/projection.js';
import type { DocumentRef } from './documents.queries.js';

/** One row per invoice and per credit note: where its events are (the invoice's stream). */
export class DocumentsProjection implements Projection {
  readonly name = 'documents';
  readonly tables = ['g2_rm_documents'];

  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!isBillingEvent(event)) return;
    const e = event as unknown as BillingEvent;
    switch (e.type) {
      case 'InvoiceIssued':
        await insert(tx, {
          documentId: e.data.invoiceId,
          kind: 'invoice',
          number: e.data.number,
          invoiceId: e.data.invoiceId,
          customerId: e.data.customerId,
          issuedOn: e.data.issuedOn,
        });
        return;
      case 'CreditNoteIssued':
        await insert(tx, {
          documentId: e.data.creditNoteId,
          kind: 'credit_note',
          number: e.data.number,
          invoiceId: e.data.invoiceId,
          customerId: e.data.customerId,
          issuedOn: e.data.issuedOn,
        });
        return;
      case 'InvoicePaymentAllocated':
      case 'PaymentRecorded':
      case 'PaymentReversed':
      case 'PaymentAllocationChanged':
      case 'CustomerCredited':
      case 'CustomerCreditApplied':
      case 'CustomerCreditWithdrawn':
        return;
    }
  }
}

async function insert(tx: Tx, d: DocumentRef): Promise<void> {
  await tx.execute(
    `INSERT INTO g2_rm_documents (document_id, kind, number, invoice_id, customer_id, issued_on) VALUES (?, ?, ?, ?, ?, ?)`,
    [d.documentId, d.kind, d.number, d.invoiceId, d.customerId, d.issuedOn],
  );
}
