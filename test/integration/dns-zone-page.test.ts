import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';
import { namedCheckzone } from '../support/named-checkzone.js';

jest.setTimeout(120_000);

/**
 * Issue 18: a domain's DNS zone page and its JSON twin, as the hosting's cooperator (Anne,
 * hosting 1) and as another cooperator (Jean, hosting 4): records, add/change/remove forms with
 * French errors naming the field, removal after a confirmation, the zone in BIND format.
 */
let demo: DemoApp;
let anne: HttpClient;
let jean: HttpClient;
const DOMAIN = 'lefevre.example';
const PAGE = `/hebergements/1/domaines/${DOMAIN}/dns`;
const API = `/api${PAGE}`;

const db = () => demo.app.get(Db);
const rr = () =>
  db().query<{ name: string; type: string; data: string }>(
    `SELECT r.name, r.type, r.data FROM rr r JOIN soa s ON s.id = r.zone WHERE s.origin = ? ORDER BY r.id`,
    [`${DOMAIN}.`],
  );
const zoneEvents = async () =>
  Number(
    (
      await db().query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM g2_events WHERE type LIKE 'DnsRecord%'`,
      )
    )[0]!.n,
  );

beforeAll(async () => {
  demo = await startDemoApp();
  anne = httpClient(() => demo.baseUrl, DEMO.anne);
  jean = httpClient(() => demo.baseUrl, DEMO.jean);
  // A domain of Anne's hosting 1, its zone as Gloux writes one (mail hosted here).
  await db().transaction(async (tx) => {
    const { insertId: soa } = await tx.execute(
      `INSERT INTO soa (origin, ns, mbox, serial, refresh, retry, expire, minimum, ttl, active)
       VALUES (?, 'ns1.ouvaton.coop.', 'hostmaster.ouvaton.coop.', 2026010100, 28800, 7200, 604800, 86400, 86400, 'Y')`,
      [`${DOMAIN}.`],
    );
    await tx.execute(
      `INSERT INTO domaines (domaine, id_hebergement, id_soa, gere_dns, gere_mx, date_ajout) VALUES (?, 1, ?, 'O', 'O', '2026-01-01 10:00:00')`,
      [DOMAIN, soa],
    );
    for (const [name, type, data, aux] of [
      ['', 'NS', 'ns1.ouvaton.coop.', 0],
      ['', 'MX', 'mx.ouvaton.coop.', 10],
      ['', 'A', '192.0.2.10', 0],
      ['www', 'CNAME', `${DOMAIN}.`, 0],
    ] as const)
      await tx.execute(
        `INSERT INTO rr (zone, name, type, data, aux, ttl) VALUES (?, ?, ?, ?, ?, 3600)`,
        [soa, name, type, data, aux],
      );
  });
}, 120_000);

afterAll(async () => {
  await demo?.close();
}, 60_000);

describe('the DNS zone page', () => {
  it('shows the records, the zone as served, and is linked from the hosting', async () => {
    const hosting = await anne.getPage('/hebergements/1');
    expect(hosting.html).toContain(`href="${PAGE}"`);
    const page = await anne.getPage(PAGE);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Zone DNS de lefevre.example');
    expect(page.html).toContain('Appliqué sous une minute.');
    expect(page.html).toContain('géré par Ouvaton');
    expect(page.html).toContain('$ORIGIN lefevre.example.');
  });

  it('adds a record through the form, then shows it applied', async () => {
    const res = await anne.postForm(
      `${PAGE}/ajouter`,
      { nom: 'blog', type: 'A', valeur: '192.0.2.30', ttl: '3600' },
      { redirect: 'manual' },
    );
    expect([res.status, res.headers.get('location')]).toEqual([303, `${PAGE}?fait=1`]);
    const page = await anne.getPage(`${PAGE}?fait=1`);
    expect(page.html).toContain('le changement est appliqué sous une minute');
    expect(page.html).toContain('blog.lefevre.example. 3600 IN A 192.0.2.30');
    expect((await rr()).some((r) => r.name === 'blog' && r.type === 'A')).toBe(true);
  });

  it('refuses in French naming the field, keeps what was typed, records nothing', async () => {
    const before = [await zoneEvents(), await rr()];
    const res = await anne.postForm(`${PAGE}/ajouter`, {
      nom: '@',
      type: 'TXT',
      valeur: 'k'.repeat(200),
      ttl: '3600',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Le texte fait 200 octets');
    expect(html).toMatch(/id="valeur" name="valeur" value="k{200}"[^>]*class="invalid"/);
    const cname = await anne.postForm(`${PAGE}/ajouter`, {
      nom: 'www',
      type: 'TXT',
      valeur: 'x',
      ttl: '3600',
    });
    expect(cname.status).toBe(409);
    expect(await cname.text()).toMatch(/id="nom" name="nom" value="www"[^>]*class="invalid"/);
    expect([await zoneEvents(), await rr()]).toEqual(before);
  });

  it('asks before removing, then removes', async () => {
    const fields = { nom: 'blog', type: 'A', valeur: '192.0.2.30' };
    const ask = await anne.postForm(`${PAGE}/supprimer`, fields);
    const html = await ask.text();
    expect(ask.status).toBe(200);
    expect(html).toContain('Supprimer cet enregistrement DNS ?');
    expect(html).toContain('A blog → 192.0.2.30');
    expect((await rr()).some((r) => r.name === 'blog')).toBe(true);
    const done = await anne.postForm(
      `${PAGE}/supprimer`,
      { ...fields, confirme: 'oui' },
      { redirect: 'manual' },
    );
    expect(done.status).toBe(303);
    expect((await rr()).some((r) => r.name === 'blog')).toBe(false);
  });

  it('changes a record through its own form', async () => {
    const res = await anne.postForm(
      `${PAGE}/modifier`,
      {
        ancien_nom: '@',
        ancien_type: 'A',
        ancien_valeur: '192.0.2.10',
        nom: '@',
        type: 'A',
        valeur: '192.0.2.11',
        ttl: '600',
      },
      { redirect: 'manual' },
    );
    expect(res.status).toBe(303);
    const zone = await anne.getJson<{
      records: { name: string; type: string; data: string; ttl: number }[];
      zone: string;
      serial: number;
    }>(API);
    expect(zone.body.records).toContainEqual({
      name: '@',
      type: 'A',
      data: '192.0.2.11',
      aux: 0,
      ttl: 600,
    });
    const check = namedCheckzone(`${DOMAIN}.`, zone.body.zone);
    expect(check.output).toContain(`loaded serial ${zone.body.serial}`);
    expect(check.ok).toBe(true);
  });

  it('answers the JSON twin with structured refusals', async () => {
    const refused = await anne.postJson<{ error: { code: string; field: string } }>(
      `${API}/ajouter`,
      {
        nom: 'x',
        type: 'CAA',
        valeur: '0 issue "x"',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'invalid_input', field: 'type' });
    const mx = await anne.postJson<{ error: { code: string; field: string } }>(`${API}/ajouter`, {
      nom: '@',
      type: 'MX',
      valeur: 'mx.example.net',
      priorite: '5',
    });
    expect(mx.body.error).toMatchObject({ code: 'mx_managed', field: 'type' });
    const added = await anne.postJson<{ records: { name: string }[] }>(`${API}/ajouter`, {
      nom: 'api',
      type: 'AAAA',
      valeur: '2001:db8::1',
    });
    expect(added.status).toBe(201);
    expect(added.body.records.map((r) => r.name)).toContain('api');
  });

  it('is not another cooperator’s: Jean gets neither the page nor the zone under his hosting', async () => {
    const before = await zoneEvents();
    expect((await jean.getPage(PAGE)).status).toBe(403);
    expect((await jean.getPage(`/hebergements/4/domaines/${DOMAIN}/dns`)).status).toBe(404);
    const post = await jean.postJson<{ error: { code: string } }>(
      `/api/hebergements/4/domaines/${DOMAIN}/dns/ajouter`,
      { nom: 'x', type: 'A', valeur: '192.0.2.1' },
    );
    expect(post.body.error.code).toBe('not_found');
    expect(await zoneEvents()).toBe(before);
  });
});
