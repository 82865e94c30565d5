import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';

jest.setTimeout(180_000);

/**
 * The redirections of a hosting over HTTP, on the demo (SQLite): Anne's page lists Gloux's demo
 * row and creates, changes and removes redirections through its forms (every error at once, the
 * SPF warning for an outside address, a confirmation before removal); the JSON twins; another
 * cooperator can do nothing on her hosting; staff can.
 */
let demo: DemoApp;
let anne: HttpClient;
let jean: HttpClient;
let admin: HttpClient;

const rows = (source: string) =>
  demo.app.get(Db).query<{
    destinations: string;
    garder_copie: number | string;
    id_hebergement: number | string;
  }>('SELECT destinations, garder_copie, id_hebergement FROM mails_redirections WHERE source = ?', [source]);
const events = async () =>
  Number(
    (await demo.app.get(Db).query<{ n: number }>('SELECT COUNT(*) AS n FROM g2_events'))[0]!.n,
  );

/** Waits for the mirror to have written (or removed) the row. */
async function mirrored(source: string, ok: (destinations: string | null) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [row] = await rows(source);
    if (ok(row ? row.destinations : null)) return row ?? null;
    if (Date.now() > deadline) throw new Error(`mails_redirections ${source} never as expected`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  demo = await startDemoApp();
  anne = httpClient(() => demo.baseUrl, DEMO.anne);
  jean = httpClient(() => demo.baseUrl, DEMO.jean);
  admin = httpClient(() => demo.baseUrl, DEMO.admin);
});
afterAll(() => demo?.close());

describe('the redirections section of /hebergements/:id', () => {
  it('lists Gloux’s demo row, marking the outside destination', async () => {
    const page = await anne.getPage('/hebergements/1');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Redirections de courriel');
    expect(page.html).toContain('data-source="contact@anne-lefevre.fr"');
    expect(page.html).toContain('(extérieure)');
    const json = await anne.getJson<{
      redirections: { redirections: { source: string; destinations: { address: string }[] }[] };
    }>('/api/hebergements/1');
    expect(json.body.redirections.redirections).toEqual([
      expect.objectContaining({
        source: 'contact@anne-lefevre.fr',
        destinations: [expect.objectContaining({ address: 'anne.lefevre@fai.example' })],
      }),
    ]);
  });

  it('refuses a form with every error at once, what was typed kept, nothing written', async () => {
    const before = await events();
    const refused = await anne.postForm('/hebergements/1/redirections', {
      source: '@lesamis.example',
      destinations: '|/usr/bin/evil\n/home/a/annelef/mbox\nbon@fai.example',
      garder_copie: 'oui',
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('Le formulaire comporte 3 erreurs');
    for (const part of [
      'n’est pas un domaine de cet hébergement',
      'est une commande (|)',
      'est un fichier',
      'bon@fai.example',
    ])
      expect(html).toContain(part);
    expect(html).toContain('value="@lesamis.example"');
    expect(await events()).toBe(before);
  });

  it('creates with the SPF warning, changes, and removes after confirming', async () => {
    const created = await anne.postForm('/hebergements/1/redirections', {
      source: 'Info@Anne-Lefevre.fr',
      destinations: 'contact@anne-lefevre.fr, Amie@FAI.example',
    });
    expect(created.status).toBe(200);
    const html = await created.text();
    expect(html).toContain('Redirection de info@anne-lefevre.fr créée');
    expect(html).toContain('SPF');
    expect((await mirrored('info@anne-lefevre.fr', (d) => d !== null))!.destinations).toBe(
      'contact@anne-lefevre.fr,amie@fai.example',
    );
    // Inside the hosting only: no warning, straight back to the section.
    const inside = await anne.postForm(
      '/hebergements/1/redirections/modifier',
      { source: 'info@anne-lefevre.fr', destinations: 'contact@anne-lefevre.fr' },
      { redirect: 'manual' },
    );
    expect([inside.status, inside.headers.get('location')]).toEqual([
      303,
      '/hebergements/1#redirections',
    ]);
    await mirrored('info@anne-lefevre.fr', (d) => d === 'contact@anne-lefevre.fr');
    // A loop back through it is refused on the page.
    const loop = await anne.postForm('/hebergements/1/redirections/modifier', {
      source: 'contact@anne-lefevre.fr',
      destinations: 'info@anne-lefevre.fr',
    });
    expect(loop.status).toBe(422);
    expect(await loop.text()).toContain('tourneraient en boucle');
    const ask = await anne.postForm('/hebergements/1/redirections/supprimer', {
      source: 'info@anne-lefevre.fr',
    });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Supprimer la redirection de info@anne-lefevre.fr ?');
    expect(await rows('info@anne-lefevre.fr')).toHaveLength(1);
    const done = await anne.postForm(
      '/hebergements/1/redirections/supprimer',
      { source: 'info@anne-lefevre.fr', confirme: 'oui' },
      { redirect: 'manual' },
    );
    expect(done.status).toBe(303);
    await mirrored('info@anne-lefevre.fr', (d) => d === null);
  });
});

describe('/api/hebergements/:id/redirections', () => {
  it('creates a catch-all, changes Gloux’s own row, removes, answering the warnings', async () => {
    const created = await anne.postJson<{ source: string; warnings: string[] }>(
      '/api/hebergements/1/redirections',
      { source: '@anne-lefevre.fr', destinations: ['contact@anne-lefevre.fr'] },
    );
    expect([created.status, created.body.source, created.body.warnings]).toEqual([
      201,
      '@anne-lefevre.fr',
      [],
    ]);
    await mirrored('@anne-lefevre.fr', (d) => d === 'contact@anne-lefevre.fr');
    const changed = await anne.postJson<{ warnings: string[] }>(
      '/api/hebergements/1/redirections/modifier',
      { source: 'contact@anne-lefevre.fr', destinations: 'anne@ailleurs.example' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.warnings[0]).toContain('SPF');
    await mirrored('contact@anne-lefevre.fr', (d) => d === 'anne@ailleurs.example');
    const removed = await anne.postJson('/api/hebergements/1/redirections/supprimer', {
      source: '@anne-lefevre.fr',
    });
    expect(removed.status).toBe(200);
    await mirrored('@anne-lefevre.fr', (d) => d === null);
  });

  it('refuses in JSON with every error listed, and another cooperator entirely', async () => {
    const before = await events();
    const bad = await anne.postJson<{
      error: { code: string; field: string; details: { errors: { field: string }[] } };
    }>('/api/hebergements/1/redirections', {
      source: 'x@anne-lefevre.fr',
      destinations: ['ÉLODIE@fai.example', 'a b@fai.example', `${'a'.repeat(250)}@fai.example`],
    });
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([
      422,
      'invalid_input',
      'destinations',
    ]);
    expect(bad.body.error.details.errors).toHaveLength(3);
    const intruder = await jean.postJson('/api/hebergements/1/redirections', {
      source: 'jean@anne-lefevre.fr',
      destinations: 'jean@fai.example',
    });
    expect(intruder.status).toBe(403);
    const removal = await jean.postForm('/hebergements/1/redirections/supprimer', {
      source: 'contact@anne-lefevre.fr',
      confirme: 'oui',
    });
    expect(removal.status).toBe(403);
    expect(await events()).toBe(before);
    // Staff may help on any hosting.
    const staff = await admin.postJson('/api/hebergements/1/redirections', {
      source: 'support@anne-lefevre.fr',
      destinations: 'contact@anne-lefevre.fr',
    });
    expect(staff.status).toBe(201);
    await mirrored('support@anne-lefevre.fr', (d) => d === 'contact@anne-lefevre.fr');
  });
});
