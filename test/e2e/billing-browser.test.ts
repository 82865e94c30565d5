import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { CustomerPage } from '../../src/billing/billing-queries.js';
import type { IssueInvoiceResult } from '../../src/billing/issue-invoice.command.js';
import { useBrowserSession } from './chromium.js';
import { euros, httpClient } from './http-client.js';

jest.setTimeout(60_000);

/** Webcoop SARL: in the demo, one unpaid invoice and no credit. */
const MEMBER = '3';
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

const session = useBrowserSession();
let page: Page;
beforeAll(() => {
  page = session.page;
});
const { getJson, postJson } = httpClient(() => session.url(''));

async function member(): Promise<CustomerPage> {
  return (await getJson<CustomerPage>(`/api/adherents/${MEMBER}`)).body;
}

async function issue(net: string): Promise<IssueInvoiceResult> {
  const { status, body } = await postJson<IssueInvoiceResult>('/api/factures', {
    customerId: MEMBER,
    issuedOn: today,
    lines: [
      { label: 'Plaque de base', net, vatRate: '20', serviceStart: today, serviceEnd: today },
    ],
    idempotencyKey: `e2e-browser-${randomUUID()}`,
  });
  expect(status).toBe(201);
  return body;
}

/** Submits the page's form, expecting the POST to answer `status` (a refusal renders the form again). */
async function submitRefused(path: string, status: number): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'POST'),
    page.click('button[type=submit]'),
  ]);
  expect(response.status()).toBe(status);
  await page.waitForLoadState('load');
}

/** Submits the page's form and waits for the member's page it redirects to. */
async function submitToMemberPage(): Promise<void> {
  await Promise.all([
    page.waitForURL(new RegExp(`/adherents/${MEMBER}\\?`)),
    page.click('button[type=submit]'),
  ]);
}

const invalid = (selector: string) =>
  page.locator(selector).evaluate((el) => el.classList.contains('invalid'));
const text = async (selector: string) => (await page.locator(selector).textContent()) ?? '';

describe('credit notes, payments and credit from the panel in headless Chromium', () => {
  it('establishes a credit note from the member page: refused above the line, then the whole invoice', async () => {
    const invoice = await issue('50.00');
    await page.goto(session.url(`/adherents/${MEMBER}`));
    const row = page.locator(`tr[data-invoice="${invoice.number}"]`);
    await Promise.all([
      page.waitForURL(/\/admin\/avoirs\/nouveau\?facture=/),
      row.locator('a', { hasText: 'Établir un avoir' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Établir un avoir');
    expect(await text('td.remaining')).toBe(euros('50.00'));

    // 1. More than the line's net, per line: refused in French, the line's field flagged.
    await page.check('#portee_lignes');
    const lineInput = page.locator('input[name^="ht_"]');
    await lineInput.fill('60,00');
    await page.fill('#motif', 'Résiliation');
    await submitRefused('/admin/avoirs', 422);
    expect(await text('.error[role=alert]')).toContain(`compris entre 0 et ${euros('50.00')} HT`);
    expect(await invalid('input[name^="ht_"]')).toBe(true);
    expect(await page.inputValue('#motif')).toBe('Résiliation');
    expect((await member()).invoices.some((i) => i.kind === 'credit_note')).toBe(false);

    // 2. The whole invoice.
    await page.check('#portee_totale');
    await lineInput.fill('');
    await submitToMemberPage();
    const after = await member();
    const note = after.invoices.find((i) => i.originInvoiceId === invoice.invoiceId);
    if (!note) throw new Error('no credit note cites the invoice');
    expect(await text('.notice')).toContain(`Avoir ${note.number} établi (${euros('60.00')})`);
    const noteRow = page.locator(`tr[data-invoice="${note.number}"]`);
    expect(await noteRow.textContent()).toContain('Avoir');
    expect(await noteRow.textContent()).toContain(euros('-60.00'));
    expect(await noteRow.textContent()).toContain(`Avoir sur ${invoice.number}`);
    expect(await row.textContent()).toContain('Annulée par avoir');
    expect(await row.locator('a', { hasText: 'Établir un avoir' }).count()).toBe(0);
  });

  it('records a transfer over an invoice with the surplus kept as credit, then uses that credit', async () => {
    const invoice = await issue('20.00');
    await page.goto(session.url(`/adherents/${MEMBER}`));
    expect(await page.locator('#credit').count()).toBe(0);
    await Promise.all([
      page.waitForURL(/\/admin\/paiements\/nouveau\?adherent=3/),
      page.click('text=Enregistrer un paiement'),
    ]);
    await page.selectOption('#mode', 'transfer');
    await page.fill('#montant', '50,00');
    await page.fill('#reference', 'VIR WEBCOOP');
    await page.fill(`input[aria-label="Montant affecté à ${invoice.number}"]`, '24,00');

    // 1. No surplus box: 26.00 would be lost, so it is refused.
    await submitRefused('/admin/paiements', 422);
    expect(await text('.error[role=alert]')).toContain('surplus en crédit');
    expect(await invalid('#montant')).toBe(true);
    expect(await page.inputValue('#mode')).toBe('transfer');

    // 2. With it: recorded, 26.00 of credit.
    await page.check('#surplus');
    await submitToMemberPage();
    expect(await text('.notice')).toContain(
      `Paiement de ${euros('50.00')} enregistré (facture ${invoice.number}). Mis au crédit : ${euros('26.00')}.`,
    );
    expect(await text('#credit')).toContain(`Crédit disponible : ${euros('26.00')}`);
    expect(await page.locator(`tr[data-invoice="${invoice.number}"]`).textContent()).toContain(
      'Réglée',
    );
    const payment = page.locator('#paiements tbody tr', { hasText: 'VIR WEBCOOP' });
    expect(await payment.textContent()).toContain('Virement');
    expect(await payment.textContent()).toContain(euros('26.00'));
    expect((await member()).credit).toBe('26.00');

    // 3. The credit pays the demo's unpaid invoice, oldest first.
    const unpaid = (await member()).invoices.find((i) => i.status === 'issued');
    if (!unpaid) throw new Error('the demo member has no unpaid invoice left');
    await Promise.all([
      page.waitForURL(/\/credit\/utilisation$/),
      page.click('text=Utiliser le crédit'),
    ]);
    await submitToMemberPage();
    expect(await text('.notice')).toContain(`Crédit utilisé : ${euros('26.00')}`);
    expect(await page.locator('#credit').count()).toBe(0);
    const rest = (await member()).invoices.find((i) => i.invoiceId === unpaid.invoiceId);
    expect(rest?.paid).toBe('26.00');
  });

  it('takes a cheque above the balance with the surplus box of the cheque form', async () => {
    const invoice = await issue('10.00');
    await page.goto(session.url(`/admin/cheques/nouveau?facture=${invoice.invoiceId}`));
    await page.fill('#montant', '15,00');
    await page.fill('#numero_cheque', '8800001');
    await page.check('#surplus');
    await submitToMemberPage();
    expect(await text('.notice')).toContain(`Mis au crédit : ${euros('3.00')}`);
    expect(await text('#credit')).toContain(`Crédit disponible : ${euros('3.00')}`);

    const file = join(session.shotsDir, 'member.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  });
  it('refuses a refund above the payment, then records a bounced cheque, from the payment forms', async () => {
    const invoice = await issue('20.00');
    // What is left once the member's credit (earlier tests) paid its part at once.
    const { balance } = (await getJson<{ balance: string }>(`/api/factures/${invoice.invoiceId}`))
      .body;
    const { status, body } = await postJson<{ paymentId: string }>('/api/paiements/cheques', {
      customerId: MEMBER,
      amount: balance,
      receivedOn: today,
      reference: '8800002',
      bank: 'Crédit Coopératif',
      allocations: [{ invoiceId: invoice.invoiceId, amount: balance }],
      idempotencyKey: `e2e-browser-${randomUUID()}`,
    });
    expect(status).toBe(201);
    const path = `/admin/paiements/${body.paymentId}/remboursement`;
    await page.goto(session.url(path));
    await page.fill('#montant', '99,00');
    await submitRefused(path, 422);
    expect(await invalid('#montant')).toBe(true);
    expect(await page.inputValue('#montant')).toBe('99,00');

    await page.goto(session.url(`/admin/paiements/${body.paymentId}/impaye`));
    await page.fill('#motif', 'Provision insuffisante');
    await submitToMemberPage();
    expect(await text('.notice')).toContain(`Chèque impayé enregistré : ${euros(balance)} repris.`);
  });
});
