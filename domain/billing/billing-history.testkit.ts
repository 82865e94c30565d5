import fc from 'fast-check';
import { Dec, Money } from '../shared/money.js';
import { allocationDelta, invoiceFigures, type InvoiceFigures } from './allocation.js';
import { decideIssueCreditNote, effectiveLines, remainingNet } from './credit-note.js';
import {
  decideApplyCredit,
  decideRefundCredit,
  evolveCustomerAccount,
  initialCustomerAccountState,
  type CustomerAccountState,
} from './customer-account.js';
import type { CustomerAccountEvent, InvoiceEvent } from './events.js';
import {
  balanceOf,
  decideIssueInvoice,
  evolveInvoice,
  initialInvoiceState,
  type InvoiceState,
} from './invoice.js';
import {
  decideRecordPayment,
  decideReversePayment,
  evolvePayment,
  initialPaymentState,
  type PaymentState,
} from './payment.js';

/**
 * Given/when/then over random histories of one customer: invoices, payments (partial, across
 * invoices, overpaid), credit notes (full, partial, on paid invoices), bounced cheques, refunds,
 * credit applied and refunded. Whatever happens, no cent is created or lost, every balance is the
 * sum of its events, and every invoice's allocation rows add up to its current whole figures.
 */

export const CUSTOMER = '7';
export const TODAY = '2027-12-31';

export type Op =
  | { op: 'pay'; invoices: number[]; cents: number; extra: number; method: 'cheque' | 'card' }
  | { op: 'creditNote'; invoice: number; share: number | null }
  | { op: 'bounce'; payment: number }
  | { op: 'refund'; payment: number; cents: number }
  | { op: 'applyCredit' }
  | { op: 'refundCredit'; cents: number };

export const euros = (cents: number) => new Dec(cents).dividedBy(100).toFixed(2);

export interface LineSpec {
  netCents: number;
  discount: boolean;
  vatRate: string;
  startOffset: number;
  days: number;
}

export const lineArb: fc.Arbitrary<LineSpec> = fc.record({
  netCents: fc.integer({ min: 1, max: 50_000 }),
  discount: fc.boolean(),
  vatRate: fc.constantFrom('20', '19.6', '5.5', '0'),
  startOffset: fc.integer({ min: 0, max: 700 }),
  days: fc.integer({ min: 0, max: 800 }),
});

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('pay' as const),
    invoices: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
    cents: fc.integer({ min: 1, max: 60_000 }),
    extra: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
    method: fc.constantFrom('cheque' as const, 'card' as const),
  }),
  fc.record({
    op: fc.constant('creditNote' as const),
    invoice: fc.integer({ min: 0, max: 2 }),
    share: fc.option(fc.integer({ min: 1, max: 100 })),
  }),
  fc.record({ op: fc.constant('bounce' as const), payment: fc.nat(20) }),
  fc.record({
    op: fc.constant('refund' as const),
    payment: fc.nat(20),
    cents: fc.integer({ min: 1, max: 30_000 }),
  }),
  fc.record({ op: fc.constant('applyCredit' as const) }),
  fc.record({
    op: fc.constant('refundCredit' as const),
    cents: fc.integer({ min: 1, max: 30_000 }),
  }),
);

export function day(offset: number): string {
  const d = new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export class Ledger {
  readonly invoices = new Map<string, InvoiceState>();
  readonly payments = new Map<string, PaymentState>();
  account: CustomerAccountState = initialCustomerAccountState(CUSTOMER);
  /** Per invoice, the running sum of its allocation rows (VAT and nets per line and year). */
  readonly allocated = new Map<string, Map<string, Dec>>();
  /** Every event the history produced, in the order a command appends them. */
  readonly log: { type: string; data: unknown }[] = [];
  received = Money.ZERO;
  paidOut = Money.ZERO;
  private seq = 0;
  private clock = 400;

  id(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq}`;
  }

  today(): string {
    this.clock += 3;
    return day(this.clock);
  }

  figures(state: InvoiceState): InvoiceFigures {
    return invoiceFigures(effectiveLines(state), state.paid.toString());
  }

  applyInvoice(event: InvoiceEvent, on: string, id: string): void {
    this.log.push(event);
    const invoiceId = event.data.invoiceId;
    const before = this.invoices.get(invoiceId) ?? initialInvoiceState;
    const after = evolveInvoice(before, event);
    if (event.type !== 'InvoiceIssued') {
      const rows = this.allocated.get(invoiceId) ?? new Map<string, Dec>();
      let entries: ReturnType<typeof allocationDelta>;
      try {
        entries = allocationDelta(this.figures(before), this.figures(after), on, id);
      } catch (error) {
        // The decision was accepted: figures out of bounds here are a broken invariant, not a refusal.
        throw new Error(`invariant broken after ${event.type}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      for (const entry of entries) {
        const key = entry.lineId;
        let sum = (rows.get(`${key}:vat`) ?? new Dec(0)).plus(entry.vat);
        rows.set(`${key}:vat`, sum);
        for (const y of entry.years) {
          sum = (rows.get(`${key}:${y.fiscalYear}`) ?? new Dec(0)).plus(y.net);
          rows.set(`${key}:${y.fiscalYear}`, sum);
        }
      }
      this.allocated.set(invoiceId, rows);
    }
    this.invoices.set(invoiceId, after);
  }

  applyAccount(event: CustomerAccountEvent): void {
    this.log.push(event);
    this.account = evolveCustomerAccount(this.account, event);
  }

  invoiceAt(i: number): InvoiceState {
    return [...this.invoices.values()][i % this.invoices.size]!;
  }

  run(op: Op): void {
    const on = this.today();
    switch (op.op) {
      case 'pay': {
        const targets = [...new Set(op.invoices.map((i) => this.invoiceAt(i).invoiceId))];
        const paymentId = this.id('pay');
        const each = Math.max(1, Math.floor(op.cents / targets.length));
        const allocations = targets.map((invoiceId) => {
          const due = balanceOf(this.invoices.get(invoiceId)!).toDecimal().times(100).toNumber();
          return { invoiceId, amount: euros(Math.min(each, Math.max(due, 1))) };
        });
        const allocated = allocations.reduce((s, a) => s + Math.round(Number(a.amount) * 100), 0);
        const d = decideRecordPayment(
          {
            customerId: CUSTOMER,
            method: op.method,
            amount: euros(allocated + op.extra),
            receivedOn: on,
            reference: 'ref',
            allocations,
            overpayment: op.extra > 0,
          },
          this.invoices,
          { paymentId, today: TODAY },
        );
        this.log.push(d.payment);
        this.payments.set(paymentId, evolvePayment(initialPaymentState, d.payment));
        for (const a of d.allocations) this.applyInvoice(a, on, paymentId);
        if (d.credit) this.applyAccount(d.credit);
        this.received = this.received.plus(Money.of(d.payment.data.amount));
        return;
      }
      case 'creditNote': {
        const invoice = this.invoiceAt(op.invoice);
        const lines =
          op.share === null
            ? undefined
            : invoice.lines
                .map((l) => ({ lineId: l.lineId, left: remainingNet(invoice, l) }))
                .filter((l) => l.left.isPositive())
                .slice(0, 1)
                .map((l) => ({
                  lineId: l.lineId,
                  net: Money.round(l.left.toDecimal().times(op.share!).dividedBy(100)).toString(),
                }));
        const creditNoteId = this.id('cn');
        const event = decideIssueCreditNote(
          invoice,
          { invoiceId: invoice.invoiceId, issuedOn: on, reason: 'test', lines },
          { creditNoteId, number: 'A', billingAddress: '', lineId: () => this.id('cnl') },
        );
        this.applyInvoice(event, on, creditNoteId);
        if (event.data.toCredit !== '0.00') {
          this.applyAccount({
            type: 'CustomerCredited',
            data: {
              customerId: CUSTOMER,
              amount: event.data.toCredit,
              on,
              source: 'credit_note',
              sourceId: creditNoteId,
            },
          });
        }
        return;
      }
      case 'bounce':
      case 'refund': {
        const payment = [...this.payments.values()][op.payment % Math.max(1, this.payments.size)];
        if (!payment) return;
        const d = decideReversePayment(
          payment,
          this.invoices,
          this.account,
          op.op === 'bounce'
            ? { paymentId: payment.paymentId, kind: 'bounced', on }
            : { paymentId: payment.paymentId, kind: 'refund', amount: euros(op.cents), on },
          { reversalId: this.id('rev'), withdrawalId: this.id('wd'), today: TODAY },
        );
        this.log.push(d.reversal);
        this.payments.set(payment.paymentId, evolvePayment(payment, d.reversal));
        for (const r of d.invoiceReversals) this.applyInvoice(r, on, r.data.paymentId);
        if (d.withdrawal) this.applyAccount(d.withdrawal);
        this.paidOut = this.paidOut.plus(Money.of(d.reversal.data.amount));
        return;
      }
      case 'applyCredit': {
        const d = decideApplyCredit(this.account, [...this.invoices.values()], {
          on,
          applicationId: () => this.id('app'),
        });
        for (const a of d.allocations) this.applyInvoice(a, on, a.data.paymentId);
        for (const a of d.applied) this.applyAccount(a);
        return;
      }
      case 'refundCredit': {
        const event = decideRefundCredit(
          this.account,
          {
            customerId: CUSTOMER,
            amount: euros(op.cents),
            on,
            method: 'transfer',
            reference: '',
          },
          { withdrawalId: this.id('wd'), today: TODAY },
        );
        this.applyAccount(event);
        this.paidOut = this.paidOut.plus(Money.of(event.data.amount));
        return;
      }
    }
  }
}

export function issueInvoices(ledger: Ledger, invoices: LineSpec[][]): void {
  invoices.forEach((lines, i) => {
    const invoiceId = ledger.id('inv');
    const [issued] = decideIssueInvoice(
      initialInvoiceState,
      {
        customerId: CUSTOMER,
        issuedOn: day(i),
        lines: lines.map((l, k) => ({
          label: `Ligne ${k + 1}`,
          // A discount line (negative) only after a charge, small enough to keep the total positive.
          net: euros(discountOf(lines, k) ?? l.netCents),
          vatRate: l.vatRate,
          serviceStart: day(l.startOffset),
          serviceEnd: day(l.startOffset + l.days),
        })),
      },
      { invoiceId, number: `F-${i}`, billingAddress: '', lineId: () => ledger.id('l') },
    );
    ledger.applyInvoice(issued!, day(i), invoiceId);
  });
}

function discountOf(lines: LineSpec[], k: number): number | null {
  const cap = Math.floor(lines[0]!.netCents / 4);
  return lines[k]!.discount && k > 0 && cap > 0 ? -Math.min(lines[k]!.netCents, cap) : null;
}
