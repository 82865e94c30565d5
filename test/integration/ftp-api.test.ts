import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';

jest.setTimeout(180_000);

/**
 * The FTP accounts' JSON routes on the demo (SQLite): Anne creates a supplementary account on
 * her hosting annelef (1), changes its password and folder, removes it; every refusal is the
 * catalogue's JSON naming the field, with nothing written; the hosting's JSON shows the section.
 */
let demo: DemoApp;
let anne: HttpClient;

const ftpRows = (login: string) =>
  demo.app
    .get(Db)
    .query<{ repertoire: string; mot_de_passe: string; mot_de_passe_clair: string }>(
      'SELECT repertoire, mot_de_passe, mot_de_passe_clair FROM ftp WHERE login = ?',
      [login],
    );

async function mirrored(login: string, ok: (n: number) => boolean) {
  for (;;) {
    if (ok((await ftpRows(login)).length)) return ftpRows(login);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  demo = await startDemoApp();
  anne = httpClient(() => demo.baseUrl, DEMO.anne);
});
afterAll(() => demo?.close());

describe('/api/hebergements/:id/ftp', () => {
  it('creates, changes and removes a supplementary account of one’s own hosting', async () => {
    const created = await anne.postJson<{ login: string }>('/api/hebergements/1/ftp', {
      login: 'annelef_blog',
      chemin: 'www/blog',
      mot_de_passe: 'un-secret-solide',
    });
    expect([created.status, created.body.login]).toEqual([201, 'annelef_blog']);
    const [row] = await mirrored('annelef_blog', (n) => n === 1);
    expect(row).toMatchObject({ repertoire: '/home/a/annelef/www/blog', mot_de_passe_clair: '' });
    expect(row!.mot_de_passe).toMatch(/^\$5\$/);
    const page = await anne.getJson<{ ftp: { accounts: { login: string; kindText: string }[] } }>(
      '/api/hebergements/1',
    );
    expect(page.body.ftp.accounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ login: 'annelef_blog', kindText: 'supplémentaire' }),
      ]),
    );
    expect(
      (
        await anne.postJson('/api/hebergements/1/ftp/annelef_blog/dossier', {
          chemin: 'www/photos',
        })
      ).status,
    ).toBe(200);
    await mirrored('annelef_blog', () => true);
    const removed = await anne.fetch('/api/hebergements/1/ftp/annelef_blog', { method: 'DELETE' });
    expect(removed.status).toBe(200);
    await mirrored('annelef_blog', (n) => n === 0);
  });

  it('refuses in JSON, naming the field, with nothing written', async () => {
    const events = async () =>
      Number(
        (await demo.app.get(Db).query<{ n: number }>('SELECT COUNT(*) AS n FROM g2_events'))[0]!.n,
      );
    const before = await events();
    const up = await anne.postJson<{ error: { code: string; field: string; message: string } }>(
      '/api/hebergements/1/ftp',
      {
        login: 'annelef_up',
        chemin: '../lesamis',
        mot_de_passe: 'un-secret-solide',
      },
    );
    expect([up.status, up.body.error.code, up.body.error.field]).toEqual([
      422,
      'invalid_input',
      'chemin',
    ]);
    expect(up.body.error.message).toContain('..');
    const master = await anne.fetch('/api/hebergements/1/ftp/annelef', { method: 'DELETE' });
    expect(master.status).toBe(404);
    expect(await events()).toBe(before);
  });
});

describe('the FTP section of /hebergements/:id (forms)', () => {
  it('creates an account from the page, refuses a .. folder on the page naming it, removes after confirming', async () => {
    const page = await anne.getPage('/hebergements/1');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Nouveau compte FTP limité à un dossier');
    const created = await anne.postForm(
      '/hebergements/1/ftp',
      {
        login: 'annelef_photos',
        chemin: 'www/photos',
        mot_de_passe: 'un-secret-solide',
      },
      { redirect: 'manual' },
    );
    expect([created.status, created.headers.get('location')]).toEqual([303, '/hebergements/1#ftp']);
    await mirrored('annelef_photos', (n) => n === 1);
    const refused = await anne.postForm('/hebergements/1/ftp', {
      login: 'annelef_up',
      chemin: 'www/../..',
      mot_de_passe: 'un-secret-solide',
    });
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).toContain('Le dossier ne peut pas contenir « .. »');
    expect(text).toContain('value="annelef_up"');
    const ask = await anne.postForm('/hebergements/1/ftp/annelef_photos/supprimer', {});
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Supprimer le compte FTP annelef_photos ?');
    expect(await ftpRows('annelef_photos')).toHaveLength(1);
    const done = await anne.postForm(
      '/hebergements/1/ftp/annelef_photos/supprimer',
      {
        confirme: 'oui',
      },
      { redirect: 'manual' },
    );
    expect(done.status).toBe(303);
    await mirrored('annelef_photos', (n) => n === 0);
  });
});
