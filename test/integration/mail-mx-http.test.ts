import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';
import { until } from '../support/poll.js';

jest.setTimeout(180_000);

/**
 * « Courrier des domaines » on a hosting's page (issue 19, MX handled transparently), on the
 * demo over HTTP: a domain Anne adds has Ouvaton's MX and no address (the removal is offered
 * and done), Jean's café-dupont.fr sends its mail to his provider (said, and hosting it
 * here is refused naming the target), Webcoop's webcoop.fr zone is served elsewhere (the MX to
 * set there is said); nobody touches another's hosting.
 */
let demo: DemoApp;
let anne: HttpClient;
let jean: HttpClient;
let admin: HttpClient;

/** A domain Anne adds for the test: Ouvaton's zone and MX, no address. */
const DOMAIN = 'courrier-anne.fr';

/** The « Courrier des domaines » item of one domain in a page. */
function itemOf(html: string, domain: string): string {
  const start = html.indexOf(`data-mail-domain="${domain}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</li>', start));
}

const db = () => demo.app.get(Db);
const count = async (sql: string, params: unknown[] = []) => {
  const [row] = await db().query<{ n: number | string }>(sql, params);
  return Number(row?.n);
};
const mxOf = (domain: string) =>
  count(
    `SELECT COUNT(*) AS n FROM rr r JOIN domaines d ON d.id_soa = r.zone WHERE d.domaine = ? AND r.type = 'MX'`,
    [domain],
  );

beforeAll(async () => {
  demo = await startDemoApp();
  anne = httpClient(() => demo.baseUrl, DEMO.anne);
  jean = httpClient(() => demo.baseUrl, DEMO.jean);
  admin = httpClient(() => demo.baseUrl, DEMO.admin);
});

afterAll(async () => {
  await demo?.close();
});

describe('where each domain’s mail goes, on the hosting’s page', () => {
  it('says Jean’s mail goes to his provider, naming it, and refuses to host it over that MX', async () => {
    const page = await jean.getPage('/hebergements/4');
    expect(page.html).toContain('Courrier des domaines');
    expect(page.html).toContain('data-routing="elsewhere"');
    expect(page.html).toContain('est envoyé ailleurs, à mx.fai.example');
    expect(page.html).toContain('Héberger le courrier de ce domaine à Ouvaton');
    const events = await count('SELECT COUNT(*) AS n FROM g2_events');
    const refused = await jean.postForm('/hebergements/4/courrier/mx', {
      domaine: 'xn--caf-dupont-d7a.fr',
      action: 'heberger',
    });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('id="erreur-courrier"');
    expect(html).toContain('retirez d’abord ces enregistrements MX');
    expect(await count('SELECT COUNT(*) AS n FROM g2_events')).toBe(events);
  });

  it('tells the cooperator of a zone served elsewhere what MX to set there', async () => {
    const page = await admin.getPage('/hebergements/3');
    expect(page.html).toContain('data-routing="not_served"');
    expect(page.html).toContain('« MX 10 mx.ouvaton.coop. »');
  });

  it('offers to remove the MX of a domain with no address, and removes it', async () => {
    // A domain of Anne's own with Ouvaton's MX and no address (the demo's may have some).
    const added = await anne.postJson('/api/hebergements/1/domaines', { domain: DOMAIN });
    expect(added.status).toBe(201);
    await until(async () => (await mxOf(DOMAIN)) === 1, 'the new zone and its MX');
    const page = await anne.getPage('/hebergements/1');
    const item = itemOf(page.html, DOMAIN);
    expect(item).toContain('arrive à Ouvaton');
    expect(item).toContain('Plus aucune adresse sur ce domaine : retirer les enregistrements MX ?');
    const done = await anne.postForm(
      '/hebergements/1/courrier/mx',
      { domaine: DOMAIN, action: 'retirer' },
      { redirect: 'manual' },
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/hebergements/1?mx_retire=${DOMAIN}#mailDomains`);
    await until(async () => (await mxOf(DOMAIN)) === 0, 'the MX removed');
    const after = await anne.getPage(done.headers.get('location')!);
    expect(after.html).toContain(`Le courrier de ${DOMAIN} n’est plus hébergé à Ouvaton`);
    expect(itemOf(after.html, DOMAIN)).toContain('aucun enregistrement MX');
    expect(
      await count(`SELECT COUNT(*) AS n FROM domaines WHERE gere_mx = 'N' AND domaine = ?`, [
        DOMAIN,
      ]),
    ).toBe(1);
  });

  it('hosts it again through the JSON twin, and refuses a bad request in JSON', async () => {
    const on = await anne.postJson('/api/hebergements/1/courrier/mx', {
      domain: DOMAIN,
      hosted: true,
    });
    expect(on).toEqual({
      status: 200,
      body: { hostingId: 1, domain: DOMAIN, display: DOMAIN, hosted: true, recorded: 2 },
    });
    await until(async () => (await mxOf(DOMAIN)) === 1, 'the MX written');
    const bad = await anne.postJson('/api/hebergements/1/courrier/mx', {
      domain: DOMAIN,
      hosted: 'peut-être',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_input', field: 'hosted' } });
  });

  it('never lets a cooperator change another’s domain', async () => {
    const events = await count('SELECT COUNT(*) AS n FROM g2_events');
    const form = await jean.postForm('/hebergements/1/courrier/mx', {
      domaine: DOMAIN,
      action: 'retirer',
    });
    expect(form.status).toBe(403);
    // Anne's own hosting, Jean's domain: not one of this hosting's domains.
    const api = await anne.postJson('/api/hebergements/1/courrier/mx', {
      domain: 'xn--caf-dupont-d7a.fr',
      hosted: false,
    });
    expect(api.status).toBe(404);
    expect(await count('SELECT COUNT(*) AS n FROM g2_events')).toBe(events);
    expect(await mxOf('xn--caf-dupont-d7a.fr')).toBe(1);
  });
});
