import type { Queryable } from '../../src/kernel/database/db.js';

export interface DocumentRef {
  documentId: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  /** The stream holding the document: `invoice-<invoiceId>`. */
  invoiceId: string;
  customerId: string;
  issuedOn: string;
}

interface DocumentRow {
  document_id: string;
  kind: string;
  number: string;
  invoice_id: string;
  customer_id: string;
  issued_on: string;
  [k: string]: unknown;
}

const SELECT = `SELECT document_id, kind, number, invoice_id, customer_id, issued_on FROM g2_rm_documents`;

function toRef(r: DocumentRow): DocumentRef {
  return {
    documentId: r.document_id,
    kind: r.kind === 'credit_note' ? 'credit_note' : 'invoice',
    number: r.number,
    invoiceId: r.invoice_id,
    customerId: r.customer_id,
    issuedOn: r.issued_on,
  };
}

/** An invoice or credit note by id (primary key), or null. */
export async function findDocument(
  q: Queryable,
  kind: DocumentRef['kind'],
  documentId: string,
): Promise<DocumentRef | null> {
  const [row] = await q.query<DocumentRow>(`${SELECT} WHERE document_id = ? AND kind = ?`, [
    documentId,
    kind,
  ]);
  return row ? toRef(row) : null;
}

/** A customer's invoices and credit notes, newest first. */
export async function documentsOfCustomer(
  q: Queryable,
  customerId: string,
): Promise<DocumentRef[]> {
  const rows = await q.query<DocumentRow>(
    `${SELECT} WHERE customer_id = ? ORDER BY issued_on DESC, number DESC`,
    [customerId],
  );
  return rows.map(toRef);
}
