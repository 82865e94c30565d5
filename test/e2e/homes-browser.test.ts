import { describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { HomeAccount } from '../../src/panel/cooperator-home.js';
import type { ShownTile } from '../../src/panel/home-tiles.js';
import { signInBrowser, signOutBrowser } from './browser-sign-in.js';
import { useBrowserSession } from './chromium.js';
import { DEMO, euros, httpClient, type Credentials } from './http-client.js';

jest.setTimeout(90_000);

/**
 * The three homes on the demo data, in Chromium as each role sees them, and their JSON twins.
 * The demo: Webcoop SARL (the admin's own account) owes invoice F2026-000001, 126,02 €.
 */
const session = useBrowserSession({ as: 'anonymous' });
const client = (who: Credentials) => httpClient(() => session.url(''), who);

async function signInAs(page: Page, who: Credentials): Promise<void> {
  if ((await page.locator('form.signout').count()) > 0) await signOutBrowser(page);
  await signInBrowser(page, session.url(''), who);
}

/** Every tile's link leads to a page this role may open (no refusal, no error). */
async function followTiles(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('ul.tiles li.tile a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  for (const href of hrefs) {
    const res = await page.goto(session.url(href));
    expect([href, res?.status()]).toEqual([href, 200]);
    expect(await page.locator('h1').textContent()).not.toBe('Accès refusé');
  }
  return hrefs;
}

describe('each role’s home', () => {
  it('the admin lands on the admin module: account, over-use, error, provisioning and e-mail tiles, each leading to its page', async () => {
    const { page } = session;
    await signInAs(page, DEMO.admin);
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.locator('h1').textContent()).toBe('Administration');
    const slots = await page
      .locator('ul.tiles li')
      .evaluateAll((li) => li.map((l) => l.getAttribute('data-slot')));
    expect(slots).toEqual([
      'accounts.new',
      'accounts.closing',
      'accounts.suspended',
      'hosting.disk',
      'mail.boxes',
      'mail.over',
      'errors.today',
      'provisioning.failed',
      'mail.failed',
    ]);
    // The overage module fills the disk and mail slots: no "not yet available" tile.
    expect(await page.locator('li.tile.unavailable').count()).toBe(0);
    const suspended = page.locator('li[data-slot="accounts.suspended"]');
    const { body } = await client(DEMO.admin).getJson<{ tiles: ShownTile[] }>('/api/accueil/admin');
    const tile = body.tiles.find((t) => t.slot === 'accounts.suspended');
    if (!tile?.available) throw new Error('no suspended-accounts tile');
    expect(await suspended.locator('.tile-figure').textContent()).toBe(
      `${tile.count} ${tile.count > 1 ? 'comptes' : 'compte'}`,
    );
    // Each suspended account is listed with its reason, in French.
    await suspended.locator('a').click();
    await page.waitForURL(/\/admin\/comptes\/suspendus$/);
    expect(await page.locator('main tbody tr').count()).toBe(tile.count);
    if (tile.count > 0)
      expect(await page.locator('main tbody .badge').first().textContent()).toMatch(
        /impayé|fin d’essai|abus|décision/,
      );
    await page.goto(session.url('/admin'));
    expect(await followTiles(page)).toContain('/admin/erreurs');
  });

  it('the treasurer lands on the treasury: cheques, card days, bank lines, anomalies, overdue invoices, receipts', async () => {
    const { page } = session;
    await signInAs(page, DEMO.treasurer);
    expect(new URL(page.url()).pathname).toBe('/tresorerie');
    const titles = await page.locator('ul.tiles .tile-title').allTextContents();
    expect(titles).toEqual([
      'Chèques à remettre',
      'Journées carte non rapprochées',
      'Lignes bancaires non rapprochées',
      'Anomalies carte',
      'Factures échues impayées',
      'Encaissements du mois',
    ]);
    const overdue = page.locator('li[data-slot="invoices.overdue"]');
    expect(await overdue.locator('.tile-figure').textContent()).toBe('1 facture');
    expect(await overdue.locator('.tile-amount').textContent()).toBe(euros('126.02'));
    await overdue.locator('a').click();
    await page.waitForURL(/\/tresorerie\/impayes$/);
    expect(await page.locator('#impayes tbody tr').count()).toBe(1);
    expect(await page.locator('#impayes tbody tr').first().textContent()).toContain('Webcoop SARL');
    // The treasurer may not open the admin home; `/` keeps them on theirs.
    expect((await page.goto(session.url('/admin')))?.status()).toBe(403);
    await page.goto(session.url('/'));
    expect(new URL(page.url()).pathname).toBe('/tresorerie');
    await page.goto(session.url('/tresorerie'));
    await followTiles(page);
  });

  it('a cooperator’s home lists each hosting with its plan, renewal and state, what is due and a way to pay', async () => {
    const { page } = session;
    await signInAs(page, DEMO.anne);
    expect(new URL(page.url()).pathname).toBe('/mon-compte');
    const rows = page.locator('tr[data-hosting]');
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-hosting')))).toEqual([
      'annelef',
      'anneblog',
    ]);
    const first = (await rows.first().textContent()) ?? '';
    expect(first).toContain('Plaque de base');
    expect(first).toMatch(/le \d{2}\/\d{2}\/\d{4}/);
    expect(first).toMatch(/actif|suspendu|fermé|période d’essai/);
    expect(first).not.toMatch(/active|suspended|closed/);
    // Anne owes nothing: no button to pay.
    expect(await page.locator('a.pay').count()).toBe(0);
    expect(await page.locator('p.shortcuts a[href="/adherents/1/parts"]').count()).toBe(1);
    const mine = await client(DEMO.anne).getJson<{ accounts: HomeAccount[] }>(
      '/api/mon-compte/accueil',
    );
    expect(mine.body.accounts.map((a) => [a.customerId, a.due])).toEqual([
      ['1', '0.00'],
      ['5', '0.00'],
    ]);

    // Webcoop (the admin's own account) owes its invoice: "Payer" opens the card payment.
    await signInAs(page, DEMO.admin);
    await page.goto(session.url('/mon-compte'));
    expect(await page.locator('p.due').textContent()).toContain(euros('126.02'));
    // The card form posts itself to the bank at once: read the page it opens over HTTP.
    const href = (await page.locator('a.pay').getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/adherents\/3\/factures\/[^/]+\/carte$/);
    const card = await client(DEMO.admin).getPage(href);
    expect(card.status).toBe(200);
    expect(card.html).toContain('Facture <strong>F2026-000001</strong>');
  });
});
