import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import type { InvoiceView } from '../../projections/invoice-balances/invoice-balances.queries.js';
import type { AllocationPage, CustomerPage } from '../../src/billing/billing-queries.js';
import type { IssueInvoiceResult } from '../../src/billing/issue-invoice.command.js';
import type { RecordPaymentResult } from '../../src/billing/record-payment.command.js';
import { amountOf, cents } from './app-process.js';
import { euros, useAppClient, type ApiError, type HomeData } from './http-client.js';

jest.setTimeout(60_000);

const MONEY = /^-?\d+\.\d{2}$/;

type Invoice = InvoiceView;
type Allocation = AllocationPage;
type IssuedInvoice = IssueInvoiceResult;
type RecordedPayment = RecordPaymentResult;

const { getPage, getJson, postJson, legacySynced, fetch: clientFetch } = useAppClient();
const fetchManual = (path: string) => clientFetch(path, { redirect: 'manual' });

describe('pages and read APIs on the demo data', () => {
  it('GET / sends the admin to their home; the one member list is a French UTF-8 page', async () => {
    const home = await fetchManual('/');
    expect([home.status, home.headers.get('location')]).toEqual([303, '/admin']);
    const page = await getPage('/admin/adherents');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html; charset=utf-8/i);
    expect(page.html).toContain('<html lang="fr">');
    for (const name of ['Anne Lefèvre', 'Association Les Amis', 'Webcoop SARL', 'Jean Dupont']) {
      expect(page.html).toContain(name);
    }
    // Accented names arrive intact, not double-encoded (Gloux's tables are latin1).
    expect(page.html).not.toMatch(/Ã|Â|\uFFFD/);
    expect(page.html).toContain('href="/admin/adherents/1"');
  });

  it('GET /api returns the customers and the legacy-sync positions', async () => {
    const { status, body } = await getJson<HomeData>('/api');
    expect(status).toBe(200);
    // Customer 5 is Anne Lefèvre's second hosting account (same person, one login).
    expect(body.customers.map((c) => c.customerId).sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(body.customers.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Anne Lefèvre', 'Association Les Amis', 'Webcoop SARL']),
    );
    for (const customer of body.customers) expect(customer.balance).toMatch(MONEY);
    const { logPosition, syncPosition } = body.legacySync;
    expect(Number.isInteger(logPosition)).toBe(true);
    expect(Number.isInteger(syncPosition)).toBe(true);
    expect(logPosition).toBeGreaterThan(0);
    expect(syncPosition).toBeGreaterThanOrEqual(0);
    expect(syncPosition).toBeLessThanOrEqual(logPosition);
  });

  it("GET /api/adherents/1 gives the member's invoices with two-decimal amounts", async () => {
    const { status, body } = await getJson<CustomerPage>('/api/adherents/1');
    expect(status).toBe(200);
    expect(body.customer.name).toBe('Anne Lefèvre');
    expect(body.invoices.length).toBeGreaterThan(0);
    for (const invoice of body.invoices) {
      expect(invoice.customerId).toBe('1');
      for (const amount of [invoice.total, invoice.paid, invoice.balance]) {
        expect(typeof amount).toBe('string');
        expect(amount).toMatch(MONEY);
      }
      // What an invoice asks is paid, credited by avoir, or still due; an avoir is settled at once.
      if (invoice.kind === 'invoice') {
        expect(cents(invoice.paid) + cents(invoice.credited) + cents(invoice.balance)).toBe(
          cents(invoice.total),
        );
      } else {
        expect(cents(invoice.balance)).toBe(0n);
      }
    }
    // The worked example's invoice: 120.00 paid in two cheques (50.00 then 70.00).
    const example = body.invoices.find((i) => i.issuedOn === '2025-09-15');
    expect(example).toMatchObject({
      total: '120.00',
      paid: '120.00',
      balance: '0.00',
      status: 'paid',
      paidOn: '2026-03-10',
    });
    expect(body.due).toBe('0.00');
  });

  it('/adherents/1 shows those invoices and credit notes in French', async () => {
    const { body } = await getJson<CustomerPage>('/api/adherents/1');
    const page = await getPage('/adherents/1');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Anne Lefèvre');
    // The demo cancels one of Anne's invoices by a credit note.
    expect(body.invoices.map((i) => i.kind)).toContain('credit_note');
    for (const invoice of body.invoices) {
      const start = page.html.indexOf(`<tr data-invoice="${invoice.number}">`);
      expect(start).toBeGreaterThanOrEqual(0);
      const row = page.html.slice(start, page.html.indexOf('</tr>', start));
      expect(row).toContain(euros(invoice.total));
      if (invoice.kind === 'credit_note') {
        expect(invoice.total).toMatch(/^-/);
        expect(row).toContain(`Avoir sur ${invoice.originNumber}`);
        continue;
      }
      expect(row).toContain(euros(invoice.paid));
      if (invoice.status !== 'cancelled') expect(row).toContain(euros(invoice.balance));
      expect(row).toContain(
        { paid: 'Réglée', issued: 'À régler', cancelled: 'Annulée par avoir' }[invoice.status],
      );
    }
  });

  it('/adherents/999 answers a French 404 page', async () => {
    const page = await getPage('/adherents/999');
    expect(page.status).toBe(404);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain('Introuvable');
    expect(page.html).toContain('Client 999 introuvable.');
  });

  it('/api/adherents/999 answers a 404 JSON error', async () => {
    const { status, body } = await getJson<ApiError>('/api/adherents/999');
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('introuvable');
  });

  it('GET /api/tresorerie/repartition?exercice=2026 gives the worked example of docs/accounting.md §2', async () => {
    const { status, body } = await getJson<Allocation>('/api/tresorerie/repartition?exercice=2026');
    expect(status).toBe(200);
    expect(body.fiscalYear).toBe(2026);
    const ofMember1 = body.rows
      .filter((r) => r.customerId === '1')
      .map(({ paidOn, amount, vat, previous, current, next }) => ({
        paidOn,
        amount,
        vat,
        previous,
        current,
        next,
      }));
    expect(ofMember1).toEqual([
      {
        paidOn: '2026-02-03',
        amount: '50.00',
        vat: '8.33',
        previous: '12.33',
        current: '29.34',
        next: '0.00',
      },
      {
        paidOn: '2026-03-10',
        amount: '70.00',
        vat: '11.67',
        previous: '17.26',
        current: '41.07',
        next: '0.00',
      },
    ]);
    // No cent created or lost: each row and the totals add up.
    for (const row of body.rows) {
      expect(cents(row.vat) + cents(row.previous) + cents(row.current) + cents(row.next)).toBe(
        cents(row.amount),
      );
    }
    for (const key of ['amount', 'vat', 'previous', 'current', 'next'] as const) {
      expect(body.totals[key]).toBe(amountOf(body.rows.reduce((s, r) => s + cents(r[key]), 0n)));
    }
  });

  it('rejects exercice=abc with a 422 naming the field, as JSON and as a French page', async () => {
    const { status, body } = await getJson<ApiError>('/api/tresorerie/repartition?exercice=abc');
    expect(status).toBe(422);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.field).toBe('exercice');
    expect(body.error.message).toContain('exercice');

    const page = await getPage('/tresorerie/repartition?exercice=abc');
    expect(page.status).toBe(422);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.html).toMatch(/<div class="error" role="alert">[^<]*exercice doit être une année/);
  });
});

describe('issuing an invoice and paying it by cheque', () => {
  const invoiceKey = `e2e-invoice-${randomUUID()}`;
  const invoiceBody = (
    overrides: Record<string, unknown> = {},
    line: Record<string, unknown> = {},
  ) => ({
    customerId: '3',
    issuedOn: '2026-11-20',
    lines: [
      {
        label: 'Plaque de base',
        net: '100.00',
        vatRate: '20',
        serviceStart: '2026-11-20',
        serviceEnd: '2027-11-19',
        ...line,
      },
    ],
    ...overrides,
  });
  const cheque = (invoiceId: string, amount: string, extra: Record<string, unknown> = {}) => ({
    customerId: '3',
    amount,
    receivedOn: '2026-11-21',
    reference: '1234567',
    bank: 'Crédit Coopératif',
    allocations: [{ invoiceId, amount }],
    ...extra,
  });
  let issued: IssuedInvoice | undefined;
  const issuedInvoice = (): IssuedInvoice => {
    if (!issued) throw new Error('the invoice was not issued (see the first failing test)');
    return issued;
  };
  const invoiceIdsOf3 = async () =>
    (await getJson<CustomerPage>('/api/adherents/3')).body.invoices.map((i) => i.invoiceId).sort();

  /** Waits (10 s at most) for legacy-sync to catch up, then compares Gloux's balance with the read model. */
  async function expectGlouxBalanceInSync(customerId: string): Promise<void> {
    const home = await legacySynced();
    const { body: page } = await getJson<CustomerPage>(`/api/adherents/${customerId}`);
    const gloux = home.customers.find((c) => c.customerId === customerId);
    expect(gloux?.balance).toBe(amountOf(-cents(page.due)));
  }

  it('POST /api/factures issues an invoice (201)', async () => {
    const before = await invoiceIdsOf3();
    const { status, body } = await postJson<IssuedInvoice>(
      '/api/factures',
      invoiceBody({ idempotencyKey: invoiceKey }),
    );
    expect(status).toBe(201);
    expect(body.invoiceId).toEqual(expect.any(String));
    expect(body.number).toMatch(/^F2026-\d{6}$/);
    expect(body.total).toBe('120.00');
    issued = body;

    const { status: found, body: invoice } = await getJson<Invoice>(
      `/api/factures/${body.invoiceId}`,
    );
    expect(found).toBe(200);
    expect(invoice).toMatchObject({
      invoiceId: body.invoiceId,
      number: body.number,
      customerId: '3',
      issuedOn: '2026-11-20',
      total: '120.00',
      paid: '0.00',
      balance: '120.00',
      status: 'issued',
    });
    expect(await invoiceIdsOf3()).toEqual([...before, body.invoiceId].sort());
  });

  it('the same idempotencyKey returns the same invoice and issues nothing more', async () => {
    const first = issuedInvoice();
    const before = await invoiceIdsOf3();
    const { status, body } = await postJson<IssuedInvoice>(
      '/api/factures',
      invoiceBody({ idempotencyKey: invoiceKey }),
    );
    expect(status).toBe(201);
    expect(body).toEqual(first);
    expect(await invoiceIdsOf3()).toEqual(before);
  });

  it.each([
    {
      what: 'a service end before its start',
      payload: invoiceBody({}, { serviceEnd: '2026-11-19' }),
      status: 422,
      code: 'invalid_input',
      field: 'lines[0].serviceEnd',
      message: /période/,
    },
    {
      what: 'a net amount with a decimal comma',
      payload: invoiceBody({}, { net: '12,5' }),
      status: 422,
      code: 'invalid_input',
      field: 'lines[0].net',
      message: /montant HT est invalide/,
    },
    {
      what: 'an unknown customer',
      payload: invoiceBody({ customerId: '999' }),
      status: 404,
      code: 'not_found',
      field: 'customerId',
      message: /introuvable/,
    },
  ])('refuses $what with a French error and issues no invoice', async (c) => {
    const before = await invoiceIdsOf3();
    const { status, body } = await postJson<ApiError>('/api/factures', {
      ...c.payload,
      idempotencyKey: `e2e-bad-${randomUUID()}`,
    });
    expect(status).toBe(c.status);
    expect(body.error.code).toBe(c.code);
    expect(body.error.field).toBe(c.field);
    expect(body.error.message).toMatch(c.message);
    expect(await invoiceIdsOf3()).toEqual(before);
  });

  it.each([
    { what: 'a number', key: 42, status: 422, code: 'invalid_input', message: /chaîne/ },
    {
      what: '192 characters',
      key: 'k'.repeat(192),
      status: 422,
      code: 'invalid_input',
      message: /191/,
    },
    {
      what: 'the key of another request',
      key: 'REUSED',
      status: 409,
      code: 'conflict',
      message: /autre demande/,
    },
  ])('refuses an idempotencyKey that is $what, recording nothing', async (c) => {
    const key = c.key === 'REUSED' ? invoiceKey : c.key;
    const before = await invoiceIdsOf3();
    // A different invoice, or a cheque, under the key of the first invoice must not pass for a replay.
    const other = await postJson<ApiError>('/api/factures', {
      ...invoiceBody({}, { net: '99.00' }),
      idempotencyKey: key,
    });
    expect(other.status).toBe(c.status);
    expect(other.body.error).toMatchObject({ code: c.code, field: 'idempotencyKey' });
    expect(other.body.error.message).toMatch(c.message);
    const cheque = await postJson<ApiError>('/api/paiements/cheques', {
      customerId: '3',
      amount: '1.00',
      receivedOn: '2026-11-21',
      reference: 'cle',
      allocations: [{ invoiceId: issuedInvoice().invoiceId, amount: '1.00' }],
      idempotencyKey: key,
    });
    expect(cheque.status).toBe(c.status);
    expect(cheque.body.error.code).toBe(c.code);
    expect(await invoiceIdsOf3()).toEqual(before);
  });

  it('refuses a body that is not an object, or a line that is not one, with a 422', async () => {
    const array = await postJson<ApiError>('/api/factures', []);
    expect(array.status).toBe(422);
    expect(array.body.error.message).toMatch(/objet/);
    const line = await postJson<ApiError>('/api/factures', { ...invoiceBody({}), lines: [null] });
    expect(line.status).toBe(422);
    expect(line.body.error).toMatchObject({ code: 'invalid_input', field: 'lines[0]' });
  });

  it('POST /api/paiements/cheques records a partial payment (201) and a retry changes nothing', async () => {
    const { invoiceId, number } = issuedInvoice();
    const key = `e2e-cheque-${randomUUID()}`;
    const { status, body } = await postJson<RecordedPayment>(
      '/api/paiements/cheques',
      cheque(invoiceId, '20.00', { idempotencyKey: key }),
    );
    expect(status).toBe(201);
    expect(body.amount).toBe('20.00');
    expect(body.invoices).toEqual([{ invoiceId, number, allocated: '20.00', balance: '100.00' }]);

    const retry = await postJson<RecordedPayment>(
      '/api/paiements/cheques',
      cheque(invoiceId, '20.00', { idempotencyKey: key }),
    );
    expect(retry.status).toBe(201);
    expect(retry.body.paymentId).toBe(body.paymentId);
    const { body: invoice } = await getJson<Invoice>(`/api/factures/${invoiceId}`);
    expect(invoice).toMatchObject({ paid: '20.00', balance: '100.00', status: 'issued' });

    // The payment's revenue split: 3.33 VAT, net 16.67 over 42 days of 2026 and 323 of 2027.
    const { body: allocation } = await getJson<Allocation>(
      '/api/tresorerie/repartition?exercice=2026',
    );
    const rows = allocation.rows.filter((r) => r.invoiceNumber === number);
    expect(rows).toEqual([
      expect.objectContaining({
        paidOn: '2026-11-21',
        reference: '1234567',
        amount: '20.00',
        vat: '3.33',
        previous: '0.00',
        current: '1.92',
        next: '14.75',
      }),
    ]);
  });

  it("legacy-sync mirrors the payment into Gloux's balance within seconds", async () => {
    await expectGlouxBalanceInSync('3');
    const { body } = await getJson<CustomerPage>('/api/adherents/3');
    // Demo invoice F2026-000001 (126.02, unpaid) + what is left of ours (100.00).
    expect(body.due).toBe('226.02');
  });

  it('refuses an overpayment (422 exceeds_balance) and leaves the balance unchanged', async () => {
    const { invoiceId } = issuedInvoice();
    const { status, body } = await postJson<ApiError>(
      '/api/paiements/cheques',
      cheque(invoiceId, '100.01', { idempotencyKey: `e2e-cheque-${randomUUID()}` }),
    );
    expect(status).toBe(422);
    expect(body.error.code).toBe('exceeds_balance');
    expect(body.error.field).toBe('allocations[0].amount');
    expect(body.error.message).toContain('reste à payer');
    const { body: invoice } = await getJson<Invoice>(`/api/factures/${invoiceId}`);
    expect(invoice).toMatchObject({ paid: '20.00', balance: '100.00', status: 'issued' });
  });

  it('paying the rest settles the invoice; paying again is a 409 already_paid', async () => {
    const { invoiceId, number } = issuedInvoice();
    const rest = await postJson<RecordedPayment>(
      '/api/paiements/cheques',
      cheque(invoiceId, '100.00', {
        reference: '1234568',
        idempotencyKey: `e2e-cheque-${randomUUID()}`,
      }),
    );
    expect(rest.status).toBe(201);
    expect(rest.body.invoices).toEqual([
      { invoiceId, number, allocated: '100.00', balance: '0.00' },
    ]);
    const { body: invoice } = await getJson<Invoice>(`/api/factures/${invoiceId}`);
    expect(invoice).toMatchObject({
      paid: '120.00',
      balance: '0.00',
      status: 'paid',
      paidOn: '2026-11-21',
    });

    const again = await postJson<ApiError>(
      '/api/paiements/cheques',
      cheque(invoiceId, '10.00', {
        reference: '1234569',
        idempotencyKey: `e2e-cheque-${randomUUID()}`,
      }),
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_paid');
    expect(again.body.error.message).toContain(number);
  });

  it("legacy-sync brings Gloux's balance back to what is still due", async () => {
    await expectGlouxBalanceInSync('3');
    const { body } = await getJson<CustomerPage>('/api/adherents/3');
    expect(body.due).toBe('126.02');
    const page = await getPage('/admin/adherents');
    expect(page.html).toContain(euros('-126.02'));
  });
});
