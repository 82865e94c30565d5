import fc from 'fast-check';
import { Money } from '../shared/money.js';
import {
  invoiceFromGloux,
  paymentFromGloux,
  type GlouxLineRow,
  type GlouxPaymentRow,
  type KnownPayment,
  type PaymentIngest,
} from './gloux-ingest.js';

const ids = {
  invoiceId: 'inv',
  lineId: (id: number) => `line-${id}`,
  adjustmentLineId: 'adjust',
};

const invoiceRow = {
  id: 101,
  number: 'F2008-000955',
  customerId: '1',
  issuedOn: '2008-03-05',
  dueOn: '2008-05-04',
  billingAddress: 'Anne Lefèvre',
  totalNet: '25.09',
  totalVat: '4.92',
  total: '30.01',
  status: 'payee',
  kind: 'facture',
};

const line = (id: number, net: string, start: string | null = '2008-03-02'): GlouxLineRow => ({
  id,
  invoiceId: 101,
  hostingId: 1,
  productId: 1,
  kind: 'abonnement',
  label: `Ligne ${id}`,
  quantity: '1',
  unitNet: net,
  vatRate: '19.6',
  net,
  serviceStart: start,
  serviceEnd: start === null ? null : '2009-03-01',
});

describe('a Gloux invoice as an InvoiceIssued', () => {
  it('keeps Gloux’s totals; an adjustment line carries VAT computed on the total (F2008-000955)', () => {
    const r = invoiceFromGloux(invoiceRow, [line(1, '20.07'), line(2, '5.02')], ids);
    if ('issue' in r) throw new Error(r.issue.message);
    expect(r.event.data).toMatchObject({
      total: '30.01',
      totalVat: '4.92',
      number: 'F2008-000955',
    });
    expect(r.event.data.lines.map((l) => [l.lineId, l.net, l.vat, l.total])).toEqual([
      ['line-1', '20.07', '3.93', '24.00'],
      ['line-2', '5.02', '0.98', '6.00'],
      ['adjust', '0.01', '0.00', '0.01'],
    ]);
    expect(r.notes.map((n) => n.code)).toEqual(['rounding']);
  });

  it('gives a line without period (a discount) the invoice’s main period', () => {
    const r = invoiceFromGloux(
      { ...invoiceRow, totalNet: '18.06', totalVat: '3.54', total: '21.60' },
      [line(1, '20.07'), { ...line(2, '-2.01', null), kind: 'remise' }],
      ids,
    );
    if ('issue' in r) throw new Error(r.issue.message);
    expect(r.event.data.lines[1]).toMatchObject({
      kind: 'discount',
      serviceStart: '2008-03-02',
      serviceEnd: '2009-03-01',
    });
    expect(r.notes).toEqual([]);
  });

  it('refuses a draft-like row: no number, zero date, an avoir', () => {
    expect(invoiceFromGloux({ ...invoiceRow, number: '' }, [], ids)).toMatchObject({
      issue: { code: 'no_number' },
    });
    expect(invoiceFromGloux({ ...invoiceRow, issuedOn: null }, [], ids)).toMatchObject({
      issue: { code: 'no_date' },
    });
    expect(invoiceFromGloux({ ...invoiceRow, kind: 'avoir' }, [], ids)).toMatchObject({
      issue: { code: 'credit_note' },
    });
  });

  it('always has lines adding up to the invoice total, whatever Gloux’s lines say', () => {
    const cents = fc.integer({ min: -500_000, max: 500_000 });
    const amount = (c: number) => Money.of((c / 100).toFixed(2)).toString();
    fc.assert(
      fc.property(fc.array(cents, { maxLength: 6 }), cents, (nets, total) => {
        const r = invoiceFromGloux(
          { ...invoiceRow, total: amount(total), totalNet: amount(total), totalVat: '0.00' },
          nets.map((n, i) => line(i + 1, amount(n))),
          ids,
        );
        if ('issue' in r) return false;
        const sum = Money.sum(r.event.data.lines.map((l) => Money.of(l.total)));
        return sum.equals(Money.of(amount(total)));
      }),
    );
  });
});

const payment: GlouxPaymentRow = {
  id: 501,
  customerId: '1',
  mode: 'cheque',
  amount: '62.01',
  paidOn: '2008-03-18',
  enteredOn: null,
  reference: 'chq 0004512',
  bank: '',
  state: 'valide',
};

/** What gloux2 knows after the events: the fold the read models do, in small. */
function knownAfter(known: KnownPayment | null, r: PaymentIngest): KnownPayment | null {
  let k = known;
  for (const e of r.payment) {
    if (e.type === 'PaymentRecorded')
      k = {
        status: 'valid',
        amount: Money.of(e.data.amount),
        reversed: Money.ZERO,
        allocated: new Map(),
        allocations: new Map(),
      };
    else if (k)
      k = {
        ...k,
        status: e.data.kind === 'bounced' ? 'bounced' : k.status,
        reversed: k.reversed.plus(Money.of(e.data.amount)),
      };
  }
  if (!k) return null;
  const allocated = new Map(k.allocated);
  const allocations = new Map(k.allocations);
  for (const [invoiceId, events] of r.invoices)
    for (const e of events) {
      const m = Money.of(e.data.amount);
      if (e.data.paymentId === 'pay')
        allocated.set(invoiceId, (allocated.get(invoiceId) ?? Money.ZERO).plus(m));
      allocations.set(invoiceId, (allocations.get(invoiceId) ?? Money.ZERO).plus(m));
    }
  return { ...k, allocated, allocations };
}

describe('a Gloux payment as events', () => {
  const invoice = (id: string, balance: string) => ({
    invoiceId: id,
    number: id,
    balance: Money.of(balance),
  });
  const pid = { paymentId: 'pay', reversalId: 'rev' };

  it('records a mixed cheque (invoice + shares): the invoice part allocated, the rest left alone', () => {
    const r = paymentFromGloux(
      payment,
      [{ invoice: invoice('a', '30.01'), amount: Money.of('30.01') }],
      null,
      pid,
      '2026-11-25',
    );
    expect(r.payment[0]).toMatchObject({
      type: 'PaymentRecorded',
      data: {
        amount: '62.01',
        method: 'cheque',
        allocations: [{ invoiceId: 'a', amount: '30.01' }],
      },
    });
    expect(r.invoices.get('a')?.map((e) => e.data.amount)).toEqual(['30.01']);
  });

  it('takes up to the balance and reports the rest of an overpaying allocation', () => {
    const r = paymentFromGloux(
      payment,
      [{ invoice: invoice('a', '10.00'), amount: Money.of('30.01') }],
      null,
      pid,
      '2026-11-25',
    );
    expect(r.invoices.get('a')?.map((e) => e.data.amount)).toEqual(['10.00']);
    expect(r.issues.map((i) => i.code)).toEqual(['overpaid']);
  });

  it('is stable: once its events are known, the same Gloux state gives no event (any history)', () => {
    const state = fc.constantFrom('valide', 'rejete', 'rembourse', 'attente');
    const alloc = fc.record({
      a: fc.integer({ min: 0, max: 6000 }),
      b: fc.integer({ min: 0, max: 6000 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(state, alloc), { minLength: 1, maxLength: 6 }), (steps) => {
        let known: KnownPayment | null = null;
        for (const [s, a] of steps) {
          const allocations = [
            { invoice: invoice('a', '100.00'), amount: Money.of((a.a / 100).toFixed(2)) },
            { invoice: invoice('b', '100.00'), amount: Money.of((a.b / 100).toFixed(2)) },
          ];
          const row = { ...payment, amount: '120.00', state: s };
          const first = paymentFromGloux(row, allocations, known, pid, '2026-11-25');
          known = knownAfter(known, first);
          const again = paymentFromGloux(row, allocations, known, pid, '2026-11-25');
          if (again.payment.length > 0 || again.invoices.size > 0) return false;
          // A payment reversed never has more taken back than it brought.
          if (known && known.reversed.compare(known.amount) > 0) return false;
        }
        return true;
      }),
    );
  });
});
