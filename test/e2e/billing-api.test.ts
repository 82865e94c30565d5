import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import type { CreditNoteDraft } from '../../src/billing/billing-forms.queries.js';
import type { CustomerPage } from '../../src/billing/billing-queries.js';
import type {
  ApplyCreditResult,
  RefundCreditResult,
} from '../../src/billing/customer-credit.commands.js';
import type { IssueCreditNoteResult } from '../../src/billing/issue-credit-note.command.js';
import type { IssueInvoiceResult } from '../../src/billing/issue-invoice.command.js';
import type { RecordPaymentResult } from '../../src/billing/record-payment.command.js';
import type { ReversePaymentResult } from '../../src/billing/reverse-payment.command.js';
import { euros, useAppClient, type ApiError, type HomeData } from './http-client.js';

jest.setTimeout(60_000);

const { getPage, getJson, postJson, legacySynced } = useAppClient();

/** Today in Paris, as the app dates things (payments may not be dated in the future). */
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const key = () => `e2e-billing-${randomUUID()}`;

/** Jean Dupont: in the demo, every invoice paid and no credit. */
const MEMBER = '4';

async function member(customerId = MEMBER): Promise<CustomerPage> {
  const { status, body } = await getJson<CustomerPage>(`/api/adherents/${customerId}`);
  expect(status).toBe(200);
  return body;
}

const docOf = (page: CustomerPage, number: string) => {
  const doc = page.invoices.find((i) => i.number === number);
  if (!doc) throw new Error(`${number} is not on the member's page`);
  return doc;
};

/** The event log's last position: a refused command must not move it. */
const logPosition = async () => (await getJson<HomeData>('/api')).body.legacySync.logPosition;

async function issue(customerId: string, net: string): Promise<IssueInvoiceResult> {
  const { status, body } = await postJson<IssueInvoiceResult>('/api/factures', {
    customerId,
    issuedOn: today,
    lines: [
      {
        label: 'Plaque de base',
        net,
        vatRate: '20',
        serviceStart: today,
        serviceEnd: today,
      },
    ],
    idempotencyKey: key(),
  });
  expect(status).toBe(201);
  return body;
}

/** Posts a request that must be refused with `status` and `code`, recording nothing. */
async function expectRefused(
  path: string,
  payload: unknown,
  expected: { status: number; code: string; field?: string },
): Promise<ApiError['error']> {
  const before = await logPosition();
  const pageBefore = await member();
  const { status, body } = await postJson<ApiError>(path, payload);
  expect({ status, code: body.error?.code }).toEqual({
    status: expected.status,
    code: expected.code,
  });
  if (expected.field !== undefined) expect(body.error.field).toBe(expected.field);
  expect(body.error.message).toEqual(expect.any(String));
  expect(await logPosition()).toBe(before);
  expect(await member()).toEqual(pageBefore);
  return body.error;
}

describe('credit notes, payments, reversals and credit over the JSON API', () => {
  let cash: RecordPaymentResult;
  let cheque: RecordPaymentResult;
  const state: { a?: IssueInvoiceResult; b?: IssueInvoiceResult } = {};
  const issued = () => {
    if (!state.a || !state.b) throw new Error('the invoices were not issued (see the first test)');
    return { a: state.a, b: state.b };
  };

  it('starts from a member with nothing due and no credit, then issues A (120.00) and B (60.00)', async () => {
    const start = await member();
    expect({ due: start.due, credit: start.credit }).toEqual({ due: '0.00', credit: '0.00' });
    const a = await issue(MEMBER, '100.00');
    const b = await issue(MEMBER, '50.00');
    Object.assign(state, { a, b });
    expect([a.total, b.total]).toEqual(['120.00', '60.00']);
    expect((await member()).due).toBe('180.00');
  });

  it('records a partial payment by transfer on A (201)', async () => {
    const { a } = issued();
    const { status, body } = await postJson<RecordPaymentResult>('/api/paiements', {
      customerId: MEMBER,
      method: 'transfer',
      amount: '50.00',
      receivedOn: today,
      reference: 'VIR-1',
      allocations: [{ invoiceId: a.invoiceId, amount: '50.00' }],
      idempotencyKey: key(),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ amount: '50.00', credited: '0.00' });
    expect(body.invoices).toEqual([
      { invoiceId: a.invoiceId, number: a.number, allocated: '50.00', balance: '70.00' },
    ]);
    const page = await member();
    expect(docOf(page, a.number)).toMatchObject({ paid: '50.00', balance: '70.00' });
    expect(page.payments[0]).toMatchObject({
      paymentId: body.paymentId,
      method: 'transfer',
      amount: '50.00',
      reference: 'VIR-1',
      status: 'valid',
      reversed: '0.00',
    });
  });

  it('spreads one cash payment over A and B, oldest first, when no allocation is given', async () => {
    const { a, b } = issued();
    const body = { customerId: MEMBER, method: 'cash', amount: '100.00', receivedOn: today };
    const k = key();
    const first = await postJson<RecordPaymentResult>('/api/paiements', {
      ...body,
      reference: '',
      idempotencyKey: k,
    });
    expect(first.status).toBe(201);
    cash = first.body;
    expect(cash.invoices.map((i) => [i.number, i.allocated, i.balance])).toEqual([
      [a.number, '70.00', '0.00'],
      [b.number, '30.00', '30.00'],
    ]);
    // The same key again: the same payment, nothing more recorded.
    const before = await logPosition();
    const again = await postJson<RecordPaymentResult>('/api/paiements', {
      ...body,
      reference: '',
      idempotencyKey: k,
    });
    expect(again).toEqual({ status: 201, body: cash });
    expect(await logPosition()).toBe(before);
    expect(docOf(await member(), a.number).status).toBe('paid');
  });

  it('refuses an unallocated surplus unless asked, then keeps it as credit', async () => {
    const { b } = issued();
    const payment = {
      customerId: MEMBER,
      method: 'cheque',
      amount: '50.00',
      receivedOn: today,
      reference: '7000001',
      bank: 'La Banque Postale',
      allocations: [{ invoiceId: b.invoiceId, amount: '30.00' }],
    };
    const error = await expectRefused(
      '/api/paiements',
      { ...payment, idempotencyKey: key() },
      { status: 422, code: 'allocation_mismatch', field: 'amount' },
    );
    expect(error.message).toContain('surplus en crédit');

    const { status, body } = await postJson<RecordPaymentResult>('/api/paiements', {
      ...payment,
      overpayment: true,
      idempotencyKey: key(),
    });
    expect(status).toBe(201);
    cheque = body;
    expect(body.credited).toBe('20.00');
    expect(body.invoices).toEqual([
      { invoiceId: b.invoiceId, number: b.number, allocated: '30.00', balance: '0.00' },
    ]);
    const page = await member();
    expect({ credit: page.credit, due: page.due, balance: page.balance }).toEqual({
      credit: '20.00',
      due: '0.00',
      balance: '20.00',
    });
    expect(docOf(page, b.number).status).toBe('paid');
    expect(page.payments.find((p) => p.paymentId === body.paymentId)).toMatchObject({
      method: 'cheque',
      credit: '20.00',
    });
  });

  it('cancels the paid invoice A by a credit note: its 120.00 goes to the credit', async () => {
    const { a } = issued();
    const { body: draft } = await getJson<CreditNoteDraft>(`/api/factures/${a.invoiceId}/lignes`);
    expect(draft.lines).toEqual([
      expect.objectContaining({ label: 'Plaque de base', net: '100.00', remaining: '100.00' }),
    ]);
    const { status, body } = await postJson<IssueCreditNoteResult>('/api/avoirs', {
      invoiceId: a.invoiceId,
      issuedOn: today,
      reason: 'Erreur de facturation',
      idempotencyKey: key(),
    });
    expect(status).toBe(201);
    expect(body.number).toMatch(/^A\d{4}-\d{6}$/);
    expect(body).toMatchObject({ invoiceId: a.invoiceId, total: '120.00', toCredit: '120.00' });

    const page = await member();
    expect(docOf(page, a.number)).toMatchObject({ status: 'cancelled', credited: '120.00' });
    expect(docOf(page, body.number)).toMatchObject({
      kind: 'credit_note',
      total: '-120.00',
      originInvoiceId: a.invoiceId,
      originNumber: a.number,
    });
    expect(page.credit).toBe('140.00');
    const { body: after } = await getJson<CreditNoteDraft>(`/api/factures/${a.invoiceId}/lignes`);
    expect(after.lines[0]?.remaining).toBe('0.00');
  });

  it('refuses a credit note on the cancelled invoice, and a payment on it', async () => {
    const { a } = issued();
    await expectRefused(
      '/api/avoirs',
      { invoiceId: a.invoiceId, issuedOn: today, reason: 'Encore', idempotencyKey: key() },
      { status: 409, code: 'already_cancelled', field: 'invoiceId' },
    );
    await expectRefused(
      '/api/paiements',
      {
        customerId: MEMBER,
        method: 'transfer',
        amount: '10.00',
        receivedOn: today,
        reference: 'VIR-X',
        allocations: [{ invoiceId: a.invoiceId, amount: '10.00' }],
        idempotencyKey: key(),
      },
      { status: 422, code: 'invoice_cancelled', field: 'allocations[0].invoiceId' },
    );
  });

  it('pays back 130.00 of the credit, and refuses more than what is left', async () => {
    const refund = { on: today, method: 'transfer', reference: 'RMB-1' };
    const { status, body } = await postJson<RefundCreditResult>(
      `/api/adherents/${MEMBER}/credit/remboursement`,
      { ...refund, amount: '130.00', idempotencyKey: key() },
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ amount: '130.00', creditLeft: '10.00' });
    await expectRefused(
      `/api/adherents/${MEMBER}/credit/remboursement`,
      { ...refund, amount: '10.01', idempotencyKey: key() },
      { status: 422, code: 'exceeds_credit', field: 'amount' },
    );
    expect((await member()).credit).toBe('10.00');
  });

  it('refuses to bounce a payment that is not a cheque, and a refund above the payment', async () => {
    await expectRefused(
      `/api/paiements/${cash.paymentId}/impaye`,
      { on: today, idempotencyKey: key() },
      { status: 422, code: 'invalid_input', field: 'kind' },
    );
    await expectRefused(
      `/api/paiements/${cash.paymentId}/remboursement`,
      { amount: '100.01', on: today, reference: 'RMB-X', idempotencyKey: key() },
      { status: 422, code: 'exceeds_payment', field: 'amount' },
    );
  });

  it('bounces the cheque: B is owed again and the credit it fed, partly refunded, becomes a debt', async () => {
    const { b } = issued();
    const { status, body } = await postJson<ReversePaymentResult>(
      `/api/paiements/${cheque.paymentId}/impaye`,
      { on: today, reason: 'Provision insuffisante', idempotencyKey: key() },
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({
      paymentId: cheque.paymentId,
      amount: '50.00',
      fromCredit: '20.00',
    });
    expect(body.invoices).toEqual([{ invoiceId: b.invoiceId, number: b.number, balance: '30.00' }]);

    const page = await member();
    // 10.00 of credit was left; the cheque had fed 20.00 of it.
    expect({ credit: page.credit, due: page.due }).toEqual({ credit: '-10.00', due: '40.00' });
    expect(docOf(page, b.number)).toMatchObject({ status: 'issued', balance: '30.00' });
    expect(page.payments.find((p) => p.paymentId === cheque.paymentId)).toMatchObject({
      status: 'bounced',
      reversed: '50.00',
    });
    await expectRefused(
      `/api/paiements/${cheque.paymentId}/impaye`,
      { on: today, idempotencyKey: key() },
      { status: 409, code: 'already_bounced' },
    );
    await expectRefused(
      `/api/adherents/${MEMBER}/credit/utilisation`,
      { idempotencyKey: key() },
      { status: 422, code: 'no_credit' },
    );
  });

  it('refunds part of the cash payment: B is owed that much more', async () => {
    const { b } = issued();
    const { status, body } = await postJson<ReversePaymentResult>(
      `/api/paiements/${cash.paymentId}/remboursement`,
      {
        amount: '10.00',
        on: today,
        reference: 'RMB-2',
        reason: 'Trop perçu',
        idempotencyKey: key(),
      },
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ amount: '10.00', fromCredit: '0.00' });
    expect(body.invoices).toEqual([{ invoiceId: b.invoiceId, number: b.number, balance: '40.00' }]);
    const page = await member();
    expect(page.due).toBe('50.00');
    expect(page.payments.find((p) => p.paymentId === cash.paymentId)).toMatchObject({
      status: 'valid',
      reversed: '10.00',
    });
  });

  it("shows it all on the member's page in French, and Gloux's balance agrees", async () => {
    const { a, b } = issued();
    const page = await member();
    const html = (await getPage(`/adherents/${MEMBER}`)).html;
    expect(html).toContain(`Dette hors facture : <strong>${euros('10.00')}</strong>`);
    expect(html).toContain(`Reste à payer : ${euros('50.00')}`);
    const row = (number: string) => {
      const start = html.indexOf(`<tr data-invoice="${number}">`);
      expect(start).toBeGreaterThanOrEqual(0);
      return html.slice(start, html.indexOf('</tr>', start));
    };
    const note = page.invoices.find((i) => i.kind === 'credit_note' && i.originNumber === a.number);
    expect(row(note?.number ?? '?')).toMatch(
      new RegExp(`Avoir[\\s\\S]*${euros('-120.00')}[\\s\\S]*Avoir sur ${a.number}`),
    );
    expect(row(a.number)).toContain('Annulée par avoir');
    expect(row(b.number)).toContain('À régler');
    const payment = (id: string) => {
      const start = html.indexOf(`<tr data-payment="${id}">`);
      expect(start).toBeGreaterThanOrEqual(0);
      return html.slice(start, html.indexOf('</tr>', start));
    };
    expect(payment(cheque.paymentId)).toContain('impayé');
    expect(payment(cheque.paymentId)).toContain('Chèque');
    expect(payment(cash.paymentId)).toContain(`remboursé ${euros('10.00')}`);
    expect(payment(cash.paymentId)).toContain('Espèces');

    const home = await legacySynced();
    expect(home.customers.find((c) => c.customerId === MEMBER)?.balance).toBe(page.balance);
  });

  it('uses a credit on an unpaid invoice when asked', async () => {
    // Anne Lefèvre: nothing due, no credit. A transfer with no invoice goes to her credit.
    const anne = '1';
    expect((await member(anne)).credit).toBe('0.00');
    const d = await issue(anne, '10.00');
    const paid = await postJson<RecordPaymentResult>('/api/paiements', {
      customerId: anne,
      method: 'transfer',
      amount: '20.00',
      receivedOn: today,
      reference: 'VIR-ANNE',
      allocations: [],
      overpayment: true,
      idempotencyKey: key(),
    });
    expect(paid.status).toBe(201);
    expect(paid.body.credited).toBe('20.00');
    expect(docOf(await member(anne), d.number).status).toBe('issued');

    const { status, body } = await postJson<ApplyCreditResult>(
      `/api/adherents/${anne}/credit/utilisation`,
      { invoiceId: d.invoiceId, idempotencyKey: key() },
    );
    expect(status).toBe(201);
    expect(body).toEqual({
      applied: [{ invoiceId: d.invoiceId, amount: '12.00' }],
      creditLeft: '8.00',
    });
    const page = await member(anne);
    expect(docOf(page, d.number)).toMatchObject({ status: 'paid', balance: '0.00' });
    expect(page.credit).toBe('8.00');
  });
});

describe('bad requests get a clear 4xx JSON error and change nothing', () => {
  it.each([
    { path: '/api/avoirs', what: 'a credit note' },
    { path: '/api/paiements', what: 'a payment' },
    { path: `/api/paiements/${randomUUID()}/impaye`, what: 'a bounce' },
    { path: `/api/paiements/${randomUUID()}/remboursement`, what: 'a refund' },
    { path: `/api/adherents/${MEMBER}/credit/utilisation`, what: 'a credit application' },
    { path: `/api/adherents/${MEMBER}/credit/remboursement`, what: 'a credit refund' },
  ])('malformed JSON for $what: 400', async ({ path }) => {
    await expectRefused(path, '{"amount": "10.00",', { status: 400, code: 'bad_request' });
    await expectRefused(path, '[]', { status: 422, code: 'invalid_input' });
  });

  it.each([
    {
      what: 'a negative payment',
      path: '/api/paiements',
      payload: {
        customerId: MEMBER,
        method: 'cash',
        amount: '-5.00',
        receivedOn: today,
        reference: '',
        overpayment: true,
        allocations: [],
      },
      status: 422,
      code: 'invalid_input',
      field: 'amount',
    },
    {
      what: 'an unknown payment mode',
      path: '/api/paiements',
      payload: {
        customerId: MEMBER,
        method: 'bitcoin',
        amount: '5.00',
        receivedOn: today,
        reference: '',
      },
      status: 422,
      code: 'invalid_input',
      field: 'method',
    },
    {
      what: 'a payment for an unknown member',
      path: '/api/paiements',
      payload: {
        customerId: '999',
        method: 'cash',
        amount: '5.00',
        receivedOn: today,
        reference: '',
        overpayment: true,
        allocations: [],
      },
      status: 404,
      code: 'not_found',
      field: 'customerId',
    },
    {
      what: 'a member id that is not a string',
      path: '/api/paiements',
      payload: { customerId: 4, method: 'cash', amount: '5.00', receivedOn: today, reference: '' },
      status: 422,
      code: 'invalid_input',
      field: 'customerId',
    },
    {
      what: 'a credit note on an unknown invoice',
      path: '/api/avoirs',
      payload: { invoiceId: randomUUID(), issuedOn: today, reason: 'x' },
      status: 404,
      code: 'not_found',
      field: 'invoiceId',
    },
    {
      what: 'a credit note on an id that is not one',
      path: '/api/avoirs',
      payload: { invoiceId: '../etc', issuedOn: today, reason: 'x' },
      status: 404,
      code: 'not_found',
      field: 'invoiceId',
    },
    {
      what: 'a bounce of an unknown payment',
      path: `/api/paiements/${randomUUID()}/impaye`,
      payload: { on: today },
      status: 404,
      code: 'not_found',
      field: 'paymentId',
    },
    {
      what: 'a refund of a payment id that is not one',
      path: '/api/paiements/abc/remboursement',
      payload: { amount: '1.00', on: today },
      status: 404,
      code: 'not_found',
      field: 'paymentId',
    },
    {
      what: 'a credit refund for an unknown member',
      path: '/api/adherents/999/credit/remboursement',
      payload: { amount: '1.00', on: today, method: 'transfer', reference: '' },
      status: 404,
      code: 'not_found',
      field: 'customerId',
    },
    {
      what: 'a credit application for a member id that is not one',
      path: '/api/adherents/abc/credit/utilisation',
      payload: {},
      status: 404,
      code: 'not_found',
      field: 'customerId',
    },
    {
      what: 'a negative credit refund',
      path: `/api/adherents/${MEMBER}/credit/remboursement`,
      payload: { amount: '-1.00', on: today, method: 'transfer', reference: '' },
      status: 422,
      code: 'invalid_input',
      field: 'amount',
    },
  ])('$what: $status $code', async (c) => {
    const error = await expectRefused(
      c.path,
      { ...c.payload, idempotencyKey: key() },
      { status: c.status, code: c.code, field: c.field },
    );
    expect(error.message).not.toMatch(/Erreur interne/);
  });
});
