import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { verifyCrypt } from '../../src/hosting/crypt.js';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';
import { mailRows } from '../support/mail-rows.js';

jest.setTimeout(240_000);

/**
 * The mailboxes' pages and JSON routes on the demo (SQLite): Anne creates a box on her domain,
 * changes it, deletes it (deferred: « suppression le … — annuler ») and cancels, from the API
 * and from the hosting page; refusals are the catalogue's JSON naming the field, or the page
 * with the French message, nothing written; another cooperator reaches none of it.
 */
let demo: DemoApp;
let anne: HttpClient;
let jean: HttpClient;

const row = (address: string) => mailRows(demo.app.get(Db), address);

/** Waits until the mirror has written what `ok` expects of Gloux's row (never a fixed sleep). */
async function mirrored(address: string, ok: (rows: Awaited<ReturnType<typeof row>>) => boolean) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await row(address);
    if (ok(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`mails row ${address} not as expected in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const events = async () =>
  Number(
    (await demo.app.get(Db).query<{ n: number }>('SELECT COUNT(*) AS n FROM g2_events'))[0]!.n,
  );

beforeAll(async () => {
  demo = await startDemoApp();
  anne = httpClient(() => demo.baseUrl, DEMO.anne);
  jean = httpClient(() => demo.baseUrl, DEMO.jean);
});
afterAll(() => demo?.close());

describe('/api/hebergements/:id/boites', () => {
  const box = '/api/hebergements/1/boites/equipe%40anne-lefevre.fr';

  it('creates, changes, deletes (deferred) and restores a box of one’s own hosting', async () => {
    const created = await anne.postJson<{ address: string; notice: string }>(
      '/api/hebergements/1/boites',
      { adresse: 'Equipe@Anne-Lefevre.fr', mot_de_passe: 'un-secret-solide', quota_mo: 300 },
    );
    expect([created.status, created.body.address]).toEqual([201, 'equipe@anne-lefevre.fr']);
    expect(created.body.notice).toContain('mise en minuscules');
    const [written] = await mirrored('equipe@anne-lefevre.fr', (r) => r.length === 1);
    expect(written).toMatchObject({
      quota_mo: 300,
      actif: 'Y',
      maildir: '/var/mail/anne-lefevre.fr/equipe/',
    });
    expect(verifyCrypt('un-secret-solide', written!.mot_de_passe)).toBe(true);
    const page = await anne.getJson<{
      mailboxes: { boxes: { address: string; statusText: string }[] };
    }>('/api/hebergements/1');
    expect(page.body.mailboxes.boxes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ address: 'equipe@anne-lefevre.fr', statusText: 'active' }),
      ]),
    );
    expect((await anne.postJson(`${box}/quota`, { quota_mo: 500 })).status).toBe(200);
    expect((await anne.postJson(`${box}/acces`, { pop: false, imap: true })).status).toBe(200);
    expect(
      (await anne.postJson(`${box}/repondeur`, { message: 'En congés — merci.' })).status,
    ).toBe(200);
    expect(
      (await anne.postJson(`${box}/mot-de-passe`, { mot_de_passe: 'autre-secret-solide' })).status,
    ).toBe(200);
    const [changed] = await mirrored(
      'equipe@anne-lefevre.fr',
      (r) => r[0]?.quota_mo === 500 && r[0].repondeur !== null,
    );
    expect(changed).toMatchObject({ pop: '0', imap: '1', repondeur: 'En congés — merci.' });
    await mirrored('equipe@anne-lefevre.fr', (r) =>
      verifyCrypt('autre-secret-solide', r[0]!.mot_de_passe),
    );
    const deleted = await anne.fetch(box, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const { purgeAfter } = (await deleted.json()) as { purgeAfter: string };
    expect(purgeAfter).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await mirrored('equipe@anne-lefevre.fr', (r) => r[0]?.actif === 'N');
    const one = await anne.getJson<{ status: string; purgeAfter: string; cancellable: boolean }>(
      box,
    );
    expect(one.body).toMatchObject({ status: 'deletion_pending', purgeAfter, cancellable: true });
    expect((await anne.postJson(`${box}/annuler-suppression`, {})).status).toBe(200);
    await mirrored('equipe@anne-lefevre.fr', (r) => r[0]?.actif === 'Y');
  });

  it('refuses in JSON, naming the field, with nothing written; another cooperator reaches nothing', async () => {
    const before = await events();
    for (const [body, field] of [
      [{ adresse: 'a b@anne-lefevre.fr', mot_de_passe: 'un-secret-solide' }, 'adresse'],
      [
        { adresse: 'zero@anne-lefevre.fr', mot_de_passe: 'un-secret-solide', quota_mo: 0 },
        'quota_mo',
      ],
      [
        { adresse: 'neg@anne-lefevre.fr', mot_de_passe: 'un-secret-solide', quota_mo: -2 },
        'quota_mo',
      ],
      [
        { adresse: `${'x'.repeat(300)}@anne-lefevre.fr`, mot_de_passe: 'un-secret-solide' },
        'adresse',
      ],
      [{ adresse: 'anne@anne-lefevre.fr', mot_de_passe: 'un-secret-solide' }, 'adresse'],
    ] as const) {
      const refused = await anne.postJson<{
        error: { code: string; field: string; message: string };
      }>('/api/hebergements/1/boites', body);
      expect([body.adresse, refused.status, refused.body.error.field]).toEqual([
        body.adresse,
        422,
        field,
      ]);
    }
    expect((await anne.postJson(`${box}/acces`, { pop: 'oui', imap: true })).status).toBe(422);
    expect(await events()).toBe(before);
    for (const path of ['/api/hebergements/1/boites', box]) {
      const refused = await jean.fetch(path);
      expect([path, refused.status]).toEqual([path, 403]);
    }
    const stolen = await jean.fetch(box, { method: 'DELETE' });
    expect(stolen.status).toBe(403);
    expect(await events()).toBe(before);
  });
});

describe('the « Boîtes mail » section and the box page (forms)', () => {
  it('creates from the page, refuses a quota of 0 on the page, deletes after confirming, cancels from the section', async () => {
    const page = await anne.getPage('/hebergements/1');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Boîtes mail');
    expect(page.html).toContain('Nouvelle boîte mail');
    expect(page.html).toMatch(/\d+ boîtes sur 20 incluses dans l’offre/);
    const refused = await anne.postForm('/hebergements/1/boites', {
      adresse: 'zero@anne-lefevre.fr',
      mot_de_passe: 'un-secret-solide',
      quota_mo: '0',
    });
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).toContain('Le quota doit être d’au moins 1 Mo');
    expect(text).toContain('value="zero@anne-lefevre.fr"');
    const created = await anne.postForm(
      '/hebergements/1/boites',
      {
        adresse: 'accueil@anne-lefevre.fr',
        mot_de_passe: 'un-secret-solide',
        quota_mo: '100',
        pop: '1',
        imap: '1',
      },
      { redirect: 'manual' },
    );
    expect([created.status, created.headers.get('location')]).toEqual([
      303,
      '/hebergements/1/boites/accueil%40anne-lefevre.fr?fait=cree',
    ]);
    const boxPage = await anne.getPage(
      '/hebergements/1/boites/accueil%40anne-lefevre.fr?fait=cree',
    );
    expect(boxPage.html).toContain('Boîte créée');
    expect(boxPage.html).toContain('Supprimer cette boîte');
    await mirrored('accueil@anne-lefevre.fr', (r) => r.length === 1);
    const ask = await anne.postForm(
      '/hebergements/1/boites/accueil%40anne-lefevre.fr/supprimer',
      {},
    );
    expect(ask.status).toBe(200);
    const asked = await ask.text();
    expect(asked).toContain('Supprimer la boîte accueil@anne-lefevre.fr ?');
    const purge = /gardés jusqu’au (\d\d\/\d\d\/\d{4})/.exec(asked)?.[1];
    expect(purge).toBeDefined();
    expect((await row('accueil@anne-lefevre.fr'))[0]!.actif).toBe('Y');
    const done = await anne.postForm(
      '/hebergements/1/boites/accueil%40anne-lefevre.fr/supprimer',
      { confirme: 'oui' },
      { redirect: 'manual' },
    );
    expect(done.status).toBe(303);
    await mirrored('accueil@anne-lefevre.fr', (r) => r[0]?.actif === 'N');
    const listed = await anne.getPage('/hebergements/1');
    expect(listed.html).toContain(`suppression le ${purge!}`);
    expect(listed.html).toContain(
      'action="/hebergements/1/boites/accueil%40anne-lefevre.fr/annuler-suppression"',
    );
    const cancelled = await anne.postForm(
      '/hebergements/1/boites/accueil%40anne-lefevre.fr/annuler-suppression',
      {},
      { redirect: 'manual' },
    );
    expect(cancelled.status).toBe(303);
    await mirrored('accueil@anne-lefevre.fr', (r) => r[0]?.actif === 'Y');
  });
});
