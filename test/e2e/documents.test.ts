import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { BillingDocument } from '../../domain/documents/billing-document.js';
import type { SellerIdentity } from '../../domain/documents/printable-document.js';
import { formatEuros } from '../../domain/shared/money.js';
import type { IssueInvoiceResult } from '../../src/billing/issue-invoice.command.js';
import { pdfText } from '../support/pdf-text.js';
import { startApp, type RunningApp } from './app-process.js';
import { httpClient, type HttpClient } from './http-client.js';

jest.setTimeout(60_000);

interface DocumentData {
  document: BillingDocument;
  seller: SellerIdentity;
  links: { page: string; pdf: string; json: string };
}

let app: RunningApp;
let issued: IssueInvoiceResult;
let http: HttpClient;

beforeAll(async () => {
  // The seller's identity comes from the environment.
  app = await startApp({
    SELLER_SIREN: '423 093 459',
    SELLER_ADDRESS: '1 rue Exemple|75011 Paris',
  });
  http = httpClient(() => app.baseUrl);
  const res = await http.fetch('/api/factures', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      customerId: '2',
      issuedOn: '2026-11-20',
      lines: [
        {
          kind: 'subscription',
          label: 'Plaque de base',
          net: '1200.00',
          vatRate: '20',
          serviceStart: '2026-11-20',
          serviceEnd: '2027-11-19',
        },
        {
          kind: 'option',
          label: 'Espace disque supplémentaire (100 Mo)',
          quantity: '2',
          net: '10.04',
          vatRate: '20',
          serviceStart: '2026-11-20',
          serviceEnd: '2027-11-19',
        },
      ],
    }),
  });
  expect(res.status).toBe(201);
  issued = (await res.json()) as IssueInvoiceResult;
}, 60_000);

afterAll(async () => {
  await app?.stop();
}, 60_000);

const get = (path: string, accept = 'text/html') => http.fetch(path, { headers: { accept } });

/** An amount as it reads once whitespace is collapsed: '1 452,05 €'. */
const plain = (amount: string) => formatEuros(amount).replace(/\s/g, ' ');

describe('invoice documents over HTTP', () => {
  it('GET /api/documents/factures/:id gives the document with the totals of the invoice', async () => {
    const res = await get(`/api/documents/factures/${issued.invoiceId}`, 'application/json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as DocumentData;
    expect(body.document).toMatchObject({
      kind: 'invoice',
      number: issued.number,
      customerId: '2',
      issuedOn: '2026-11-20',
      totalNet: '1210.04',
      totalVat: '242.01',
      total: issued.total,
    });
    expect(body.document.total).toBe('1452.05');
    expect(body.document.billingAddress[0]).toBe('Association Les Amis');
    expect(body.seller).toMatchObject({
      name: 'Ouvaton',
      legalForm: 'SA coopérative à capital variable',
      siren: '423 093 459',
      addressLines: ['1 rue Exemple', '75011 Paris'],
    });
    expect(body.links).toEqual({
      page: `/factures/${issued.invoiceId}`,
      pdf: `/factures/${issued.invoiceId}.pdf`,
      json: `/api/documents/factures/${issued.invoiceId}`,
    });
  });

  it('GET /factures/:id is a printable French page with the mandatory mentions', async () => {
    const res = await get(`/factures/${issued.invoiceId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i);
    const html = await res.text();
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('@media print');
    expect(html).toContain(`href="/factures/${issued.invoiceId}.pdf"`);
    for (const expected of [
      `Facture n° ${issued.number}`,
      'SA coopérative à capital variable',
      'SIREN 423 093 459',
      'Association Les Amis',
      '20/11/2026',
      'du 20/11/2026 au 19/11/2027',
      `Total TTC ${plain('1452.05')}`,
      `Total HT ${plain('1210.04')}`,
      'indemnité forfaitaire pour frais de recouvrement de 40 €',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('GET /factures/:id.pdf is a PDF with the same number, figures and mentions', async () => {
    const res = await get(`/factures/${issued.invoiceId}.pdf`, 'application/pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="facture-${issued.number}.pdf"`,
    );
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      issued.number,
      'SA coopérative à capital variable',
      'SIREN 423 093 459',
      'Association Les Amis',
      'Espace disque supplémentaire (100 Mo)',
      `2 ${plain('5.02')} ${plain('10.04')} 20 % ${plain('2.01')} ${plain('12.05')}`,
      `20 % ${plain('1210.04')} ${plain('242.01')} ${plain('1452.05')}`,
      `Total HT ${plain('1210.04')}`,
      `Total TVA ${plain('242.01')}`,
      `Total TTC ${plain('1452.05')}`,
      '40 €',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('the cooperator page links to each invoice’s page and PDF', async () => {
    const html = await (await get('/adherents/2')).text();
    expect(html).toContain(`href="/factures/${issued.invoiceId}"`);
    expect(html).toContain(`href="/factures/${issued.invoiceId}.pdf"`);
  });

  it('an unknown invoice or credit note is a French 404 page, or JSON under /api', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const path of [
      `/factures/${unknown}`,
      `/factures/${unknown}.pdf`,
      `/avoirs/${unknown}`,
      `/avoirs/${issued.invoiceId}.pdf`,
    ]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/(Facture|Avoir) introuvable\./);
    }
    const res = await get(`/api/documents/avoirs/${unknown}`, 'application/json');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'Avoir introuvable.' },
    });
  });
});
