import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { signInBrowser, signOutBrowser } from './browser-sign-in.js';
import { useBrowserSession } from './chromium.js';
import { guideWalk, parisToday } from './guide-walk.js';
import { DEMO, httpClient } from './http-client.js';

jest.setTimeout(120_000);

/**
 * Walks each task of the French user guide (docs/guide) as its role, on the demo data, asserts
 * what the guide says is on the page (headings, buttons, links: the test fails when the guide
 * goes stale) and writes the guide's screenshots into docs/guide/images/ (commit them).
 */
/** Anne Lefèvre (login anne): customer 1, holds paid-up shares in the demo. */
const ANNE = '1';
const today = parisToday();

/** One browser session for the cooperator's walk: not signed in, it signs in as the guide says. */
const session = useBrowserSession({ as: 'anonymous' });
const baseUrl = () => session.url('');
/** The demo admin's API client (issues the invoice to pay). */
const admin = session.http;
const { shot, open, readGuide } = guideWalk(baseUrl);

describe('the French user guide, walked in Chromium', () => {
  it('a cooperator: signing in, paying by card, shares and certificate, password', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    // Se connecter
    await open(page, '/connexion');
    expect(await page.locator('h1').textContent()).toBe('Connexion');
    expect(await page.locator('label[for=login]').textContent()).toBe('Identifiant');
    expect(await page.locator('button[type=submit]').textContent()).toBe('Se connecter');
    expect(await page.locator('a[href="/inscription"]').textContent()).toBe('Ouvrir un compte');
    await shot(page, 'cooperateur-connexion', page.locator('main'));
    // An invoice to pay (Payer une facture par carte), issued by the admin today.
    const issued = await admin.postJson<{ number: string }>('/api/factures', {
      customerId: ANNE,
      issuedOn: today,
      lines: [
        {
          label: 'Plaque de base',
          net: '10.00',
          vatRate: '20',
          serviceStart: today,
          serviceEnd: today,
        },
      ],
      idempotencyKey: `guide-${randomUUID()}`,
    });
    expect(issued.status).toBe(201);
    await signInBrowser(page, baseUrl(), DEMO.anne);
    expect(new URL(page.url()).pathname).toBe('/mon-compte');
    expect(await page.locator('h1').textContent()).toBe('Mon compte');
    // Anne's account (customer n° 0403020000017).
    const account = page.locator('section.account-home[data-customer="0403020000017"]');
    expect(await account.locator('.shortcuts a').allTextContents()).toEqual([
      'Factures et paiements',
      'Parts sociales et attestation',
    ]);
    expect(await account.locator('.due').textContent()).toContain(issued.body.number);
    expect(await account.locator('a.button.pay').textContent()).toMatch(
      /^Payer 12,00\s€ par carte$/,
    );
    expect(await page.locator('form.signout button').textContent()).toBe('Se déconnecter');
    expect(await page.locator('main a[href="/mon-compte/mot-de-passe"]').textContent()).toBe(
      'Changer de mot de passe',
    );
    await shot(page, 'cooperateur-mon-compte');

    // Payer une facture par carte, from the invoice list.
    await Promise.all([
      page.waitForURL(`**/adherents/${ANNE}`),
      page.click('text=Factures et paiements'),
    ]);
    expect(await page.locator('h1').textContent()).toMatch(/^Factures de /);
    const row = page.locator(`tr[data-invoice="${issued.body.number}"]`);
    expect(await row.locator('a', { hasText: 'Voir' }).count()).toBe(1);
    expect(await row.locator('a', { hasText: 'PDF' }).count()).toBe(1);
    await shot(page, 'cooperateur-factures');
    await Promise.all([
      page.waitForURL(/\/carte$/),
      row.locator('a.pay-card', { hasText: 'Payer par carte' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Paiement par carte');
    expect(await page.locator('main').textContent()).toContain(issued.body.number);
    expect(await page.locator('#payer-carte button').textContent()).toMatch(
      /^Payer 12,00\s€ par carte$/,
    );
    expect(await page.locator('a', { hasText: 'Revenir à mes factures sans payer' }).count()).toBe(
      1,
    );
    await shot(page, 'cooperateur-paiement-carte', page.locator('main'));

    // Lire ses parts sociales et son attestation
    await open(page, `/adherents/${ANNE}`);
    await Promise.all([
      page.waitForURL(/\/parts$/),
      page.click('text=Parts sociales et attestation'),
    ]);
    expect(await page.locator('h1').textContent()).toMatch(/^Parts sociales de /);
    expect(await page.locator('h2').allTextContents()).toEqual(['Mes parts', 'Mouvements']);
    await shot(page, 'cooperateur-parts');
    await Promise.all([
      page.waitForURL(/\/attestation$/),
      page.click('text=Attestation de détention de parts sociales'),
    ]);
    expect(await page.locator('button[data-print]').textContent()).toBe('Imprimer');
    expect(await page.locator('.toolbar a', { hasText: 'PDF' }).count()).toBe(1);
    await shot(page, 'cooperateur-attestation');

    // Changer son mot de passe: the header's link, the form (nothing is changed here).
    await open(page, '/mon-compte');
    await Promise.all([
      page.waitForURL(/\/mot-de-passe$/),
      page.click('header a[href="/mon-compte/mot-de-passe"]'),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Changer de mot de passe');
    for (const [id, label] of [
      ['actuel', 'Mot de passe actuel'],
      ['nouveau', 'Nouveau mot de passe (8 caractères au moins)'],
      ['confirmation', 'Nouveau mot de passe, une seconde fois'],
    ]) {
      expect(await page.locator(`label[for=${id}]`).textContent()).toBe(label);
    }
    expect(await page.locator('main button[type=submit]').textContent()).toBe(
      'Changer le mot de passe',
    );
    await shot(page, 'cooperateur-mot-de-passe', page.locator('main'));

    // The guide in the panel: the menu's Aide, the cooperator's chapters only, every link good.
    await Promise.all([page.waitForURL(/\/aide$/), page.click('header a[href="/aide"]')]);
    expect(await readGuide(page)).toEqual([
      '/aide/cooperateur-courrier',
      '/aide/cooperateur-mot-de-passe',
      '/aide/cooperateur-parts-sociales',
      '/aide/cooperateur-payer-une-facture',
      '/aide/cooperateur-se-connecter',
      '/aide/cooperateur-sites-web',
    ]);
    await open(page, '/aide/cooperateur-payer-une-facture');
    expect(await page.locator('article.guide h1').textContent()).toBe(
      'Payer une facture par carte',
    );
    expect(await page.locator('article.guide img').count()).toBe(2);
  });

  it('a cooperator: creating a web space', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, '/mon-compte');
    await signOutBrowser(page);
    await signInBrowser(page, baseUrl(), DEMO.anne);
    // Mes hébergements (the menu's « Gérer mes hébergements »).
    await open(page, '/hebergements');
    expect(await page.locator('h1').textContent()).toBe('Mes hébergements');
    await Promise.all([
      page.waitForURL('**/hebergements/1'),
      page.click('main a[href="/hebergements/1"]'),
    ]);
    expect(await page.locator('section#vhosts h2').textContent()).toBe('Sites web');
    await Promise.all([
      page.waitForURL('**/hebergements/1/sites/nouveau'),
      page.click('text=Créer un site web'),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Créer un site web');
    for (const [id, label] of [
      ['nom_hote', 'Nom du site'],
      ['racine', 'Dossier du site (facultatif)'],
    ])
      expect(await page.locator(`label[for=${id}]`).textContent()).toBe(label);
    await page.fill('#nom_hote', 'blog.anne-lefevre.fr');
    await shot(page, 'cooperateur-site-nouveau', page.locator('main'));
    await Promise.all([
      page.waitForURL(/\/hebergements\/1\?site=/),
      page.click('text=Créer le site'),
    ]);
    const site = page.locator('section#vhosts tr[data-host="blog.anne-lefevre.fr"]');
    expect(await site.locator('code').textContent()).toBe('/blog.anne-lefevre.fr');
    expect(await site.locator('a', { hasText: 'Modifier' }).count()).toBe(1);
    await shot(page, 'cooperateur-sites-web', page.locator('section#vhosts'));
  });

  it('a cooperator: the mail of a hosting (boxes, deferred deletion, redirections, where each domain’s mail goes, MX)', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, '/mon-compte');
    // Signed in by the walks before it, or not when run alone.
    if ((await page.locator('form.signout button').count()) > 0) await signOutBrowser(page);
    await signInBrowser(page, baseUrl(), DEMO.anne);
    await open(page, '/hebergements/1');
    expect(await page.locator('section#redirections h2').textContent()).toBe(
      'Redirections de courriel',
    );
    expect(await page.locator('section#mailDomains h2').textContent()).toBe(
      'Courrier des domaines',
    );

    // Créer une boîte mail: the section and its form as the chapter names them.
    const boxes = page.locator('section#mailboxes');
    const boxForm = page.locator('form#boite-nouvelle');
    expect(await boxForm.locator('h3').textContent()).toBe('Nouvelle boîte mail');
    expect(await boxForm.locator('label').allTextContents()).toEqual([
      expect.stringContaining('Adresse'),
      expect.stringContaining('Mot de passe'),
      expect.stringContaining('Quota en Mo'),
      expect.stringContaining('POP'),
      expect.stringContaining('IMAP'),
    ]);
    await boxForm.locator('input[name=adresse]').fill('Boutique@anne-lefevre.fr');
    await boxForm.locator('input[name=mot_de_passe]').fill('une-phrase-de-passe');
    await boxForm.locator('input[name=quota_mo]').fill('500');
    // Created, the box's own page opens and says the address was put in lower case.
    await Promise.all([
      page.waitForURL(/\/boites\/boutique%40anne-lefevre\.fr/),
      boxForm.locator('button', { hasText: 'Créer la boîte' }).click(),
    ]);
    expect(await page.locator('[role=status]').first().textContent()).toContain('minuscules');
    await open(page, '/hebergements/1');
    const box = boxes.locator('tr[data-address="boutique@anne-lefevre.fr"]');
    await box.waitFor();
    await shot(page, 'cooperateur-courrier-boites', boxes);

    // Supprimer une boîte, et annuler: the confirmation names the address, the list the date.
    await Promise.all([
      page.waitForURL(/\/boites\/boutique/),
      box.locator('a', { hasText: 'boutique@anne-lefevre.fr' }).click(),
    ]);
    await Promise.all([
      page.waitForLoadState('domcontentloaded'),
      page.locator('button', { hasText: 'Supprimer cette boîte…' }).click(),
    ]);
    expect(await page.locator('main').textContent()).toContain('boutique@anne-lefevre.fr');
    await Promise.all([
      page.waitForURL(/\/hebergements\/1(#mailboxes)?$/),
      page.locator('button', { hasText: 'Supprimer la boîte' }).click(),
    ]);
    expect(await box.textContent()).toMatch(/suppression le \d{2}\/\d{2}\/\d{4}/);
    await shot(page, 'cooperateur-courrier-suppression', boxes);
    await Promise.all([
      page.waitForURL(/\/hebergements\/1/),
      box.locator('button', { hasText: 'annuler' }).click(),
    ]);
    // Back with all its mail: the list no longer counts the days.
    await open(page, '/hebergements/1');
    expect(await box.textContent()).not.toContain('suppression le');

    // Rediriger une adresse: the form's fields as the chapter names them.
    const form = page.locator('form#redirection-nouvelle');
    expect(await form.locator('h3').textContent()).toBe('Nouvelle redirection');
    expect(await form.locator('label').allTextContents()).toEqual([
      expect.stringContaining('Adresse à rediriger'),
      expect.stringContaining('Vers'),
      expect.stringContaining('Garder une copie'),
    ]);
    await form.locator('input[name=source]').fill('ventes@anne-lefevre.fr');
    await form.locator('textarea[name=destinations]').fill('anne.lefevre@fai.example');
    await Promise.all([
      page.waitForURL(/\/hebergements\/1/),
      form.locator('button', { hasText: 'Créer la redirection' }).click(),
    ]);
    const created = page.locator('section#redirections tr[data-source="ventes@anne-lefevre.fr"]');
    await created.waitFor();
    expect(await page.locator('#redirection-avertissement').textContent()).toContain('SPF');
    expect(
      await page
        .locator('section#redirections summary', { hasText: 'Modifier la redirection de' })
        .count(),
    ).toBeGreaterThan(0);
    await shot(page, 'cooperateur-courrier-redirections', page.locator('section#redirections'));

    // Où arrive le courrier: a new domain of Anne's, Ouvaton's MX and no address yet.
    await page.fill('#domaine', 'courrier-anne.fr');
    await Promise.all([
      page.waitForURL(/\?ajoute=courrier-anne\.fr/),
      page.click('text=Ajouter le domaine'),
    ]);
    const fresh = page.locator('section#mailDomains li[data-mail-domain="courrier-anne.fr"]');
    // The zone is written by the mirror a moment after: reload until the section sees it.
    for (let tries = 0; (await fresh.getAttribute('data-routing')) !== 'ouvaton'; tries++) {
      expect(tries).toBeLessThan(100);
      await open(page, '/hebergements/1');
    }
    expect(await fresh.textContent()).toContain(
      'Plus aucune adresse sur ce domaine : retirer les enregistrements MX ?',
    );
    const own = page.locator('section#mailDomains li[data-mail-domain="anne-lefevre.fr"]');
    expect(await own.textContent()).toContain('arrive à Ouvaton (MX vers mx.ouvaton.coop)');
    await shot(page, 'cooperateur-courrier-mx', page.locator('section#mailDomains'));
    await Promise.all([
      page.waitForURL(/mx_retire=courrier-anne\.fr/),
      fresh.locator('button', { hasText: 'Retirer les enregistrements MX' }).click(),
    ]);
    expect(await page.locator('[role=status]').first().textContent()).toContain(
      'n’est plus hébergé à Ouvaton',
    );
    expect(
      await fresh
        .locator('button', { hasText: 'Héberger le courrier de ce domaine à Ouvaton' })
        .count(),
    ).toBe(1);

    // Suivre la place occupée: the hosting's section links to the accounting page.
    expect(await page.locator('section#mailUsage h2').textContent()).toBe(
      'Consommation du courrier',
    );
    await Promise.all([
      page.waitForURL('**/hebergements/1/courrier/consommation'),
      page.click('text=Détail par adresse et par domaine, historique sur douze mois'),
    ]);
    expect(await page.locator('h1').textContent()).toMatch(/^Consommation du courrier — /);
    const headings = await page.locator('main h2').allTextContents();
    for (const h of ['Par adresse', 'Par domaine', 'Inclus et utilisé', 'Sur douze mois'])
      expect(headings).toContain(h);
    await shot(page, 'cooperateur-courrier-consommation', page.locator('main'));
  });

  it('a treasurer: recording a cheque', async () => {
    const page = session.page;
    await open(page, '/mon-compte');
    await signOutBrowser(page);
    await signInBrowser(page, baseUrl(), DEMO.treasurer);
    const due = await admin.postJson<{ number: string }>('/api/factures', {
      customerId: ANNE,
      issuedOn: today,
      lines: [
        {
          label: 'Plaque de base',
          net: '5.00',
          vatRate: '20',
          serviceStart: today,
          serviceEnd: today,
        },
      ],
      idempotencyKey: `guide-${randomUUID()}`,
    });
    expect(due.status).toBe(201);
    // The menu Trésorerie's link, then its page.
    expect(await page.locator('header a[href="/admin/cheques/nouveau"]').textContent()).toBe(
      'Saisir un chèque',
    );
    await open(page, '/admin/cheques/nouveau');
    expect(await page.locator('h1').textContent()).toBe('Saisir un chèque');
    // The member first: a few letters of the name, then the proposal.
    await page.locator('#recherche').pressSequentially('Lefè');
    const proposal = page
      .locator('ul.suggestions li[role=option]', { hasText: 'Anne Lefèvre' })
      .first();
    await proposal.waitFor();
    await shot(page, 'tresorier-cheque-adherent', page.locator('main'));
    await Promise.all([
      page.waitForURL(`**/admin/cheques/nouveau?adherent=${ANNE}`),
      proposal.click(),
    ]);
    expect(await page.locator('main button[type=submit]').textContent()).toBe(
      'Enregistrer le chèque',
    );
    // Then that member's unpaid invoices only.
    const option = page.locator('#facture option', { hasText: `${due.body.number} ` });
    await page.selectOption('#facture', (await option.getAttribute('value')) ?? '');
    await page.fill('#montant', '6,00');
    await page.fill('#date_reception', today);
    await page.fill('#numero_cheque', '0001234');
    await page.fill('#banque', 'La Banque Postale');
    expect(await page.locator('label.check').textContent()).toContain(
      'Garder le surplus en crédit',
    );
    await shot(page, 'tresorier-saisir-un-cheque', page.locator('main'));
    await Promise.all([
      page.waitForURL(`**/adherents/${ANNE}*`),
      page.click('main button[type=submit]'),
    ]);
    expect(await page.locator('[role=status]').textContent()).toContain(due.body.number);
    expect(await readGuide(page)).toContain('/aide/tresorier-saisir-un-cheque');
  });

  it('staff are not shown the cooperator chapters, and a missing chapter is a French 404', async () => {
    const treasurer = httpClient(baseUrl, DEMO.treasurer);
    const index = await treasurer.getPage('/aide');
    expect(index.status).toBe(200);
    expect(index.html).not.toContain('/aide/cooperateur-');
    expect((await treasurer.getPage('/aide/cooperateur-se-connecter')).status).toBe(403);
    const missing = await treasurer.getPage('/aide/tresorier-inexistant');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('Ce chapitre de l’aide n’existe pas.');
    expect((await treasurer.getPage('/aide/images/..%2FREADME.md')).status).toBe(404);
    const anonymous = httpClient(baseUrl, 'anonymous');
    expect((await anonymous.rawFetch('/aide')).status).not.toBe(200);
  });
});
