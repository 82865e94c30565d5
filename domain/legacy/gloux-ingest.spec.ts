import fc from 'fast-check';
import type { PaymentEvent } from '../billing/events.js';
import { foldInvoice } from '../billing/invoice.js';
import { evolvePayment, initialPaymentState } from '../billing/payment.js';
import { Money } from '../shared/money.js';
import {
  creditNoteFromGloux,
  INCOMPLETE_LINES,
  invoiceFromGloux,
  paymentFromGloux,
  type GlouxInvoiceRow,
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
  it('keeps Gloux’s totals with VAT per rate on the base, and invents no line (F2008-000955)', () => {
    const r = invoiceFromGloux(invoiceRow, [line(1, '20.07'), line(2, '5.02')], ids);
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data).toMatchObject({
      total: '30.01',
      totalVat: '4.92',
      number: 'F2008-000955',
    });
    // round(25.09 × 19.6 %) = 4.92: 3.93 on the first line, 4.92 − 3.93 = 0.99 on the second.
    expect(r.event.data.lines.map((l) => [l.lineId, l.net, l.vat, l.total])).toEqual([
      ['line-1', '20.07', '3.93', '24.00'],
      ['line-2', '5.02', '0.99', '6.01'],
    ]);
    expect(r.notes).toEqual([]);
  });

  it('takes Gloux’s total_tva as the truth when its FLOAT arithmetic differs from the rule', () => {
    const r = invoiceFromGloux(
      { ...invoiceRow, totalVat: '4.91', total: '30.00' },
      [line(1, '5.02'), line(2, '20.07')],
      ids,
    );
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    // The cent goes to the largest line at a non-zero rate, never to a made-up 0 % line.
    expect(r.event.data.lines.map((l) => [l.lineId, l.net, l.vat, l.vatRate])).toEqual([
      ['line-1', '5.02', '0.98', '19.6'],
      ['line-2', '20.07', '3.93', '19.6'],
    ]);
    expect(r.event.data.totalVat).toBe('4.91');
    expect(Money.sum(r.event.data.lines.map((l) => Money.of(l.total))).toString()).toBe('30.00');
    expect(r.notes).toEqual([]);
  });

  it('gives a line without period (a discount) the invoice’s main period', () => {
    const r = invoiceFromGloux(
      { ...invoiceRow, totalNet: '18.06', totalVat: '3.54', total: '21.60' },
      [line(1, '20.07'), { ...line(2, '-2.01', null), kind: 'remise' }],
      ids,
    );
    if (!('event' in r)) throw new Error(JSON.stringify(r));
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

  it('waits for lines Gloux has not written yet, and invents none (issue 16 item 1)', () => {
    // Read between the factures insert and its factures_lignes inserts.
    expect(invoiceFromGloux(invoiceRow, [], ids)).toMatchObject({
      pending: { code: INCOMPLETE_LINES },
    });
    expect(invoiceFromGloux(invoiceRow, [line(1, '20.07')], ids)).toMatchObject({
      pending: { code: INCOMPLETE_LINES },
    });
    const r = invoiceFromGloux(invoiceRow, [line(1, '20.07'), line(2, '5.02')], ids);
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data.lines.map((l) => l.label)).toEqual(['Ligne 1', 'Ligne 2']);
  });

  it('takes an invoice only with lines adding up to its total, whatever Gloux’s lines say', () => {
    const cents = fc.integer({ min: -500_000, max: 500_000 });
    const amount = (c: number) => Money.of((c / 100).toFixed(2)).toString();
    fc.assert(
      fc.property(fc.array(cents, { maxLength: 6 }), cents, (nets, total) => {
        const r = invoiceFromGloux(
          { ...invoiceRow, total: amount(total), totalNet: amount(total), totalVat: '0.00' },
          // At 0 %, so the gap is the nets' alone.
          nets.map((n, i) => ({ ...line(i + 1, amount(n)), vatRate: '0' })),
          ids,
        );
        const gap = Math.abs(total - nets.reduce((a, b) => a + b, 0));
        // Beyond a cent per line, Gloux's lines are not all there: nothing is taken.
        if ('pending' in r) return gap > nets.length;
        if (!('event' in r)) return false;
        const sum = Money.sum(r.event.data.lines.map((l) => Money.of(l.total)));
        return gap <= nets.length && sum.equals(Money.of(amount(total)));
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
    else if (k && e.type === 'PaymentReversed')
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
  it('names a payment dated 0000-00-00 instead of dating it silently (issue 16 item 7)', () => {
    const r = paymentFromGloux(
      { ...payment, paidOn: null, enteredOn: '2026-11-20' },
      [],
      null,
      pid,
      '2026-12-07',
    );
    expect(r.issues.map((i) => i.code)).toContain('zero_payment_date');
  });

  const invoice = (id: string, balance: string) => ({
    invoiceId: id,
    number: id,
    balance: Money.of(balance),
  });
  const pid = { paymentId: 'pay', reversalId: 'rev' };
  /** Gloux's successive states of one payment: etat, and its allocations to invoices a and b. */
  const histories = fc.array(
    fc.tuple(
      fc.constantFrom('valide', 'rejete', 'rembourse', 'attente'),
      fc.record({ a: fc.integer({ min: 0, max: 6000 }), b: fc.integer({ min: 0, max: 6000 }) }),
    ),
    { minLength: 1, maxLength: 6 },
  );
  const allocationsOf = (a: { a: number; b: number }) => [
    { invoice: invoice('a', '100.00'), amount: Money.of((a.a / 100).toFixed(2)) },
    { invoice: invoice('b', '100.00'), amount: Money.of((a.b / 100).toFixed(2)) },
  ];

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

  /** Gloux's payment allocated 30.01 to invoice a; later Gloux allocates `b` to invoice b too. */
  const firstOnA = () =>
    paymentFromGloux(
      payment,
      [{ invoice: invoice('a', '30.01'), amount: Money.of('30.01') }],
      null,
      pid,
      '2026-11-25',
    );
  const laterOnB = (known: KnownPayment | null, b: string) =>
    paymentFromGloux(
      payment,
      [
        { invoice: invoice('a', '0.00'), amount: Money.of('30.01') },
        { invoice: invoice('b', '40.00'), amount: Money.of(b) },
      ],
      known,
      pid,
      '2026-11-25',
    );

  it('puts an allocation Gloux adds to a known payment on the payment’s stream too', () => {
    const first = firstOnA();
    const known = knownAfter(null, first);
    const r = laterOnB(known, '32.00');
    expect(r.payment).toEqual([
      {
        type: 'PaymentAllocationChanged',
        data: {
          paymentId: 'pay',
          customerId: '1',
          invoiceId: 'b',
          amount: '32.00',
          // The day gloux2 sees it, not the payment's 2008-03-18 (issue 16 item 8).
          on: '2026-11-25',
        },
      },
    ]);
    expect(r.invoices.get('b')?.map((e) => [e.data.amount, e.data.paidOn])).toEqual([
      ['32.00', '2026-11-25'],
    ]);
    const state = [...first.payment, ...r.payment].reduce(evolvePayment, initialPaymentState);
    expect([...state.allocations].map(([id, m]) => [id, m.toString()])).toEqual([
      ['a', '30.01'],
      ['b', '32.00'],
    ]);
    expect(state.creditPart.toString()).toBe('0.00');
  });

  it('reports an allocation Gloux adds to a known payment beyond the payment’s amount', () => {
    const first = firstOnA();
    const known = knownAfter(null, first);
    const within = laterOnB(known, '32.00');
    expect(within.issues).toEqual([]);
    const beyond = laterOnB(known, '32.01');
    expect(beyond.payment.map((e) => e.type)).toEqual(['PaymentAllocationChanged']);
    expect(beyond.issues).toEqual([
      {
        code: 'allocations_exceed_payment',
        message: 'Paiement n° 501 : ses affectations (62.02) dépassent son montant (62.01).',
      },
    ]);
  });

  it('keeps the payment’s stream agreeing with its invoices’ allocations (any history)', () => {
    fc.assert(
      fc.property(histories, (steps) => {
        let known: KnownPayment | null = null;
        const stream: PaymentEvent[] = [];
        for (const [s, a] of steps) {
          const allocations = allocationsOf(a);
          const r = paymentFromGloux(
            { ...payment, amount: '120.00', state: s },
            allocations,
            known,
            pid,
            '2026-11-25',
          );
          stream.push(...r.payment);
          known = knownAfter(known, r);
          if (!known) continue;
          // What the payment's stream says it pays on each invoice = what the invoices got.
          const folded = stream.reduce(evolvePayment, initialPaymentState).allocations;
          for (const id of new Set([...folded.keys(), ...known.allocations.keys()]))
            if (!(folded.get(id) ?? Money.ZERO).equals(known.allocations.get(id) ?? Money.ZERO))
              return false;
        }
        return true;
      }),
    );
  });

  it('is stable: once its events are known, the same Gloux state gives no event (any history)', () => {
    fc.assert(
      fc.property(histories, (steps) => {
        let known: KnownPayment | null = null;
        for (const [s, a] of steps) {
          const allocations = allocationsOf(a);
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

describe('a Gloux avoir as a CreditNoteIssued', () => {
  const issued = invoiceFromGloux(invoiceRow, [line(1, '20.07'), line(2, '5.02')], ids);
  if (!('event' in issued)) throw new Error(JSON.stringify(issued));
  const unpaid = foldInvoice([issued.event]);
  const paid = foldInvoice([
    issued.event,
    {
      type: 'InvoicePaymentAllocated',
      data: { invoiceId: 'inv', paymentId: 'p', amount: '30.01', paidOn: '2008-03-18' },
    },
  ]);
  const avoirIds = {
    creditNoteId: 'cn',
    lineId: (i: number) => `cn-${i}`,
    adjustmentLineId: 'adjust',
  };
  const avoir = (total: string, more: Partial<GlouxInvoiceRow> = {}): GlouxInvoiceRow => ({
    ...invoiceRow,
    id: 140,
    number: 'F2008-001000',
    issuedOn: '2008-04-01',
    dueOn: '2008-04-01',
    totalNet: '0',
    totalVat: '0',
    total,
    status: 'emise',
    kind: 'avoir',
    originId: 101,
    ...more,
  });
  const avoirLine = (id: number, net: string, label: string): GlouxLineRow => ({
    ...line(id, net),
    invoiceId: 140,
    label,
  });

  it('cancels the whole invoice, giving back exactly the VAT invoiced, keeping Gloux’s number', () => {
    const r = creditNoteFromGloux(
      avoir('-30.01'),
      [avoirLine(7, '-20.07', 'Ligne 1'), avoirLine(8, '-5.02', 'Ligne 2')],
      unpaid,
      avoirIds,
    );
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data).toMatchObject({
      number: 'F2008-001000',
      invoiceId: 'inv',
      invoiceNumber: 'F2008-000955',
      total: '30.01',
      settled: '30.01',
      toCredit: '0.00',
      reason: 'Avoir Gloux : Ligne 1, Ligne 2',
    });
    expect(r.event.data.lines.map((l) => [l.creditedLineId, l.net, l.vat])).toEqual([
      ['line-1', '20.07', '3.93'],
      ['line-2', '5.02', '0.99'],
    ]);
    expect(foldInvoice([issued.event, r.event]).status).toBe('cancelled');
  });

  it('reads an avoir written with positive amounts the same; on a paid invoice it becomes credit', () => {
    const r = creditNoteFromGloux(avoir('30.01'), [], paid, avoirIds);
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data).toMatchObject({ total: '30.01', settled: '0.00', toCredit: '30.01' });
  });

  it('credits the matching line of a partial avoir', () => {
    const r = creditNoteFromGloux(
      avoir('-6.00'),
      [{ ...avoirLine(7, '-5.02', 'Ligne 2'), productId: 1 }],
      unpaid,
      avoirIds,
    );
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data.lines.map((l) => [l.creditedLineId, l.net, l.total])).toEqual([
      ['line-2', '5.02', '6.00'],
    ]);
    expect(r.notes).toEqual([]);
  });

  it('computes a partial avoir’s VAT on its own base, as Gloux does: no rounding line needed', () => {
    // Gloux: 12.54 net, VAT round(12.54 × 19.6 %) = 2.46, 15.00 (line by line: 14.99).
    const r = creditNoteFromGloux(
      avoir('-15.00'),
      [avoirLine(7, '-10.03', 'Ligne 1'), avoirLine(8, '-2.51', 'Ligne 2')],
      unpaid,
      avoirIds,
    );
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data.total).toBe('15.00');
    expect(r.event.data.lines.map((l) => [l.creditedLineId, l.vat, l.total])).toEqual([
      ['line-1', '1.97', '12.00'],
      ['line-2', '0.49', '3.00'],
    ]);
    expect(r.notes).toEqual([]);
  });

  it('on an invoice taken in before, takes a cent Gloux’s avoir differs by from its rounding line', () => {
    // The shape earlier imports recorded: VAT line by line and a 0 % line for Gloux's cent.
    const old = (lineId: string, net: string, vat: string, vatRate = '19.6') => ({
      lineId,
      kind: 'subscription' as const,
      label:
        lineId === 'adjust'
          ? 'Écart d’arrondi de Gloux (TVA calculée sur le total)'
          : `Ligne ${lineId.slice(5)}`,
      productId: '1',
      hostingId: '1',
      quantity: '1',
      unitNet: net,
      net,
      vatRate,
      vat,
      total: Money.of(net).plus(Money.of(vat)).toString(),
      serviceStart: '2008-03-02',
      serviceEnd: '2009-03-01',
    });
    const before = foldInvoice([
      {
        type: 'InvoiceIssued',
        data: {
          ...issued.event.data,
          lines: [
            old('line-1', '20.07', '3.93'),
            old('line-2', '5.02', '0.98'),
            { ...old('adjust', '0.01', '0.00', '0'), productId: null, hostingId: null },
          ],
        },
      },
    ]);
    // Gloux's FLOAT arithmetic gave this avoir 15.01 where its base at 19.6 % makes 15.00.
    const r = creditNoteFromGloux(
      avoir('-15.01'),
      [avoirLine(7, '-10.03', 'Ligne 1'), avoirLine(8, '-2.51', 'Ligne 2')],
      before,
      avoirIds,
    );
    if (!('event' in r)) throw new Error(JSON.stringify(r));
    expect(r.event.data.total).toBe('15.01');
    expect(r.event.data.lines.map((l) => [l.creditedLineId, l.total])).toEqual([
      ['line-1', '12.00'],
      ['line-2', '3.00'],
      ['adjust', '0.01'],
    ]);
    expect(r.notes.map((n) => n.code)).toEqual(['rounding']);
  });

  it('leaves to a person what gloux2 cannot represent, saying why', () => {
    const code = (r: ReturnType<typeof creditNoteFromGloux>) => ('issue' in r ? r.issue.code : '');
    expect(
      code(creditNoteFromGloux(avoir('-30.01', { issuedOn: null }), [], unpaid, avoirIds)),
    ).toBe('no_date');
    expect(code(creditNoteFromGloux(avoir('0.00'), [], unpaid, avoirIds))).toBe('bad_amount');
    expect(
      code(creditNoteFromGloux(avoir('-30.01', { customerId: '2' }), [], unpaid, avoirIds)),
    ).toBe('credit_note_customer');
    // More than the line has left, or no line at all for a partial amount.
    expect(
      code(creditNoteFromGloux(avoir('-30.00'), [avoirLine(7, '-25.00', 'x')], unpaid, avoirIds)),
    ).toBe('credit_note_lines');
    expect(code(creditNoteFromGloux(avoir('-10.00'), [], unpaid, avoirIds))).toBe(
      'credit_note_lines',
    );
    // Dated before its invoice, or more than the invoice: gloux2's rules, in French.
    const early = creditNoteFromGloux(
      avoir('-30.01', { issuedOn: '2008-01-01' }),
      [],
      unpaid,
      avoirIds,
    );
    expect(early).toMatchObject({ issue: { code: 'credit_note_invalid' } });
    expect('issue' in early && early.issue.message).toContain('ne peut pas précéder la facture');
    expect(
      code(
        creditNoteFromGloux(avoir('-40.00'), [avoirLine(7, '-20.07', 'Ligne 1')], unpaid, avoirIds),
      ),
    ).toBe('credit_note_total');
    const cancelled = creditNoteFromGloux(avoir('-30.01'), [], unpaid, avoirIds);
    if ('issue' in cancelled) throw new Error(cancelled.issue.message);
    const twice = foldInvoice([issued.event, cancelled.event]);
    expect(code(creditNoteFromGloux(avoir('-30.01'), [], twice, avoirIds))).toBe(
      'already_cancelled',
    );
  });
});
