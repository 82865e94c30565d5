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

  it('a wrong password shows the French error; the admin then lands on the members', async () => {
    const { page } = session;
    await page.goto(session.url('/connexion'));
    await page.fill('#login', 'admin');
    await page.fill('#password', 'faux');
    await page.click('button[type=submit]');
    expect(await page.locator('.error').textContent()).toBe(
      'Identifiant ou mot de passe incorrect.',
    );
    await signInBrowser(page, session.url(''), DEMO.admin);
    expect(new URL(page.url()).pathname).toBe('/admin/adherents');
    expect(await page.locator('header').textContent()).toContain('admin (administrateur)');
  });

  it('signs up in French without validation: the account opens with a trial, and the person is signed in', async () => {
    const { page } = session;
    await signOutBrowser(page);
    await page.goto(session.url('/inscription'));
    await page.fill('#prenom', 'Zoé');
    await page.fill('#nom', 'Martin');
    await page.fill('#email', 'zoe@example.org');
    await page.fill('#adresse', '1 rue de la Paix');
    await page.fill('#code_postal', '75002');
    await page.fill('#ville', 'Paris');
    await page.fill('#hebergement', 'annelef'); // taken: the demo's account
    await page.fill('#identifiant', 'zoe');
    await page.fill('#mot_de_passe', 'mot de passe sûr');
    await page.fill('#confirmation', 'mot de passe sûr');
    await page.click('button[type=submit]');
    expect(await page.locator('.error').textContent()).toBe(
      'Ce nom d’hébergement est déjà pris : choisissez-en un autre.',
    );
    await page.fill('#hebergement', 'zoesite');
    await page.fill('#mot_de_passe', 'mot de passe sûr');
    await page.fill('#confirmation', 'mot de passe sûr');
    await Promise.all([page.waitForURL(/\/adherents\/\d+/), page.click('button[type=submit]')]);
    expect(await page.locator('header').textContent()).toContain('zoe (coopérateur)');
    expect(await page.locator('h1').textContent()).toContain('Zoé Martin');
  });
});
