import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import { projectRoot } from '../../src/kernel/paths.js';
import { signInBrowser, signOutBrowser } from './browser-sign-in.js';
import { useBrowserSession } from './chromium.js';
import { guideWalk } from './guide-walk.js';
import { DEMO } from './http-client.js';

jest.setTimeout(180_000);

/**
 * The treasurer's and the admin's chapters of the French user guide (docs/guide), walked on the
 * demo data as each chapter tells it: the test asserts the headings, fields and buttons the
 * chapter names (it fails when the guide goes stale) and writes the chapter's screenshots.
 */
const session = useBrowserSession({ as: DEMO.treasurer });
const baseUrl = () => session.url('');
const { shot, open, readGuide } = guideWalk(baseUrl);
const statement = join(projectRoot, 'test/fixtures/bank/releve-cfonb120.txt');

const texts = (page: import('playwright-core').Page, selector: string) =>
  page.locator(selector).allTextContents();

describe('the guide for the treasurer and the admin, walked in Chromium', () => {
  it('a treasurer: deposit slip, bank reconciliation, allocation and VAT, exports, closing', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    const main = page.locator('main');

    // Préparer une remise de chèques: the demo's cheque of 02/11, handed over on 04/11.
    await open(page, '/tresorerie/remises');
    expect(await page.locator('h1').textContent()).toBe('Remises de chèques');
    expect(await page.locator('label[for=date_remise]').textContent()).toBe(
      'Date de remise à la banque',
    );
    expect(await page.locator('button[name=jour]').first().textContent()).toBe(
      'Bordereau de ce jour',
    );
    expect(await page.locator('#creer').textContent()).toBe(
      'Créer le bordereau avec les chèques cochés',
    );
    await page.fill('#date_remise', '2026-11-04');
    await page.check('input[aria-label="Chèque 0000778"]');
    await shot(page, 'tresorier-remises', main);
    await Promise.all([page.waitForURL(/\/tresorerie\/remises\/\d+$/), page.click('#creer')]);
    expect(await page.locator('h1').textContent()).toBe('Bordereau de remise de chèques');
    expect(await page.locator('a', { hasText: 'Télécharger le PDF' }).count()).toBe(1);
    expect(await page.locator('button', { hasText: 'Imprimer' }).count()).toBe(1);
    expect(await page.locator('button', { hasText: 'Annuler ce bordereau' }).count()).toBe(1);
    expect(await page.locator('body').textContent()).toContain('Signature du remettant');
    await shot(page, 'tresorier-bordereau');
    await open(page, '/tresorerie/remises');
    expect(await texts(page, 'h2')).toContain('Bordereaux');

    // Rapprocher le relevé bancaire: import a CFONB statement, the slip is proposed.
    await open(page, '/tresorerie/rapprochement');
    expect(await page.locator('h1').textContent()).toBe('Rapprochement bancaire');
    await page.setInputFiles('input[name=releve]', statement);
    await Promise.all([
      page.waitForURL(/\/tresorerie\/rapprochement\/releves$/),
      page
        .locator('form[action="/tresorerie/rapprochement/releves"] button', { hasText: 'Importer' })
        .click(),
    ]);
    expect(await main.textContent()).toContain('Relevé releve-cfonb120.txt importé');
    const proposed = page.locator('tr', { hasText: 'Bordereau n°' });
    expect(await proposed.locator('button', { hasText: 'Confirmer' }).count()).toBe(1);
    const natures = await page
      .locator('select[name=nature]')
      .first()
      .locator('option')
      .allTextContents();
    expect(natures).toEqual([
      'Frais bancaires (627)',
      'Frais de chèque impayé (627)',
      'Virement interne (58)',
      'Ignorée (sans écriture)',
    ]);
    expect(await page.locator('button', { hasText: 'Comptabiliser' }).count()).toBeGreaterThan(0);
    expect(await texts(page, 'main h2')).toEqual(
      expect.arrayContaining(['En attente à la banque', 'Soldes annoncés par la banque']),
    );
    await shot(page, 'tresorier-rapprochement');

    // Lire la répartition et la TVA.
    await open(page, '/tresorerie/repartition');
    expect(await page.locator('h1').textContent()).toMatch(/^Répartition des encaissements/);
    expect(await page.locator('main form label', { hasText: 'Exercice' }).count()).toBe(1);
    expect(await texts(page, 'main h2')).toEqual(
      expect.arrayContaining(['Par produit', 'Paiements']),
    );
    for (const format of ['Excel (.xlsx)', 'LibreOffice (.ods)', 'CSV']) {
      expect(await page.locator('main a', { hasText: format }).count()).toBe(1);
    }
    await shot(page, 'tresorier-repartition');
    await open(page, '/tresorerie/tva');
    expect(await page.locator('h1').textContent()).toBe('TVA sur les encaissements');
    expect(await page.locator('main button', { hasText: 'Afficher' }).count()).toBe(1);
    expect(await texts(page, 'main h2')).toContain('Par taux sur la période');
    await shot(page, 'tresorier-tva');

    // Exporter les écritures.
    await open(page, '/tresorerie/fec?exercice=2025');
    expect(await page.locator('main form label', { hasText: 'Exercice' }).count()).toBe(1);
    expect(await page.locator('main a', { hasText: 'Télécharger' }).count()).toBe(1);
    expect(await main.textContent()).toContain('provisoire');
    await shot(page, 'tresorier-export-fec');

    // Clôturer un exercice (the page only: a closing is for good).
    await open(page, '/tresorerie/cloture?exercice=2025');
    expect(await page.locator('h1').textContent()).toBe('Clôture de l’exercice 2025');
    expect(await texts(page, 'main h2')).toEqual(
      expect.arrayContaining([
        'Ce que fera la clôture',
        'Déclarations de TVA',
        'Écritures de Gloux prises au premier jour ouvert',
      ]),
    );
    expect(await main.textContent()).toContain('Je confirme la clôture de l’exercice 2025');
    expect(await page.locator('main button', { hasText: 'Clôturer l’exercice 2025' }).count()).toBe(
      1,
    );
    expect(await page.locator('main button', { hasText: 'Déclarer' }).count()).toBe(12);
    await shot(page, 'tresorier-cloture');

    expect(await readGuide(page)).toEqual([
      '/aide/tresorier-cloturer-un-exercice',
      '/aide/tresorier-exporter-les-ecritures',
      '/aide/tresorier-rapprocher-la-banque',
      '/aide/tresorier-remettre-des-cheques',
      '/aide/tresorier-repartition-et-tva',
      '/aide/tresorier-saisir-un-cheque',
    ]);
  });

  it('an admin: convening an assembly, then the convocation sent', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, '/aide');
    await signOutBrowser(page);
    await signInBrowser(page, baseUrl(), DEMO.admin);
    await open(page, '/admin/ag');
    expect(await page.locator('h1').textContent()).toBe('Assemblées générales');
    expect(await texts(page, 'main h2')).toContain('Convoquer une assemblée');
    // (The refusal that lists every problem: test/e2e/assembly-convocation.test.ts.)
    await page.selectOption('#type', 'ordinary');
    const heldOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
      new Date(Date.now() + 30 * 86_400_000),
    );
    await page.fill('#date', heldOn);
    await page.fill('#heure', '18:30');
    await page.fill('#lieu', 'Salle Jean-Jaurès, 5 rue de la Paix, 69001 Lyon');
    await page.fill('#titre', 'Exercice 2026');
    await page.fill('#point_titre_1', 'Approbation des comptes');
    await page.fill('#point_texte_1', 'L’assemblée approuve les comptes de l’exercice 2026.');
    await page.fill('#point_titre_2', 'Affectation du résultat');
    await page.fill('#point_texte_2', 'Le résultat est affecté aux réserves impartageables.');
    for (const label of ['Heure', 'Lieu', 'Ordre du jour', 'Date limite de réception']) {
      expect(await page.locator('main form').first().textContent()).toContain(label);
    }
    await shot(page, 'admin-convoquer-formulaire', page.locator('main form').first());
    await Promise.all([
      page.waitForURL(/\/admin\/ag\/[\w-]+\?fait=convocation$/),
      page.click('main button[type=submit]'),
    ]);
    expect(await page.locator('#reunion').textContent()).toContain('à 18 h 30, Salle Jean-Jaurès');
    expect(await texts(page, 'main h2')).toEqual(
      expect.arrayContaining(['Ordre du jour', 'Résolutions']),
    );
    await shot(page, 'admin-assemblee-convoquee');
    const chapters = await readGuide(page);
    expect(chapters).toContain('/aide/admin-convoquer-une-assemblee');
  });

  it('an admin: members and dashboard, billing run, shares and capital, drift from Gloux', async () => {
    const page = session.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, '/aide');
    await signOutBrowser(page);
    await signInBrowser(page, baseUrl(), DEMO.admin);
    const main = page.locator('main');

    await open(page, '/admin/adherents');
    expect(await page.locator('h1').textContent()).toBe('Adhérents');
    expect(await page.locator('label[for=q]').textContent()).toContain('Rechercher');
    expect(await page.locator('main td', { hasText: '0403020000017' }).count()).toBeGreaterThan(0);
    await shot(page, 'admin-adherents');
    await open(page, '/admin');
    expect(await page.locator('h1').textContent()).toBe('Administration');
    for (const tile of ['Nouveaux comptes', 'Comptes suspendus', 'Erreurs du serveur']) {
      expect(await main.textContent()).toContain(tile);
    }
    await shot(page, 'admin-tableau-de-bord');

    await open(page, '/admin/facturation');
    expect(await page.locator('h1').textContent()).toBe('Facturation anniversaire');
    expect(await page.locator('main button', { hasText: 'Aperçu' }).count()).toBe(1);
    expect(await page.locator('main button', { hasText: 'Lancer la facturation' }).count()).toBe(1);
    expect(await texts(page, 'main h2')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Aperçu : anniversaires du /),
        'Prochains anniversaires',
      ]),
    );
    expect(await main.textContent()).toContain('en période d’essai jusqu’au');
    await shot(page, 'admin-facturation');

    await open(page, '/admin/parts');
    expect(await page.locator('h1').textContent()).toBe('Parts sociales');
    expect(await texts(page, 'main h2')).toEqual(
      expect.arrayContaining([
        'Souscription',
        'Libération',
        'Cession',
        'Remboursement',
        'Annulation',
      ]),
    );
    expect(await main.textContent()).toContain('plancher');
    for (const link of ['Registre des mouvements de titres', 'Capital au jour le jour']) {
      expect(await page.locator('main a', { hasText: link }).count()).toBe(1);
    }
    await shot(page, 'admin-parts');

    await open(page, '/admin/derive');
    expect(await page.locator('h1').textContent()).toBe('Écarts entre Gloux et gloux2');
    expect(await main.textContent()).toContain('Aucun écart : Gloux et gloux2 sont d’accord.');
    expect(await texts(page, 'main h2')).toContain('Import depuis Gloux');
    await shot(page, 'admin-ecarts-gloux');

    const chapters = await readGuide(page);
    expect(chapters.filter((c) => c.startsWith('/aide/admin-'))).toEqual(
      expect.arrayContaining([
        '/aide/admin-ecarts-avec-gloux',
        '/aide/admin-lancer-la-facturation',
        '/aide/admin-parts-sociales-et-capital',
        '/aide/admin-suivre-les-adherents',
      ]),
    );
  });
});
