import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, compareDays } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Dec, Money } from '../shared/money.js';
import { decideIssueInvoice, evolveInvoice, initialInvoiceState } from './invoice.js';
import { decideRecordPayment, GLOUX_MAX_AMOUNT, type RecordPayment } from './payment.js';

const TODAY = '2026-12-07';
const ISSUED_ON = '2026-12-01';

/** One invoice of customer 3, 120.00 € TTC, issued on ISSUED_ON. */
function invoice() {
  const [issued] = decideIssueInvoice(
    initialInvoiceState,
    {
      customerId: '3',
      issuedOn: ISSUED_ON,
      lines: [
        {
          label: 'Hébergement',
          net: '100.00',
          vatRate: '20',
          serviceStart: '2026-12-01',
          serviceEnd: '2027-11-30',
        },
      ],
    },
    { invoiceId: 'inv-1', number: 'F2026-000001', billingAddress: '', lineId: () => 'l1' },
  );
  return new Map([['inv-1', evolveInvoice(initialInvoiceState, issued!)]]);
}

const payment = (over: Partial<RecordPayment> = {}): RecordPayment => ({
  customerId: '3',
  method: 'transfer',
  amount: '120.00',
  receivedOn: '2026-12-05',
  reference: 'VIR 1',
  allocations: [{ invoiceId: 'inv-1', amount: '120.00' }],
  ...over,
});

const ctx = { paymentId: 'p1', today: TODAY, firstDocumentOn: ISSUED_ON };

const refusal = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a refusal');
};

describe('decideRecordPayment — dates and ceilings', () => {
  it('refuses a payment dated 1900-01-01 against an invoice issued this month, in French', () => {
    const e = refusal(() =>
      decideRecordPayment(payment({ receivedOn: '1900-01-01' }), invoice(), {
        ...ctx,
        firstDocumentOn: null,
      }),
    );
    expect(e).toMatchObject({
      code: 'invalid_input',
      field: 'receivedOn',
      message: 'La date de réception précède la facture F2026-000001 (émise le 01/12/2026).',
    });
  });

  it('accepts a payment received the day the invoice was issued', () => {
    const d = decideRecordPayment(payment({ receivedOn: ISSUED_ON }), invoice(), ctx);
    expect(d.payment.data.receivedOn).toBe(ISSUED_ON);
  });

  it('refuses a surplus-only payment dated before the customer’s first document', () => {
    const e = refusal(() =>
      decideRecordPayment(
        payment({ receivedOn: '2026-11-30', allocations: [], overpayment: true, amount: '5.00' }),
        invoice(),
        ctx,
      ),
    );
    expect(e).toMatchObject({
      field: 'receivedOn',
      message: 'La date de réception précède le premier document de ce client (01/12/2026).',
    });
  });

  it('refuses, even as credit, what Gloux’s DECIMAL(10,2) cannot hold', () => {
    const e = refusal(() =>
      decideRecordPayment(
        payment({ amount: '9999999999999.99', overpayment: true }),
        invoice(),
        ctx,
      ),
    );
    expect(e).toMatchObject({ code: 'invalid_input', field: 'amount' });
    expect(e.message).toContain('99\u202f999\u202f999,99');
    const atLimit = decideRecordPayment(
      payment({ amount: GLOUX_MAX_AMOUNT.toString(), overpayment: true }),
      invoice(),
      ctx,
    );
    expect(atLimit.credit?.data.amount).toBe('99999879.99');
  });

  it('refuses what exceeds the configured sanity ceiling', () => {
    const limited = { ...ctx, maxAmount: Money.of('10000.00') };
    expect(
      refusal(() =>
        decideRecordPayment(payment({ amount: '10000.01', overpayment: true }), invoice(), limited),
      ).details,
    ).toEqual({ max: '10000.00' });
    const ok = decideRecordPayment(
      payment({ amount: '10000.00', overpayment: true }),
      invoice(),
      limited,
    );
    expect(ok.credit?.data.amount).toBe('9880.00');
  });

  it('property: a payment is recorded only when dated from the invoice on and within the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -40_000, max: 0 }),
        fc.bigInt({ min: 12_000n, max: 10_000_000_000n }),
        fc.bigInt({ min: 12_000n, max: 9_999_999_999n }),
        (offset, cents, maxCents) => {
          const receivedOn = addDays(TODAY, offset);
          const amount = new Dec(cents.toString()).dividedBy(100).toFixed(2);
          const maxAmount = Money.of(new Dec(maxCents.toString()).dividedBy(100).toFixed(2));
          const cmd = payment({ receivedOn, amount, overpayment: true });
          const ceiling = maxAmount.compare(GLOUX_MAX_AMOUNT) < 0 ? maxAmount : GLOUX_MAX_AMOUNT;
          const allowed =
            compareDays(receivedOn, ISSUED_ON) >= 0 && Money.of(amount).compare(ceiling) <= 0;
          let recorded = false;
          try {
            decideRecordPayment(cmd, invoice(), { ...ctx, maxAmount });
            recorded = true;
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
          }
          expect(recorded).toBe(allowed);
        },
      ),
    );
  });
});

describe('decideRecordPayment — texts mirrored into Gloux’s latin1 columns (issue 16 item 5)', () => {
  it('refuses a reference within 64 characters but over paiements.reference’s 64 bytes', () => {
    const e = refusal(() =>
      decideRecordPayment(payment({ reference: 'é'.repeat(40) }), invoice(), ctx),
    );
    expect(e).toMatchObject({ code: 'invalid_input', field: 'reference' });
    expect(e.message).toMatch(/64 octets au plus, ici 80/);
  });

  it('refuses a bank name within 64 characters but over paiements.banque’s 64 bytes', () => {
    const e = refusal(() =>
      decideRecordPayment(payment({ bank: 'Crédit Agricole ' + '€'.repeat(20) }), invoice(), ctx),
    );
    expect(e).toMatchObject({ code: 'invalid_input', field: 'bank' });
    expect(e.message).toMatch(/64 octets au plus, ici 77/);
  });

  it('accepts 64 bytes exactly', () => {
    const d = decideRecordPayment(
      payment({ reference: 'é'.repeat(32), bank: 'a'.repeat(62) + 'é' }),
      invoice(),
      ctx,
    );
    expect(d.payment.data.reference).toBe('é'.repeat(32));
  });
});

describe('decideIssueInvoice — line labels and factures_lignes.libelle (issue 16 item 5)', () => {
  it('refuses a label within 255 characters but over the column’s 255 bytes, naming the line', () => {
    const e = refusal(() =>
      decideIssueInvoice(
        initialInvoiceState,
        {
          customerId: '3',
          issuedOn: ISSUED_ON,
          lines: [
            {
              label: 'Hébergement',
              net: '1.00',
              vatRate: '20',
              serviceStart: ISSUED_ON,
              serviceEnd: ISSUED_ON,
            },
            {
              label: 'Réglé '.repeat(40),
              net: '1.00',
              vatRate: '20',
              serviceStart: ISSUED_ON,
              serviceEnd: ISSUED_ON,
            },
          ],
        },
        { invoiceId: 'inv-2', number: 'F2026-000002', billingAddress: '', lineId: () => 'l' },
      ),
    );
    expect(e).toMatchObject({ code: 'invalid_input', field: 'lines[1].label' });
    expect(e.message).toMatch(
      /^Ligne 2 : libellé trop long pour la base commune avec Gloux : 255 octets au plus, ici 319/,
    );
  });
});
