import type { BillingEvent, InvoiceLine } from '../../domain/billing/events.js';
import { defineProjection, int, noMemo, type Row, type Rows } from '../../src/kernel/projection.js';
import { negatedCents, toCents } from '../../domain/shared/cents.js';

type BalanceEvent = Exclude<
  BillingEvent,
  { type: 'CustomerCredited' | 'CustomerCreditApplied' | 'CustomerCreditWithdrawn' }
>;

const INVOICES = 'g2_rm_invoices';
const PAIRS = 'g2_rm_invoice_payments';
const PAYMENTS = 'g2_rm_payments';

/** Invoices with what is paid and what is left, their lines, and the payments received. */
export const invoiceBalancesProjection = () =>
  defineProjection<BalanceEvent>({
    name: 'invoice-balances',
    tables: [
      { name: INVOICES, key: ['invoice_id'], lookup: true },
      { name: 'g2_rm_invoice_lines', key: ['invoice_id', 'line_id'] },
      { name: PAYMENTS, key: ['payment_id'], lookup: true },
      { name: PAIRS, key: ['invoice_id', 'payment_id'], lookup: true },
      { name: 'g2_rm_payment_reversals', key: ['reversal_id'] },
    ],
    handles: {
      InvoiceIssued: true,
      CreditNoteIssued: true,
      LegacyInvoiceLinesCorrected: true,
      InvoicePaymentAllocated: true,
      PaymentRecorded: true,
      PaymentAllocationChanged: true,
      PaymentReversed: true,
    },
    memo: noMemo,
    async apply(rows, event) {
      switch (event.type) {
        case 'InvoiceIssued': {
          const d = event.data;
          const zero = toCents(d.total) === '0';
          rows.put(INVOICES, {
            invoice_id: d.invoiceId,
            number: d.number,
            customer_id: d.customerId,
            issued_on: d.issuedOn,
            due_on: d.dueOn,
            total_net_cents: toCents(d.totalNet),
            total_vat_cents: toCents(d.totalVat),
            total_cents: toCents(d.total),
            paid_cents: 0,
            status: zero ? 'paid' : 'issued',
            paid_on: zero ? d.issuedOn : null,
            last_position: event.position,
            kind: 'invoice',
            credited_cents: 0,
            origin_invoice_id: null,
          });
          putLines(rows, d.invoiceId, d.lines, toCents);
          return;
        }
        case 'CreditNoteIssued': {
          const d = event.data;
          // The credit note is a document of its own (negative totals, settled at once)…
          rows.put(INVOICES, {
            invoice_id: d.creditNoteId,
            number: d.number,
            customer_id: d.customerId,
            issued_on: d.issuedOn,
            due_on: d.issuedOn,
            total_net_cents: negatedCents(d.totalNet),
            total_vat_cents: negatedCents(d.totalVat),
            total_cents: negatedCents(d.total),
            paid_cents: 0,
            status: 'paid',
            paid_on: d.issuedOn,
            last_position: event.position,
            kind: 'credit_note',
            credited_cents: 0,
            origin_invoice_id: d.invoiceId,
          });
          putLines(rows, d.creditNoteId, d.lines, negatedCents);
          // …and lowers what the invoice asks; money already paid beyond it leaves for the credit.
          await rows.update(INVOICES, [d.invoiceId], (r) =>
            settled(
              {
                ...r,
                credited_cents: (int(r['credited_cents']) + BigInt(toCents(d.total))).toString(),
                paid_cents: (int(r['paid_cents']) - BigInt(toCents(d.toCredit))).toString(),
                last_position: event.position,
              },
              d.issuedOn,
            ),
          );
          return;
        }
        case 'LegacyInvoiceLinesCorrected': {
          // Gloux's lines and totals as they are now (the reports date the difference).
          const d = event.data;
          const now = new Set(d.lines.map((l) => l.lineId));
          for (const l of d.previous.lines)
            if (!now.has(l.lineId)) rows.delete('g2_rm_invoice_lines', [d.invoiceId, l.lineId]);
          putLines(rows, d.invoiceId, d.lines, toCents);
          await rows.update(INVOICES, [d.invoiceId], (r) =>
            settled(
              {
                ...r,
                total_net_cents: toCents(d.totalNet),
                total_vat_cents: toCents(d.totalVat),
                total_cents: toCents(d.total),
                last_position: event.position,
              },
              d.on,
            ),
          );
          return;
        }
        case 'InvoicePaymentAllocated': {
          const d = event.data;
          // A payment imported from Gloux may get more of its allocation later: one row per pair.
          const pair = await rows.get(PAIRS, [d.invoiceId, d.paymentId]);
          if (pair) {
            rows.put(PAIRS, {
              ...pair,
              amount_cents: (int(pair['amount_cents']) + BigInt(toCents(d.amount))).toString(),
            });
          } else {
            const earlier = await rows.select(PAIRS, {
              where: [{ column: 'invoice_id', op: '=', value: d.invoiceId }],
            });
            rows.put(PAIRS, {
              invoice_id: d.invoiceId,
              payment_id: d.paymentId,
              seq: earlier.length + 1,
              paid_on: d.paidOn,
              amount_cents: toCents(d.amount),
            });
          }
          await rows.update(INVOICES, [d.invoiceId], (r) =>
            settled(
              {
                ...r,
                paid_cents: (int(r['paid_cents']) + BigInt(toCents(d.amount))).toString(),
                last_position: event.position,
              },
              d.paidOn,
            ),
          );
          return;
        }
        case 'PaymentRecorded': {
          const d = event.data;
          const allocated = d.allocations.reduce((s, a) => s + BigInt(toCents(a.amount)), 0n);
          rows.put(PAYMENTS, {
            payment_id: d.paymentId,
            customer_id: d.customerId,
            method: d.method,
            amount_cents: toCents(d.amount),
            received_on: d.receivedOn,
            reference: d.reference,
            bank: d.bank,
            position: event.position,
            credit_cents: (BigInt(toCents(d.amount)) - allocated).toString(),
            reversed_cents: 0,
            status: 'valid',
          });
          return;
        }
        case 'PaymentAllocationChanged': {
          // What the payment leaves unallocated; the invoice side is its InvoicePaymentAllocated.
          const d = event.data;
          await rows.update(PAYMENTS, [d.paymentId], (r) => ({
            credit_cents: (int(r['credit_cents']) - BigInt(toCents(d.amount))).toString(),
          }));
          return;
        }
        case 'PaymentReversed': {
          const d = event.data;
          await rows.update(PAYMENTS, [d.paymentId], (r) => ({
            reversed_cents: (int(r['reversed_cents']) + BigInt(toCents(d.amount))).toString(),
            status: d.kind === 'bounced' ? 'bounced' : 'valid',
          }));
          rows.put('g2_rm_payment_reversals', {
            reversal_id: d.reversalId,
            payment_id: d.paymentId,
            customer_id: d.customerId,
            kind: d.kind,
            amount_cents: toCents(d.amount),
            on_day: d.on,
            reference: d.reference,
            reason: d.reason,
            position: event.position,
          });
          return;
        }
      }
    },
  });

/**
 * Status from the amounts: cancelled when credit notes cover the whole invoice, paid when
 * nothing is left (dated by the event that settled it, `on`), issued otherwise (a reversal
 * reopens it).
 */
export function settled(r: Row, on: string): Row {
  const total = int(r['total_cents']);
  const credited = int(r['credited_cents']);
  const paid = int(r['paid_cents']);
  if (total !== 0n && credited >= total) return { ...r, status: 'cancelled' };
  if (paid + credited >= total)
    return { ...r, status: 'paid', paid_on: r['status'] === 'paid' ? (r['paid_on'] ?? null) : on };
  return { ...r, status: 'issued', paid_on: null };
}

function putLines(
  rows: Rows,
  documentId: string,
  lines: readonly Pick<
    InvoiceLine,
    'lineId' | 'label' | 'net' | 'vatRate' | 'vat' | 'total' | 'serviceStart' | 'serviceEnd'
  >[],
  cents: (amount: string) => string,
): void {
  lines.forEach((l, i) =>
    rows.put('g2_rm_invoice_lines', {
      invoice_id: documentId,
      line_id: l.lineId,
      line_no: i + 1,
      label: l.label,
      net_cents: cents(l.net),
      vat_rate: l.vatRate,
      vat_cents: cents(l.vat),
      total_cents: cents(l.total),
      service_start: l.serviceStart,
      service_end: l.serviceEnd,
    }),
  );
}
