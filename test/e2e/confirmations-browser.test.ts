import { describe, expect, it, jest } from '@jest/globals';
import type { RunReport } from '../../src/billing-run/anniversary-billing.service.js';
import type { DepositSlipResult } from '../../src/bank/deposit-slip.commands.js';
import { useBrowserSession } from './chromium.js';

jest.setTimeout(90_000);

/**
 * Irreversible actions ask first (issue 17 item 6): the form's button leads to a page that says
 * what will happen, server-rendered and without script; only its button acts. In Chromium, as
 * the demo admin, on the demo data.
 */
const session = useBrowserSession();

interface Overview {
  pending: { cheques: { paymentId: string }[] }[];
  slips: { number: number; status: string }[];
}

describe('confirmation before an irreversible action', () => {
  it('launching the billing: the summary first, "Ne rien faire" issues nothing, the confirmation issues the invoices', async () => {
    const { page } = session;
    const window = 'du=2026-09-01&au=2026-12-31';
    const planned = async () =>
      (await session.http.getJson<{ preview: RunReport }>(`/api/facturation?${window}`)).body
        .preview.counts.planned;
    expect(await planned()).toBe(1);
    await page.goto(session.url(`/admin/facturation?${window}`));
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/admin/facturation'),
      page.click('button:has-text("Lancer la facturation")'),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Lancer la facturation ?');
    const summary = await page.locator('#resume').textContent();
    expect(summary).toContain('Anniversaires du 01/09/2026 au 31/12/2026.');
    expect(summary).toMatch(
      /1 facture sera émise, datées? du \d\d\/\d\d\/\d{4}, pour .* HT, .* TTC/,
    );
    expect(await page.locator('#avertissement').textContent()).toContain('seul un avoir');

    // Going back does nothing.
    await Promise.all([page.waitForURL(/\/admin\/facturation\?/), page.click('#ne-rien-faire')]);
    expect(await page.locator('h1').textContent()).toBe('Facturation anniversaire');
    expect(await planned()).toBe(1);

    await page.click('button:has-text("Lancer la facturation")');
    await page.waitForSelector('#confirmer');
    expect(await page.locator('#confirmer').textContent()).toBe('Émettre 1 facture');
    await Promise.all([page.waitForSelector('#comptes-totaux'), page.click('#confirmer')]);
    expect(await page.locator('#comptes-totaux').textContent()).toMatch(/1 facture émise,/);
    expect(await planned()).toBe(0);
  });

  it('cancelling a deposit slip: the slip, its cheques and the reason first; confirmed, the slip is cancelled', async () => {
    const { page } = session;
    const before = (await session.http.getJson<Overview>('/api/tresorerie/remises')).body;
    const ids = before.pending.flatMap((d) => d.cheques.map((c) => c.paymentId)).slice(0, 2);
    expect(ids).toHaveLength(2);
    const made = await session.http.postJson<DepositSlipResult>('/api/tresorerie/remises', {
      paymentIds: ids,
    });
    expect(made.status).toBe(201);
    const n = made.body.number;
    await page.goto(session.url(`/tresorerie/remises/${n}`));
    await page.fill('#annulation input[name="motif"]', 'bordereau égaré');
    await Promise.all([
      page.waitForSelector('#confirmation'),
      page.click('#annulation button[type="submit"]'),
    ]);
    expect(await page.locator('h1').textContent()).toBe(`Annuler le bordereau n° ${n} ?`);
    const summary = await page.locator('#resume').textContent();
    expect(summary).toMatch(new RegExp(`Bordereau n° ${n} du \\d\\d/\\d\\d/\\d{4} : 2 chèques, `));
    expect(summary).toContain('Ces 2 chèques redeviennent à remettre');
    expect(summary).toContain('Motif : « bordereau égaré ».');
    // Nothing is cancelled until the confirmation.
    const asked = (await session.http.getJson<Overview>('/api/tresorerie/remises')).body;
    expect(asked.slips.find((s) => s.number === n)?.status).toBe('active');

    await Promise.all([
      page.waitForURL((u) => u.pathname === `/tresorerie/remises/${n}`),
      page.click('#confirmer'),
    ]);
    expect(await page.locator('main, body').first().textContent()).toContain('bordereau égaré');
    const after = (await session.http.getJson<Overview>('/api/tresorerie/remises')).body;
    expect(after.slips.find((s) => s.number === n)?.status).toBe('cancelled');
  });
});
