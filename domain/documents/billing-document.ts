import type {
  CreditNoteIssued,
  CreditNoteLine,
  InvoiceIssued,
  InvoiceLine,
  LineKind,
} from '../billing/events.js';
import type { Day } from '../shared/day.js';
import { Dec, Money } from '../shared/money.js';

/**
 * The content of a printed invoice or credit note, built from the invoice's stream only: the
 * events are the document, so printing it again years later gives the same figures.
 */
export type DocumentKind = 'invoice' | 'credit_note';

export interface DocumentLine {
  readonly kind: LineKind;
  readonly label: string;
  /** Null on a credit note: it credits amounts, not quantities. */
  readonly quantity: string | null;
  readonly unitNet: string | null;
  readonly net: string;
  readonly vatRate: string;
  readonly vat: string;
  readonly total: string;
  readonly serviceStart: Day;
  readonly serviceEnd: Day;
  /** The hosting the line is for (Gloux's id_hebergement), when it is for one. */
  readonly hostingId: string | null;
}

/** One row of the "net / VAT per rate" table. */
export interface VatRateRow {
  readonly vatRate: string;
  readonly net: string;
  readonly vat: string;
  readonly total: string;
}

export interface BillingDocument {
  readonly kind: DocumentKind;
  /** invoiceId or creditNoteId. */
  readonly documentId: string;
  readonly number: string;
  /** The stream the document comes from: `invoice-<invoiceId>`. */
  readonly invoiceId: string;
  readonly customerId: string;
  readonly issuedOn: Day;
  /** Invoices only. */
  readonly dueOn: Day | null;
  /** Snapshot taken when issued: the customer's name first, then the address lines. */
  readonly billingAddress: readonly string[];
  /** The invoice a credit note relates to; null on an invoice. */
  readonly creditedInvoice: {
    readonly invoiceId: string;
    readonly number: string;
    readonly issuedOn: Day;
  } | null;
  /** Why a credit note was issued; null on an invoice. */
  readonly reason: string | null;
  readonly lines: readonly DocumentLine[];
  readonly vatByRate: readonly VatRateRow[];
  readonly totalNet: string;
  readonly totalVat: string;
  readonly total: string;
  /** Credit note: what it takes off the amount due, and what goes to the customer's credit. */
  readonly settlement: { readonly settled: string; readonly toCredit: string } | null;
}

/** The events a document is built from, as read from the stream (other types are ignored). */
export interface StreamEvent {
  readonly type: string;
  readonly data: unknown;
}

/** The log disagrees with itself: a bug to report, never something to print. */
export class InconsistentDocumentError extends Error {
  constructor(documentNumber: string, what: string) {
    super(`Document ${documentNumber}: ${what}`);
    this.name = 'InconsistentDocumentError';
  }
}

/**
 * Net, VAT and total per VAT rate, rates in increasing order. The VAT of a rate is the sum of
 * its lines' VAT as the document carries it (docs/accounting.md §1), never recomputed from the base,
 * so the table adds up to the invoice's totals to the cent.
 */
export function vatByRate(
  lines: readonly { net: string; vatRate: string; vat: string }[],
): VatRateRow[] {
  const byRate = new Map<string, { rate: Dec; net: Money; vat: Money }>();
  for (const l of lines) {
    const rate = new Dec(l.vatRate);
    // "20" and "20.0" are the same rate.
    const key = rate.toString();
    const row = byRate.get(key) ?? { rate, net: Money.ZERO, vat: Money.ZERO };
    byRate.set(key, {
      rate,
      net: row.net.plus(Money.of(l.net)),
      vat: row.vat.plus(Money.of(l.vat)),
    });
  }
  return [...byRate.entries()]
    .sort(([, a], [, b]) => a.rate.comparedTo(b.rate))
    .map(([key, r]) => ({
      vatRate: key,
      net: r.net.toString(),
      vat: r.vat.toString(),
      total: r.net.plus(r.vat).toString(),
    }));
}

function checkedTotals(
  number: string,
  lines: readonly { net: string; vatRate: string; vat: string; total: string }[],
  stated: { totalNet: string; totalVat: string; total: string },
) {
  const rows = vatByRate(lines);
  const net = Money.sum(rows.map((r) => Money.of(r.net)));
  const vat = Money.sum(rows.map((r) => Money.of(r.vat)));
  const total = Money.sum(lines.map((l) => Money.of(l.total)));
  if (
    !net.equals(Money.of(stated.totalNet)) ||
    !vat.equals(Money.of(stated.totalVat)) ||
    !total.equals(Money.of(stated.total)) ||
    !net.plus(vat).equals(total)
  ) {
    throw new InconsistentDocumentError(
      number,
      `lines add up to ${net.toString()} + ${vat.toString()} = ${total.toString()}, the event says ` +
        `${stated.totalNet} + ${stated.totalVat} = ${stated.total}`,
    );
  }
  return {
    vatByRate: rows,
    totalNet: net.toString(),
    totalVat: vat.toString(),
    total: total.toString(),
  };
}

/** A credit-note line credits amounts: it has no quantity or unit price of its own. */
function documentLine(l: InvoiceLine | CreditNoteLine): DocumentLine {
  return {
    kind: l.kind,
    label: l.label,
    quantity: 'quantity' in l ? l.quantity : null,
    unitNet: 'unitNet' in l ? l.unitNet : null,
    net: l.net,
    vatRate: l.vatRate,
    vat: l.vat,
    total: l.total,
    serviceStart: l.serviceStart,
    serviceEnd: l.serviceEnd,
    hostingId: l.hostingId,
  };
}

function addressLines(snapshot: string): string[] {
  return snapshot
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function issuedInvoice(events: readonly StreamEvent[]): InvoiceIssued | null {
  const found = events.find((e) => e.type === 'InvoiceIssued');
  return found ? (found as InvoiceIssued) : null;
}

/** The invoice of an `invoice-<id>` stream, or null when the stream holds none. */
export function invoiceDocument(events: readonly StreamEvent[]): BillingDocument | null {
  const issued = issuedInvoice(events);
  if (!issued) return null;
  const d = issued.data;
  const totals = checkedTotals(d.number, d.lines, d);
  return {
    kind: 'invoice',
    documentId: d.invoiceId,
    number: d.number,
    invoiceId: d.invoiceId,
    customerId: d.customerId,
    issuedOn: d.issuedOn,
    dueOn: d.dueOn,
    billingAddress: addressLines(d.billingAddress),
    creditedInvoice: null,
    reason: null,
    lines: d.lines.map(documentLine),
    ...totals,
    settlement: null,
  };
}

/** A credit note from the stream of the invoice it credits, or null when it is not there. */
export function creditNoteDocument(
  events: readonly StreamEvent[],
  creditNoteId: string,
): BillingDocument | null {
  const found = events.find(
    (e) =>
      e.type === 'CreditNoteIssued' && (e as CreditNoteIssued).data.creditNoteId === creditNoteId,
  );
  if (!found) return null;
  const d = (found as CreditNoteIssued).data;
  const invoice = issuedInvoice(events);
  if (!invoice || invoice.data.invoiceId !== d.invoiceId) {
    throw new InconsistentDocumentError(d.number, `invoice ${d.invoiceId} is not on its stream`);
  }
  const totals = checkedTotals(d.number, d.lines, d);
  if (!Money.of(d.settled).plus(Money.of(d.toCredit)).equals(Money.of(d.total))) {
    throw new InconsistentDocumentError(d.number, 'settled + toCredit differs from its total');
  }
  return {
    kind: 'credit_note',
    documentId: d.creditNoteId,
    number: d.number,
    invoiceId: d.invoiceId,
    customerId: d.customerId,
    issuedOn: d.issuedOn,
    dueOn: null,
    billingAddress: addressLines(d.billingAddress),
    creditedInvoice: {
      invoiceId: d.invoiceId,
      number: d.invoiceNumber,
      issuedOn: invoice.data.issuedOn,
    },
    reason: d.reason,
    lines: d.lines.map(documentLine),
    ...totals,
    settlement: { settled: d.settled, toCredit: d.toCredit },
  };
}
