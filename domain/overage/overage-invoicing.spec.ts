import { validateIssueInvoice } from '../billing/invoice.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type { OverageBillingEvent, OverageCharge } from './events.js';
import {
  decideRecordOverageInvoiced,
  decideRequestOverageInvoice,
  evolveOverageBilling,
  initialOverageBillingState,
  openBatch,
  overageInvoiceInput,
  pendingCharges,
  type OverageBillingState,
} from './overage-invoicing.js';

function line(start: string, net: string, vat: string, total: string): OverageCharge {
  return {
    chargeId: `7:disk:${start}`,
    hostingId: '7',
    customerId: '3',
    resource: 'disk',
    since: '2026-01-03',
    label: 'Dépassement d’espace disque (webcoop) : 2 × 100 Mo, 31 j sur 31',
    productId: null,
    periodStart: start,
    periodEnd: start.slice(0, 8) + '28',
    quantity: '2',
    unitNet: '0.4183',
    net,
    vatRate: '20',
    vat,
    total,
    chargedOn: '2026-06-01',
  };
}

const ctx = {
  threshold: Money.of('5.00'),
  batchId: 'B1',
  idempotencyKey: (ids: readonly string[]) => `key:${ids.join(',')}`,
};
const request = (
  state: OverageBillingState,
  charges: OverageCharge[],
  reason: 'threshold' | 'account_closed' = 'threshold',
) =>
  decideRequestOverageInvoice(
    state,
    { customerId: '3', on: '2026-06-01', reason },
    { ...ctx, charges },
  );

const fold = (events: readonly OverageBillingEvent[], state = initialOverageBillingState) =>
  events.reduce(evolveOverageBilling, state);

const four = [
  line('2026-01-01', '0.84', '0.17', '1.01'),
  line('2026-02-01', '0.84', '0.17', '1.01'),
  line('2026-03-01', '0.84', '0.17', '1.01'),
  line('2026-04-01', '0.84', '0.17', '1.01'),
];
const five = [...four, line('2026-05-01', '0.84', '0.17', '1.01')];

describe('overage invoicing — the threshold', () => {
  it('below the threshold (4.03 € < 5.00 €: VAT on the base, 3.36 × 20 %) nothing is invoiced: the lines stay pending', () => {
    expect(request(initialOverageBillingState, four)).toEqual([]);
    expect(pendingCharges(initialOverageBillingState, '3', four)).toHaveLength(4);
  });

  // Five lines of 0.84 HT (1.01 TTC each alone): the invoice computes VAT on the 4.20 base, 0.84.
  it('at the threshold one invoice takes every pending line, keyed by those lines', () => {
    expect(request(initialOverageBillingState, five)).toEqual([
      {
        type: 'OverageInvoiceRequested',
        data: {
          batchId: 'B1',
          customerId: '3',
          requestedOn: '2026-06-01',
          reason: 'threshold',
          chargeIds: five.map((c) => c.chargeId),
          total: '5.04',
          idempotencyKey: `key:${five.map((c) => c.chargeId).join(',')}`,
        },
      },
    ]);
  });

  it('on account closure the pending lines are invoiced whatever their total', () => {
    expect(request(initialOverageBillingState, four.slice(0, 1), 'account_closed')).toMatchObject([
      { data: { reason: 'account_closed', total: '1.01' } },
    ]);
  });

  it('one batch at a time; invoiced lines are no longer pending', () => {
    const state = fold(request(initialOverageBillingState, five));
    expect(openBatch(state)?.batchId).toBe('B1');
    expect(
      request(state, [...five, ...four.map((c) => ({ ...c, chargeId: `x${c.chargeId}` }))]),
    ).toEqual([]);
    const done = fold(
      decideRecordOverageInvoiced(state, {
        batchId: 'B1',
        invoiceId: 'I1',
        number: 'F2026-000001',
        total: '5.04',
        on: '2026-06-01',
      }),
      state,
    );
    expect(openBatch(done)).toBeNull();
    expect(pendingCharges(done, '3', five)).toEqual([]);
  });

  it('recording the invoice twice is a no-op; another invoice for the same batch is refused', () => {
    const state = fold(request(initialOverageBillingState, five));
    const cmd = {
      batchId: 'B1',
      invoiceId: 'I1',
      number: 'F2026-000001',
      total: '5.04',
      on: '2026-06-01',
    };
    const done = fold(decideRecordOverageInvoiced(state, cmd), state);
    expect(decideRecordOverageInvoiced(done, cmd)).toEqual([]);
    expect(() => decideRecordOverageInvoiced(done, { ...cmd, invoiceId: 'I2' })).toThrow(
      DomainError,
    );
  });

  it('the invoice input has one overage line per pending line, and the invoice’s total is the batch’s', () => {
    const state = fold(request(initialOverageBillingState, five));
    const input = overageInvoiceInput(openBatch(state)!, '3', five);
    expect(input.lines[0]).toEqual({
      kind: 'overage',
      label: five[0]!.label,
      productId: null,
      hostingId: '7',
      quantity: '2',
      unitNet: '0.4183',
      net: '0.84',
      vatRate: '20',
      serviceStart: '2026-01-01',
      serviceEnd: '2026-01-28',
    });
    const checked = validateIssueInvoice(input, { lineId: () => '' });
    expect(checked.total.toString()).toBe('5.04');
  });
});
