import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { CustomerPage } from '../../src/billing/billing-queries.js';
import type { IssueInvoiceResult } from '../../src/billing/issue-invoice.command.js';
import type { CardAnomaly, ForgedNotifications } from '../../src/monetico/monetico.service.js';
import type { InvoiceView } from '../../projections/invoice-balances/invoice-balances.queries.js';
import { TestSmtp } from '../support/lifecycle-kit.js';
import { startApp, type RunningApp } from './app-process.js';
import { launchChromium } from './chromium.js';
import { signInBrowser } from './browser-sign-in.js';
import { DEMO, httpClient } from './http-client.js';

jest.setTimeout(90_000);

/** Jean Dupont (login jean), a cooperator and nothing else. */
const MEMBER = '4';
/** Webcoop SARL: suspended in the demo for an overdue invoice; the demo admin is its cooperator. */
const WEBCOOP = '3';
/** The kit's demo key the demo's fake bank shares with the app (never to be logged). */
const DEMO_KEY = '12345678901234567890123456789012345678P0';
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** The demo app (its own fake bank) sending its e-mails to a real local SMTP server. */
let smtp: TestSmtp;
let running: RunningApp;
let browser: Browser;
/** Signed in as jean. */
let page: Page;
/** Signed in as the demo admin, Webcoop's cooperator (another browser context). */
let webcoopPage: Page;
beforeAll(async () => {
  smtp = await TestSmtp.start();
  running = await startApp({ SMTP_URL: smtp.url });
  browser = await launchChromium();
  page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await signInBrowser(page, baseUrl(), DEMO.jean);
  webcoopPage = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await signInBrowser(webcoopPage, baseUrl(), DEMO.admin);
}, 60_000);
afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await running?.stop();
    await smtp?.close();
  }
}, 60_000);
const app = () => running;
const baseUrl = () => running.baseUrl;
/** The admin's API client (issues invoices, reads any page's data). */
const { getJson, postJson, legacySynced } = httpClient(baseUrl);
const treasurer = httpClient(baseUrl, DEMO.treasurer);

/** Polls `probe` until it gives a truthy value (15 s at most). */
async function eventually<T>(probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  let value = await probe();
  while (!value && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await probe();
  }
  return value;
}

async function issue(net: string): Promise<IssueInvoiceResult> {
  const { status, body } = await postJson<IssueInvoiceResult>('/api/factures', {
    customerId: MEMBER,
    issuedOn: today,
    lines: [
      { label: 'Plaque de base', net, vatRate: '20', serviceStart: today, serviceEnd: today },
    ],
    idempotencyKey: `e2e-card-${randomUUID()}`,
  });
  expect(status).toBe(201);
  return body;
}

const invoice = async (id: string) => (await getJson<InvoiceView>(`/api/factures/${id}`)).body;
const cardPayments = async (reference: string) =>
  (await getJson<CustomerPage>(`/api/adherents/${MEMBER}`)).body.payments.filter(
    (p) => p.reference === `CB ${reference}`,
  );

/**
 * From the member's page to the fake bank's card page: the card page (what is due, a button),
 * then its POST, whose sealed form submits itself to the bank.
 */
async function toBank(number: string, on = page, member = MEMBER): Promise<string> {
  await on.goto(`${baseUrl()}/adherents/${member}`);
  const row = on.locator(`tr[data-invoice="${number}"]`);
  await Promise.all([
    on.waitForURL(/\/carte$/),
    row.locator('a.pay-card', { hasText: 'Payer par carte' }).click(),
  ]);
  await Promise.all([
    on.waitForURL(/\/test\/paiement\.cgi$/),
    on.click('#payer-carte button[type=submit]'),
  ]);
  return (await on.locator('body').textContent()) ?? '';
}

/** Payment references drawn so far (read from the app's SQLite file, read only). */
function cardRequests(): number {
  const db = new Database(join(app().dir, 'gloux2.sqlite'), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM g2_card_requests`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const referenceOf = (url: string) => new URL(url).searchParams.get('reference') ?? '';

describe('card payment through the fake bank, in headless Chromium', () => {
  it('paying the overdue invoice of a suspended account by card reactivates it and sends the confirmation e-mail', async () => {
    // The demo suspends Webcoop for its overdue F2026-000001 (126.02 €).
    const before = (await getJson<{ status: string }>(`/api/comptes/${WEBCOOP}`)).body;
    expect(before.status).toBe('suspended');
    const overdue = (await getJson<CustomerPage>(`/api/adherents/${WEBCOOP}`)).body.invoices.find(
      (i) => i.number === 'F2026-000001',
    );
    expect(overdue).toMatchObject({ status: 'issued', balance: '126.02' });
    expect(await toBank('F2026-000001', webcoopPage, WEBCOOP)).toContain('126.02EUR');
    await Promise.all([
      webcoopPage.waitForURL(/\/paiement-carte\/ok\?reference=/),
      webcoopPage.click('button[value=payer]'),
    ]);
    expect(await webcoopPage.locator('.notice').textContent()).toContain('F2026-000001 est réglée');
    const account = await eventually(async () => {
      const a = (await getJson<{ status: string }>(`/api/comptes/${WEBCOOP}`)).body;
      return a.status === 'active' ? a : null;
    });
    expect(account).toMatchObject({ status: 'active' });
    // Gloux's side too: clients.etat back to actif.
    expect(
      await eventually(
        async () =>
          (await getJson<CustomerPage>(`/api/adherents/${WEBCOOP}`)).body.customer.state ===
          'actif',
      ),
    ).toBe(true);
    const mail = await eventually(async () =>
      smtp.received.find((m) => m.subject === 'Paiement reçu : 126,02 €, merci'),
    );
    expect(mail).toBeDefined();
    expect(mail!.text).toContain('126,02');
  });

  it('opening the card page draws no reference: only its button (a POST with its CSRF token) does', async () => {
    const inv = await issue('12.00');
    const before = cardRequests();
    const path = `/adherents/${MEMBER}/factures/${inv.invoiceId}/carte`;
    for (let i = 0; i < 3; i++) {
      const res = await page.goto(`${baseUrl()}${path}`);
      expect(res?.status()).toBe(200);
    }
    expect(await page.locator('main').textContent()).toContain('14,40');
    expect(cardRequests()).toBe(before);
    // Without the page's token the POST is refused, and writes nothing either.
    const forged = await page.context().request.post(`${baseUrl()}${path}`, { form: {} });
    expect(forged.status()).toBe(403);
    expect(cardRequests()).toBe(before);
    expect(await toBank(inv.number)).toContain('14.40EUR');
    expect(cardRequests()).toBe(before + 1);
  });

  it('a cooperator cannot ask the bank for another member’s invoice', async () => {
    const theirs = (await getJson<CustomerPage>(`/api/adherents/${WEBCOOP}`)).body.invoices[0]!;
    const res = await page.goto(
      `${baseUrl()}/adherents/${WEBCOOP}/factures/${theirs.invoiceId}/carte`,
    );
    expect(res?.status()).toBe(403);
    // Nor through their own page's address with someone else's invoice.
    const mixed = await page.goto(
      `${baseUrl()}/adherents/${MEMBER}/factures/${theirs.invoiceId}/carte`,
    );
    expect(mixed?.status()).toBe(403);
    expect(page.url()).not.toContain('paiement.cgi');
  });

  it('pays an invoice by card: bank page, back to the panel, invoice paid, Gloux updated', async () => {
    const inv = await issue('50.00');
    const bankPage = await toBank(inv.number);
    expect(bankPage).toContain('60.00EUR');
    expect(bankPage).toContain(`Facture ${inv.number}`);
    await Promise.all([
      page.waitForURL(/\/paiement-carte\/ok\?reference=/),
      page.click('button[value=payer]'),
    ]);
    const reference = referenceOf(page.url());
    expect(await page.locator('.notice').textContent()).toContain(
      `la facture ${inv.number} est réglée`,
    );
    await Promise.all([
      page.waitForURL(new RegExp(`/adherents/${MEMBER}$`)),
      page.click('text=Revenir à mes factures'),
    ]);
    const row = page.locator(`tr[data-invoice="${inv.number}"]`);
    expect(await row.locator('.badge').textContent()).toBe('Réglée');
    expect(await row.locator('a.pay-card').count()).toBe(0);
    expect(await cardPayments(reference)).toEqual([
      expect.objectContaining({ method: 'card', amount: '60.00', receivedOn: today }),
    ]);
    await legacySynced();
  });

  it('a refused card comes back to the error page and leaves the invoice unpaid', async () => {
    const inv = await issue('10.00');
    await toBank(inv.number);
    await Promise.all([
      page.waitForURL(/\/paiement-carte\/erreur\?reference=/),
      page.click('button[value=refuser]'),
    ]);
    expect(await page.locator('.error').textContent()).toContain('Le paiement n’a pas abouti');
    expect(await cardPayments(referenceOf(page.url()))).toEqual([]);
    expect((await invoice(inv.invoiceId)).status).toBe('issued');
  });

  it('five duplicate notifications record one payment', async () => {
    const inv = await issue('20.00');
    await toBank(inv.number);
    await page.fill('input[name=notifications]', '5');
    await Promise.all([page.waitForURL(/\/paiement-carte\/ok/), page.click('button[value=payer]')]);
    expect(await cardPayments(referenceOf(page.url()))).toHaveLength(1);
    expect((await invoice(inv.invoiceId)).status).toBe('paid');
  });

  it('the return page names the invoice only to its member: not to a visitor, not to another member', async () => {
    const inv = await issue('15.00');
    await toBank(inv.number);
    await Promise.all([page.waitForURL(/\/paiement-carte\/ok/), page.click('button[value=payer]')]);
    expect(await page.locator('.notice').textContent()).toContain(inv.number);
    const url = page.url();
    const anonymous = await (await fetch(url)).text();
    expect(anonymous).toContain('Connectez-vous');
    expect(anonymous).not.toContain('Merci');
    expect(anonymous).not.toContain(inv.number);
    // Whatever the reference, even made up, a visitor reads the same neutral words.
    for (const path of ['/paiement-carte/ok?reference=INVENTEE1', '/paiement-carte/erreur']) {
      const made = await (await fetch(`${new URL(url).origin}${path}`)).text();
      expect(made).toContain('Vous revenez du site de paiement de la banque.');
      expect(made).not.toContain('Merci');
      expect(made).not.toContain('abouti');
    }
    expect(anonymous).not.toContain('15,00');
    const returnPath = new URL(url).pathname + new URL(url).search;
    const otherMember = await httpClient(baseUrl, DEMO.lesamis).getPage(returnPath);
    expect(otherMember.status).toBe(200);
    expect(otherMember.html).not.toContain(inv.number);
    expect(otherMember.html).toContain('Référence de paiement inconnue');
  });

  it('a delayed notification: the return page says it is pending, then the invoice gets paid', async () => {
    const inv = await issue('30.00');
    await toBank(inv.number);
    await page.fill('input[name=delayMs]', '1500');
    await Promise.all([page.waitForURL(/\/paiement-carte\/ok/), page.click('button[value=payer]')]);
    expect(await page.locator('.notice').textContent()).toContain('dès que la banque');
    expect((await invoice(inv.invoiceId)).status).toBe('issued');
    expect(await eventually(async () => (await invoice(inv.invoiceId)).status === 'paid')).toBe(
      true,
    );
  });

  it('a notification with a bad MAC pays nothing and shows on the treasurer’s anomalies', async () => {
    const inv = await issue('40.00');
    await toBank(inv.number);
    await page.check('input[name=badMac]');
    await Promise.all([page.waitForURL(/\/paiement-carte\/ok/), page.click('button[value=payer]')]);
    const reference = referenceOf(page.url());
    expect(await cardPayments(reference)).toEqual([]);
    expect((await invoice(inv.invoiceId)).status).toBe('issued');
    // Nobody sealed it: counted for the bank's address that day, not kept as an anomaly.
    const { body } = await treasurer.getJson<{
      anomalies: CardAnomaly[];
      forged: ForgedNotifications[];
    }>('/api/tresorerie/anomalies-cb');
    expect(body.anomalies.find((a) => a.reference === reference)).toBeUndefined();
    expect(body.forged.find((f) => f.lastReference === reference)).toMatchObject({
      address: expect.stringMatching(/127\.0\.0\.1|::1/),
      lastReason: 'sceau MAC invalide',
    });
    // The treasurer's page (the admin is staff too); a cooperator may not see it.
    await webcoopPage.goto(`${baseUrl()}/tresorerie/anomalies-cb`);
    expect(await webcoopPage.locator('#forged').textContent()).toContain(reference);
    expect((await page.goto(`${baseUrl()}/tresorerie/anomalies-cb`))?.status()).toBe(403);
    expect(app().stdout()).toContain(`sceau MAC invalide — référence ${reference}`);
  });
});

describe('the CGI2 route over HTTP', () => {
  const post = async (body: string, type = 'application/x-www-form-urlencoded') => {
    // The bank's server: no session, no CSRF token (the route is public, authenticated by the MAC).
    const res = await fetch(`${baseUrl()}/monetico/cgi2`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text: await res.text(),
    };
  };
  const refused = { status: 200, text: 'version=2\ncdr=1\n' };

  it('answers cdr=1 as text/plain to a forged seal, a wrong type, a huge or empty body', async () => {
    const forged = new URLSearchParams({
      TPE: '0000001',
      date: '25/11/2026_a_10:00:00',
      montant: '1.00EUR',
      reference: 'PFORGED00000',
      'texte-libre': 'x',
      'code-retour': 'payetest',
      MAC: '0'.repeat(40),
    }).toString();
    const forgedAnswer = await post(forged);
    expect(forgedAnswer).toMatchObject(refused);
    expect(forgedAnswer.type).toMatch(/^text\/plain/);
    expect(await post(JSON.stringify({ a: 1 }), 'application/json')).toMatchObject(refused);
    expect(await post(`texte-libre=${'x'.repeat(200_000)}`)).toMatchObject(refused);
    expect(await post('')).toMatchObject(refused);
    expect(await post('MAC=1&MAC=2')).toMatchObject(refused);
    const out = app().stdout() + app().stderr();
    expect(out).toContain('Notification CGI2 refusée : corps de 200012 octets');
    expect(out).toContain('attendu application/x-www-form-urlencoded');
    expect(out).toContain('champ MAC en double');
    expect(out).not.toContain('xxxxxxxxxxxxxxxx');
  });

  it('never shows the key in logs or pages', async () => {
    const out = app().stdout() + app().stderr();
    expect(out).not.toContain(DEMO_KEY);
    expect(out).not.toContain('1234567890123456789012345678901234567890');
    expect(await page.content()).not.toContain(DEMO_KEY);
  });
});

describe('security headers on every answer (helmet)', () => {
  it('a CSP with no inline code but the page’s own nonce, no framing, nosniff, same-origin referrer, no X-Powered-By', async () => {
    const answers = [
      await fetch(`${baseUrl()}/connexion`),
      await fetch(`${baseUrl()}/connexion`),
      await fetch(`${baseUrl()}/api/adherents/4`),
      await fetch(`${baseUrl()}/monetico/cgi2`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      }),
    ];
    const nonces: string[] = [];
    for (const res of answers) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'/);
      expect(csp).toContain("script-src-attr 'none'");
      expect(csp).toContain("style-src-attr 'none'");
      expect(csp).not.toContain('unsafe-inline');
      // The card form goes to the bank: its origin, and only it, besides the app's own.
      expect(csp).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:\d+;/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-powered-by')).toBeNull();
      nonces.push(/'nonce-([^']+)'/.exec(csp)?.[1] ?? '');
    }
    // A page's inline style carries its answer's nonce, new at every answer.
    const [first, second] = nonces;
    expect(first).not.toBe(second);
    const html = await (await fetch(`${baseUrl()}/connexion`)).text();
    expect(html).toMatch(/<style nonce="[A-Za-z0-9_-]{20,}">/);
    expect(html).not.toMatch(/ style="| on(click|change|submit)="/);
  });
});
