import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';

jest.setTimeout(180_000);

/**
 * The domains of a hosting through the panel (the demo app over HTTP): Jean (hosting 4,
 * jdupont) sees his IDN in Unicode, adds a domain by the form, is refused in French naming the
 * field, confirms a removal, uses the JSON twins, and cannot touch Anne's hosting.
 */
let demo: DemoApp;
let jean: HttpClient;

const count = async (sql: string, params: unknown[] = []) => {
  const [row] = await demo.app.get(Db).query<{ n: number | string }>(sql, params);
  return Number(row?.n);
};

beforeAll(async () => {
  demo = await startDemoApp();
  jean = httpClient(() => demo.baseUrl, DEMO.jean);
});

afterAll(async () => {
  await demo?.close();
});

describe('a cooperator’s domains in the panel', () => {
  it('lists the hosting from the cooperator’s pages, the IDN in Unicode', async () => {
    const list = await jean.getPage('/hebergements');
    expect(list.html).toContain('href="/hebergements/4"');
    const page = await jean.getPage('/hebergements/4');
    expect(page.status).toBe(200);
    expect(page.html).toContain('café-dupont.fr');
    expect(page.html).toContain('xn--caf-dupont-d7a.fr');
    const home = await jean.getPage('/mon-compte');
    expect(home.html).toContain('href="/hebergements/4"');
  });

  it('adds a domain by the form: the page confirms it and shows it', async () => {
    const res = await jean.postForm(
      '/hebergements/4/domaines',
      { domaine: 'Jean-Dupont.fr', dns: 'oui', mx: 'oui', cle: '' },
      { redirect: 'manual' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/hebergements/4?ajoute=jean-dupont.fr');
    const page = await jean.getPage(res.headers.get('location')!);
    expect(page.html).toContain('Domaine jean-dupont.fr ajouté');
    expect(page.html).toContain('data-domain="jean-dupont.fr"');
  });

  it('refuses a bad or reserved name in French, naming the field, writing nothing', async () => {
    const events = await count('SELECT COUNT(*) AS n FROM g2_events');
    for (const [typed, words] of [
      ['pas un domaine', 'Le nom de domaine'],
      ['jean.ouvaton.org', 'se crée comme site web'],
      ['anne-lefevre.fr', 'déjà enregistré'],
    ] as const) {
      const res = await jean.postForm('/hebergements/4/domaines', { domaine: typed, dns: 'oui' });
      expect([typed, res.status]).toEqual([typed, 422]);
      const html = await res.text();
      expect(html).toContain(words);
      expect(html).toContain('aria-invalid="true"');
    }
    expect(await count('SELECT COUNT(*) AS n FROM g2_events')).toBe(events);
  });

  it('removes a domain after a confirmation page naming what goes', async () => {
    const asked = await jean.postForm('/hebergements/4/domaines/suppression', {
      domaine: 'jean-dupont.fr',
    });
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain('Retirer le domaine jean-dupont.fr ?');
    expect(html).toContain('Sa zone DNS');
    const cle = /name="cle" value="([^"]+)"/.exec(html)![1]!;
    const done = await jean.postForm(
      '/hebergements/4/domaines/suppression',
      { domaine: 'jean-dupont.fr', cle, confirme: 'oui' },
      { redirect: 'manual' },
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/hebergements/4?retire=jean-dupont.fr');
    const api = await jean.getJson<{ domains: { domains: { domain: string }[] } }>(
      '/api/hebergements/4',
    );
    expect(api.body.domains.domains.map((d) => d.domain)).toEqual(['xn--caf-dupont-d7a.fr']);
  });

  it('answers the JSON twins with the domain, and structured refusals', async () => {
    const added = await jean.postJson('/api/hebergements/4/domaines', { domain: 'épicerie.fr' });
    expect(added).toEqual({
      status: 201,
      body: { hostingId: 4, domain: 'xn--picerie-9xa.fr', display: 'épicerie.fr' },
    });
    const refused = await jean.postJson('/api/hebergements/4/domaines', { domain: 'x' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_input', field: 'domaine' } });
    const removed = await jean.postJson('/api/hebergements/4/domaines/suppression', {
      domain: 'xn--picerie-9xa.fr',
    });
    expect(removed.status).toBe(200);
  });

  it('never lets a cooperator add to or remove from another’s hosting', async () => {
    const events = await count('SELECT COUNT(*) AS n FROM g2_events');
    const add = await jean.postForm('/hebergements/1/domaines', { domaine: 'intrus.fr' });
    expect(add.status).toBe(403);
    const remove = await jean.postJson('/api/hebergements/1/domaines/suppression', {
      domain: 'anne-lefevre.fr',
    });
    expect(remove.status).toBe(403);
    expect(await count('SELECT COUNT(*) AS n FROM g2_events')).toBe(events);
    expect(
      await count(`SELECT COUNT(*) AS n FROM domaines WHERE domaine = 'anne-lefevre.fr'`),
    ).toBe(1);
  });
});
