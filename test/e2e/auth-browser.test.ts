import { describe, expect, it, jest } from '@jest/globals';
import { signInBrowser, signOutBrowser } from './browser-sign-in.js';
import { useBrowserSession } from './chromium.js';
import { DEMO } from './http-client.js';

jest.setTimeout(60_000);

const session = useBrowserSession({ as: 'anonymous' });

describe('signing in and out in headless Chromium', () => {
  it('a page asked anonymously leads to the form, then back to it; another’s page is refused', async () => {
    const { page } = session;
    await page.goto(session.url('/adherents/1'));
    expect(new URL(page.url()).pathname).toBe('/connexion');
    await page.fill('#login', DEMO.anne.login);
    await page.fill('#password', DEMO.anne.password);
    await Promise.all([page.waitForURL(/\/adherents\/1$/), page.click('button[type=submit]')]);
    expect(await page.locator('header').textContent()).toContain('anne (coopérateur)');
    expect(await page.locator('header a[href="/mon-compte"]').count()).toBe(1);
    expect(await page.locator('header a[href="/admin/catalogue"]').count()).toBe(0);

    const refused = await page.goto(session.url('/adherents/4'));
    expect(refused?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Accès refusé');

    await page.goto(session.url('/mon-compte'));
    expect(await page.locator('main table tbody tr').count()).toBe(2);
    await signOutBrowser(page);
    await page.goto(session.url('/adherents/1'));
    expect(new URL(page.url()).pathname).toBe('/connexion');
  });

  it('a wrong password shows the French error; the admin then lands on their home', async () => {
    const { page } = session;
    await page.goto(session.url('/connexion'));
    await page.fill('#login', 'admin');
    await page.fill('#password', 'faux');
    await page.click('button[type=submit]');
    expect(await page.locator('.error').textContent()).toBe(
      'Identifiant ou mot de passe incorrect.',
    );
    await signInBrowser(page, session.url(''), DEMO.admin);
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.locator('header').textContent()).toContain('admin (administrateur)');
  });

  it('joins as a cooperator: plan and price, the shares, the terms, every error at once, then a welcome page', async () => {
    const { page } = session;
    await signOutBrowser(page);
    await page.goto(session.url('/inscription'));
    // The plan with its price and what the trial includes; the share the statutes require.
    expect(await page.locator('[data-plan="1"]').textContent()).toContain('Plaque de base');
    expect(await page.locator('[data-plan="1"]').textContent()).toMatch(/€ TTC par an/);
    expect(await page.locator('#essai').textContent()).toContain('mois d’essai gratuit');
    expect(await page.locator('#parts').inputValue()).toBe('1');
    await page.fill('#prenom', 'Zoé');
    await page.fill('#email', 'zoe@');
    await page.fill('#adresse', '1 rue de la Paix');
    await page.fill('#code_postal', '75002');
    await page.fill('#ville', 'Paris');
    await page.fill('#hebergement', 'annelef'); // taken: the demo's account
    await page.fill('#identifiant', 'zoe');
    await page.fill('#mot_de_passe', 'mot de passe sûr');
    await page.fill('#confirmation', 'mot de passe sûr');
    await page.click('button[type=submit]');
    // Every error at once, each input marked; what was typed is kept.
    expect(await page.locator('#erreurs li').allTextContents()).toEqual([
      'Indiquez votre nom.',
      'Adresse électronique invalide.',
      'Acceptez les conditions générales de vente pour ouvrir un compte.',
      'Acceptez le traitement de vos données personnelles pour ouvrir un compte.',
      'Ce nom d’hébergement est déjà pris : choisissez-en un autre.',
    ]);
    expect(await page.locator('#nom.invalid, #email.invalid, #hebergement.invalid').count()).toBe(
      3,
    );
    expect(await page.locator('#prenom').inputValue()).toBe('Zoé');
    await page.fill('#nom', 'Martin');
    await page.fill('#email', 'zoe@example.org');
    await page.fill('#hebergement', 'zoesite');
    await page.fill('#mot_de_passe', 'mot de passe sûr');
    await page.fill('#confirmation', 'mot de passe sûr');
    await page.check('#cgv');
    await page.check('#donnees');
    await Promise.all([
      page.waitForURL(/\/adherents\/\d+\/bienvenue$/),
      page.click('button[type=submit]'),
    ]);
    expect(await page.locator('header').textContent()).toContain('zoe (coopérateur)');
    expect(await page.locator('h1').textContent()).toBe('Bienvenue dans la coopérative');
    // The trial's end is on the page (not only in the URL), with the next steps.
    expect(await page.locator('#fin-essai').textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(await page.locator('#etapes li').count()).toBe(3);
    expect(await page.locator('#etapes').textContent()).toContain('1 part sociale');
    expect(await page.locator('#etapes').textContent()).toContain('16,00');
    await page.click('#etapes a[href$="/parts"]');
    expect(await page.locator('#detenues').textContent()).toBe('1 part');
  });
});
