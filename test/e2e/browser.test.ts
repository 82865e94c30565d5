import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { amountOf, cents } from './app-process.js';
import { useBrowserSession } from './chromium.js';

jest.setTimeout(60_000);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A French amount as formatEuros writes it: '1 234,56 €' (narrow no-break spaces, no-break space before €). */
const FRENCH_EUROS = /^-?\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€$/;

interface Invoice {
  invoiceId: string;
  number: string;
  customerId: string;
  balance: string;
  status: string;
}

const session = useBrowserSession();
const url = (path: string) => session.url(path);
let page: Page;
beforeAll(() => {
  page = session.page;
});

async function apiInvoice(invoiceId: string): Promise<Invoice> {
  const res = await session.http.fetch(`/api/factures/${invoiceId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Invoice;
}

/** '126.02' → '126,02', as a French user types it. */
const typedFrench = (amount: string) => amount.replace('.', ',');

/** Types `text` in the member search and waits for the proposal naming `name`. */
async function propose(text: string, name: string) {
  await page.fill('#recherche', '');
  await page.locator('#recherche').pressSequentially(text);
  const option = page.locator('ul.suggestions li[role=option]', { hasText: name }).first();
  await option.waitFor();
  return option;
}

describe('the cheque form: the member first (search as you type), then their unpaid invoices', () => {
  for (const width of [390, 1280]) {
    it(`proposes members as one types, by name, login and customer number, at ${width} px`, async () => {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      await page.goto(url('/admin/cheques/nouveau'));
      expect(await page.locator('#facture').count()).toBe(0);
      // By the company's name, by a login, by the customer number's start.
      for (const typed of ['webc', 'WEBCOOP', '05011500']) {
        const option = await propose(typed, 'Webcoop SARL');
        expect(await option.textContent()).toContain('n° client 0501150000099');
      }
      // Keyboard: down then Enter chooses the first proposal.
      await propose('lefè', 'Anne Lefèvre');
      await page.keyboard.press('ArrowDown');
      expect(await page.getAttribute('#recherche', 'aria-activedescendant')).toMatch(/-0$/);
      await Promise.all([page.waitForURL(/adherent=1$/), page.keyboard.press('Enter')]);
      expect(await page.locator('#adherent-choisi strong').textContent()).toBe('Anne Lefèvre');
      // The page fits the width: no sideways scrolling.
      expect(
        Number(await page.evaluate('document.documentElement.scrollWidth')),
      ).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(session.shotsDir, `cheque-membre-${width}.png`) });
    });
  }

  it('without JavaScript, the search answers a choice page linking to each member', async () => {
    const choice = await session.http.getPage('/admin/cheques/nouveau?recherche=lef');
    expect(choice.status).toBe(200);
    expect(choice.html).toContain('<a href="/admin/cheques/nouveau?adherent=1">Anne Lefèvre</a>');
    expect(choice.html).not.toContain('id="facture"');
    const none = await session.http.getPage('/admin/cheques/nouveau?recherche=zzzz');
    expect(none.html).toContain('Aucun adhérent ne correspond à « zzzz »');
    // The script is a file the CSP allows ('self'), not inline code.
    const script = await session.http.fetch('/assets/member-search.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('the share forms: the person picked by name fills the tiers number; without JavaScript, a link does', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url('/admin/parts'));
    const picker = page.locator('#s-tiers-nom');
    expect(await picker.isVisible()).toBe(true);
    await picker.pressSequentially('Associ');
    const proposal = page
      .locator('#souscription ul.suggestions li[role=option]', { hasText: 'Association Les Amis' })
      .first();
    await proposal.click();
    expect(await page.inputValue('#s-tiers')).toBe('2');
    expect(await page.locator('#s-tiers-choisi').textContent()).toContain(
      'Choisi : Association Les Amis',
    );
    // Enter in the picker never posts the form.
    await picker.press('Enter');
    expect(new URL(page.url()).pathname).toBe('/admin/parts');
    // Without JavaScript: the page's search lists the member with a link filling the forms.
    const listed = await session.http.getPage('/admin/parts?recherche=webcoop');
    expect(listed.html).toContain('href="/admin/parts?tiers=3#souscription"');
    const filled = await session.http.getPage('/admin/parts?tiers=3');
    expect(filled.html).toMatch(/id="s-tiers" name="tiers" inputmode="numeric" value="3"/);
    expect(filled.html).toContain('Choisi : Webcoop SARL (n° de tiers 3)');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refuses an amount above the balance in French, then records the exact balance typed with a comma', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url('/admin/cheques/nouveau'));
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const proposal = await propose('Webcoop', 'Webcoop SARL');
    await Promise.all([page.waitForURL(/adherent=3$/), proposal.click()]);

    // Only this member's unpaid invoices are offered.
    const options = page.locator('#facture option[value]:not([value=""])');
    expect(await options.count()).toBeGreaterThan(0);
    const invoices = await Promise.all(
      (await options.all()).map(async (o) => apiInvoice((await o.getAttribute('value')) ?? '')),
    );
    expect(new Set(invoices.map((i) => i.customerId))).toEqual(new Set(['3']));
    const invoice = invoices[0]!;
    const invoiceId = invoice.invoiceId;
    expect(invoice.status).toBe('issued');
    expect(invoice.balance).not.toBe('0.00');
    // The option shows the balance in French.
    const option = page.locator(`#facture option[value="${invoiceId}"]`);
    expect(await option.textContent()).toContain(`${typedFrench(invoice.balance)}\u00a0€`);

    // 1. One euro more than the balance: refused, in French, the amount field flagged.
    await page.selectOption('#facture', invoiceId);
    await page.fill('#montant', typedFrench(amountOf(cents(invoice.balance) + 100n)));
    await page.fill('#numero_cheque', '7654321');
    await page.fill('#banque', 'Crédit Agricole');
    const [refused] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/admin/cheques') && r.request().method() === 'POST',
      ),
      page.click('button[type=submit]'),
    ]);
    expect(refused.status()).toBe(422);
    await page.waitForLoadState('load');
    const alert = page.locator('.error[role=alert]');
    expect(await alert.count()).toBe(1);
    expect(await alert.textContent()).toContain('reste à payer');
    expect(await page.locator('#montant').evaluate((el) => el.classList.contains('invalid'))).toBe(
      true,
    );
    // The form keeps what was entered.
    expect(await page.inputValue('#facture')).toBe(invoiceId);
    expect(await page.inputValue('#numero_cheque')).toBe('7654321');
    expect((await apiInvoice(invoiceId)).balance).toBe(invoice.balance);

    // 2. The exact balance, with a decimal comma: recorded, back on the member's page.
    await page.fill('#montant', typedFrench(invoice.balance));
    await Promise.all([
      page.waitForURL(new RegExp(`/adherents/${invoice.customerId}(\\?|$)`)),
      page.click('button[type=submit]'),
    ]);
    expect(new URL(page.url()).pathname).toBe(`/adherents/${invoice.customerId}`);
    expect(await page.locator('.notice').textContent()).toContain('Chèque enregistré');
    const row = page.locator(`tr[data-invoice="${invoice.number}"]`);
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Réglée');
    expect(await row.locator('td.balance').textContent()).toBe('0,00\u00a0€');
    expect(await apiInvoice(invoiceId)).toMatchObject({ balance: '0.00', status: 'paid' });
  });

  it('shows the N-1 / N / N+1 totals of 2026 formatted in French, and renders a screenshot', async () => {
    const res = await page.goto(url('/tresorerie/repartition?exercice=2026'));
    expect(res?.status()).toBe(200);
    for (const id of ['total-previous', 'total-current', 'total-next']) {
      const text = await page.locator(`#${id}`).textContent();
      expect(text).toMatch(FRENCH_EUROS);
    }
    // The worked example's N-1 share (12.33 + 17.26) is the only N-1 revenue of the demo's 2026.
    expect(await page.locator('#total-previous').textContent()).toBe('29,59\u00a0€');
    // The cheque recorded above is listed.
    expect(await page.locator('tbody tr', { hasText: '7654321' }).count()).toBe(1);

    const file = join(session.shotsDir, 'repartition-2026.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(png.length).toBeGreaterThan(PNG_SIGNATURE.length);
    expect(png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)).toBe(true);
  });
});
