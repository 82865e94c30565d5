import type { BillingEvent, LegacyInvoiceLinesCorrected } from '../../domain/billing/events.js';
import { defineProjection, noMemo, type Rows } from '../../src/kernel/projection.js';
import { negatedCents, toCents } from '../../domain/shared/cents.js';

type TreasuryEvent = Exclude<
  BillingEvent,
  { type: 'InvoicePaymentAllocated' | 'PaymentAllocationChanged' | 'CustomerCredited' }
>;

interface Movement {
  readonly id: string;
  readonly kind: string;
  readonly method: string;
  readonly on: string;
  readonly customerId: string;
  readonly cents: string;
  readonly paymentId?: string | null;
  readonly invoiceId?: string | null;
  readonly reference: string;
}

/**
 * The treasurer's ledger: each movement of money on its own day (a payment in, a bounce or a
 * refund out, a refund of credit out) and each use of the customer's credit (no money moves),
 * plus every invoice and credit-note line with its product for the revenue reports.
 */
export const treasuryProjection = () =>
  defineProjection<TreasuryEvent>({
    name: 'treasury',
    tables: [
      { name: 'g2_rm_cash_movements', key: ['movement_id'] },
      { name: 'g2_rm_revenue_lines', key: ['document_id', 'line_id'] },
    ],
    handles: {
      InvoiceIssued: true,
      CreditNoteIssued: true,
      LegacyInvoiceLinesCorrected: true,
      PaymentRecorded: true,
      PaymentReversed: true,
      CustomerCreditApplied: true,
      CustomerCreditWithdrawn: true,
    },
    memo: noMemo,
    async apply(rows, event) {
      const move = (m: Movement) =>
        rows.put('g2_rm_cash_movements', {
          movement_id: m.id,
          kind: m.kind,
          method: m.method,
          on_day: m.on,
          customer_id: m.customerId,
          amount_cents: m.cents,
          payment_id: m.paymentId ?? null,
          invoice_id: m.invoiceId ?? null,
          reference: m.reference.slice(0, 64),
          position: event.position,
        });
      switch (event.type) {
        case 'InvoiceIssued': {
          const d = event.data;
          for (const l of d.lines)
            revenueLine(rows, d.invoiceId, 'invoice', d.number, d.issuedOn, d.customerId, {
              ...l,
              net: toCents(l.net),
              vat: toCents(l.vat),
            });
          return;
        }
        case 'CreditNoteIssued': {
          const d = event.data;
          for (const l of d.lines)
            revenueLine(rows, d.creditNoteId, 'credit_note', d.number, d.issuedOn, d.customerId, {
              ...l,
              net: negatedCents(l.net),
              vat: negatedCents(l.vat),
            });
          return;
        }
        case 'LegacyInvoiceLinesCorrected':
          return correctionLines(rows, event.data);
        case 'PaymentRecorded': {
          const d = event.data;
          return move({
            id: d.paymentId,
            kind: 'payment',
            method: d.method,
            on: d.receivedOn,
            customerId: d.customerId,
            cents: toCents(d.amount),
            reference: d.reference,
          });
        }
        case 'PaymentReversed': {
          const d = event.data;
          // The money goes back the way it came: the method of the payment it reverses.
          const original = await rows.get('g2_rm_cash_movements', [d.paymentId]);
          return move({
            id: d.reversalId,
            kind: d.kind,
            method: typeof original?.['method'] === 'string' ? original['method'] : 'other',
            on: d.on,
            customerId: d.customerId,
            cents: negatedCents(d.amount),
            paymentId: d.paymentId,
            reference: d.reference,
          });
        }
        case 'CustomerCreditApplied': {
          const d = event.data;
          return move({
            id: d.applicationId,
            kind: 'credit_use',
            method: 'credit',
            on: d.on,
            customerId: d.customerId,
            cents: toCents(d.amount),
            invoiceId: d.invoiceId,
            reference: 'Crédit client',
          });
        }
        case 'CustomerCreditWithdrawn': {
          const d = event.data;
          if (d.reversedApplications.length > 0) {
            // Its invoices carry negative allocations under the withdrawal's id.
            const undone = d.reversedApplications.reduce(
              (s, r) => s + BigInt(toCents(r.amount)),
              0n,
            );
            move({
              id: d.paymentId === null ? `${d.withdrawalId}:undo` : d.withdrawalId,
              kind: 'credit_undo',
              method: 'credit',
              on: d.on,
              customerId: d.customerId,
              cents: (-undone).toString(),
              paymentId: d.paymentId,
              reference: 'Crédit client annulé',
            });
          }
          // A refund of credit alone is money paid out (a payment's own reversal already is).
          if (d.paymentId === null) {
            move({
              id: d.withdrawalId,
              kind: 'credit_refund',
              method: d.method,
              on: d.on,
              customerId: d.customerId,
              cents: negatedCents(d.amount),
              reference: d.reference || 'Remboursement du crédit',
            });
          }
          return;
        }
      }
    },
  });

/**
 * Gloux's correction of an invoice's lines, as revenue of the day gloux2 saw it: each line's
 * difference (new − before), the invoice's own rows left as they were. A line the invoice never
 * had goes under the invoice (the allocation finds its product there), the others under the
 * correction.
 */
async function correctionLines(rows: Rows, d: LegacyInvoiceLinesCorrected['data']): Promise<void> {
  const before = new Map(d.previous.lines.map((l) => [l.lineId, l]));
  const after = new Map(d.lines.map((l) => [l.lineId, l]));
  for (const lineId of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(lineId);
    const now = after.get(lineId);
    const l = (now ?? was)!;
    const net = (BigInt(toCents(now?.net ?? '0')) - BigInt(toCents(was?.net ?? '0'))).toString();
    const vat = (BigInt(toCents(now?.vat ?? '0')) - BigInt(toCents(was?.vat ?? '0'))).toString();
    const known = (await rows.get('g2_rm_revenue_lines', [d.invoiceId, lineId])) !== undefined;
    if (known && net === '0' && vat === '0') continue;
    revenueLine(
      rows,
      known ? d.correctionId : d.invoiceId,
      'correction',
      d.number,
      d.on,
      d.customerId,
      {
        ...l,
        net,
        vat,
      },
    );
  }
}

function revenueLine(
  rows: Rows,
  documentId: string,
  documentKind: 'invoice' | 'credit_note' | 'correction',
  number: string,
  issuedOn: string,
  customerId: string,
  l: {
    lineId: string;
    kind: string;
    productId: string | null;
    label: string;
    vatRate: string;
    net: string;
    vat: string;
  },
): void {
  rows.put('g2_rm_revenue_lines', {
    document_id: documentId,
    line_id: l.lineId,
    document_kind: documentKind,
    number,
    issued_on: issuedOn,
    customer_id: customerId,
    line_kind: l.kind,
    product_id: l.productId ?? '',
    label: l.label.slice(0, 255),
    vat_rate: l.vatRate,
    net_cents: l.net,
    vat_cents: l.vat,
  });
}
