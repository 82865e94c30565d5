import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { routeTable, type RouteAccess } from '../../src/auth/route-table.js';
import { Db } from '../../src/kernel/database/db.js';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';

jest.setTimeout(180_000);

/**
 * Every route of the running app (from Nest's metadata, checked against Express's router), tried
 * by cooperator A (Jean, customer 4) with cooperator B's ids (Anne: customers 1 and 5, her
 * invoices, credit note, payments), by an anonymous visitor and by the treasurer.
 */
let demo: DemoApp;
let routes: RouteAccess[];
let jean: HttpClient;
let anonymous: HttpClient;
let treasurer: HttpClient;
let anne: HttpClient;
let admin: HttpClient;
/** Values for each route parameter name: B's ids, or ids that exist (assembly, request). */
let ids: Record<string, string[]>;
/** Text only B's data contains. */
let markers: string[];

const rows = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  demo.app.get(Db).query<T>(sql, params);

async function eventCount(): Promise<number> {
  const [row] = await rows<{ n: number | string }>(`SELECT COUNT(*) AS n FROM g2_events`);
  return Number(row?.n);
}

beforeAll(async () => {
  demo = await startDemoApp();
  routes = routeTable(demo.app);
  const base = () => demo.baseUrl;
  jean = httpClient(base, DEMO.jean);
  anonymous = httpClient(base, 'anonymous');
  treasurer = httpClient(base, DEMO.treasurer);
  anne = httpClient(base, DEMO.anne);
  admin = httpClient(base, DEMO.admin);

  // An assembly with a resolution, so the assembly routes have real ids (held after the notice).
  const heldOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + 30 * 86_400_000),
  );
  const convened = await admin.postJson<{ assemblyId: string }>('/api/ag', {
    kind: 'ordinary',
    heldOn,
    startsAt: '18:30',
    place: 'Paris',
    call: 1,
    title: 'Isolation',
  });
  expect(convened.status).toBe(201);
  const assemblyId = convened.body.assemblyId;
  const resolution = await admin.postJson<{ resolutionId?: string }>(
    `/api/ag/${assemblyId}/resolutions`,
    { text: 'Approbation', byBoard: true },
  );
  expect(resolution.status).toBe(201);
  const page = await admin.getJson<{ resolutions: { resolutionId: string }[] }>(
    `/api/ag/${assemblyId}`,
  );

  const docs = await rows<{ document_id: string; kind: string; number: string }>(
    `SELECT document_id, kind, number FROM g2_rm_documents WHERE customer_id = '1'`,
  );
  const payments = await rows<{ payment_id: string }>(
    `SELECT payment_id FROM g2_rm_payments WHERE customer_id = '1'`,
  );
  const invoices = docs.filter((d) => d.kind === 'invoice').map((d) => d.document_id);
  const creditNotes = docs.filter((d) => d.kind === 'credit_note').map((d) => d.document_id);
  expect(invoices.length).toBeGreaterThan(1);
  expect(creditNotes.length).toBeGreaterThan(0);
  expect(payments.length).toBeGreaterThan(1);
  ids = {
    customerId: ['1', '5'],
    invoiceId: invoices,
    creditNoteId: creditNotes,
    paymentId: payments.map((p) => p.payment_id),
    // Assembly ids, and Anne's hosting accounts (the lifecycle's account ids).
    id: [assemblyId, '1', '5'],
    resolutionId: page.body.resolutions.map((r) => r.resolutionId),
    requestId: ['1'],
    // A redemption to pay back (admin-only: refused before any lookup).
    redemptionId: ['1'],
    // The French guide (docs/guide): a cooperator's chapter, a treasurer's, and a screenshot.
    chapter: ['cooperateur-payer-une-facture', 'tresorier-saisir-un-cheque'],
    file: ['cooperateur-factures.png'],
    action: [
      ...['souscription', 'liberation', 'cession', 'remboursement', 'annulation'],
      // A domain's DNS zone.
      ...['ajouter', 'modifier', 'supprimer'],
    ],
    operation: ['presences', 'procurations', 'retraits', 'cloture'],
    number: ['1'],
    format: ['xlsx', 'csv'],
    exercice: ['2026'],
    // A web space of a demo hosting (issue 18: /hebergements/:id/sites/:host).
    host: ['www.anne-lefevre.fr', 'jdupont.ouvaton.org', 'www.example.org'],
    // Anne's login (demo user 3).
    userId: ['3'],
    // A mailbox of Anne's hosting annelef (demo boxes, issue 19).
    adresse: ['anne@anne-lefevre.fr', 'atelier@anne-lefevre.fr'],
    // An FTP login (Gloux's master account of annelef).
    login: ['annelef'],
    // A domain's DNS zone under B's hostings (the hosting is checked first).
    domaine: ['example.org'],
  };
  markers = ['Lefèvre', '0403020000017', '1905200000518', 'anne@example.org'];
  markers.push(...docs.map((d) => d.number));
}, 120_000);

afterAll(async () => {
  await demo?.close();
}, 60_000);

/** Each concrete URL of a route: every combination of the values of its parameters. */
function urlsOf(route: RouteAccess): string[] {
  let urls = [route.path];
  for (const [, name] of route.path.matchAll(/:(\w+)/g)) {
    const values = ids[name!];
    if (!values)
      throw new Error(`No test ids for route parameter :${name} (${route.path}): add them`);
    urls = urls.flatMap((u) => values.map((v) => u.replace(`:${name}`, encodeURIComponent(v))));
  }
  return urls;
}

function request(client: HttpClient, method: string, url: string) {
  const api = url.startsWith('/api');
  return client.fetch(url, {
    method,
    redirect: 'manual',
    headers: {
      accept: api ? 'application/json' : 'text/html',
      ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
    },
    ...(method === 'GET' ? {} : { body: '{}' }),
  });
}

const leaks = (text: string) => markers.filter((m) => text.includes(m));

/** The sign-out routes are tried elsewhere: here they would end the client's session. */
const signOut = (r: RouteAccess) => /deconnexion$/.test(r.path) && r.method === 'POST';

describe('the route table', () => {
  it('lists exactly the routes Express serves, each with a rule (none: admin-only)', () => {
    const express = demo.app.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    };
    const served = express.router.stack
      .filter((l) => l.route)
      .flatMap((l) =>
        Object.keys(l.route!.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${l.route!.path}`),
      )
      .sort();
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(served);
    expect(routes.length).toBeGreaterThan(90);
    for (const r of routes) {
      expect(['public', 'signed_in', 'staff', 'member', 'admin']).toContain(r.rule.kind);
    }
  });

  it('public routes are only sign-in, sign-up and what needs no session by nature', () => {
    const publicRoutes = routes.filter((r) => r.rule.kind === 'public').map((r) => r.path);
    for (const path of publicRoutes) {
      expect(path).toMatch(/^\/(api\/)?(connexion|inscription|banque|monetico|paiement)/);
    }
  });
});

describe('cooperator A with cooperator B’s ids', () => {
  it('never gets B’s data from any route, and changes nothing', async () => {
    const before = await eventCount();
    const answers: string[] = [];
    for (const route of routes.filter((r) => !signOut(r))) {
      for (const url of urlsOf(route)) {
        const res = await request(jean, route.method, url);
        const text = await res.text();
        answers.push(`${route.method} ${url} → ${res.status}`);
        expect({ url, leaked: leaks(text) }).toEqual({ url, leaked: [] });
        if (route.rule.kind === 'public' || route.rule.kind === 'signed_in') continue;
        // Every other rule refuses Jean here: staff/admin routes, and B's resources.
        expect(`${route.method} ${url} → ${res.status}`).toBe(`${route.method} ${url} → 403`);
        if (url.startsWith('/api')) {
          expect(JSON.parse(text)).toMatchObject({ error: { code: 'forbidden' } });
        } else expect(text).toContain('Accès refusé');
      }
    }
    expect(answers.length).toBeGreaterThan(100);
    expect(await eventCount()).toBe(before);
  });

  it('A still reaches their own pages (the refusals above are about ownership)', async () => {
    for (const path of [
      '/adherents/4',
      '/api/adherents/4',
      '/adherents/4/parts',
      '/hebergements/4',
      '/api/hebergements/4',
    ]) {
      expect([path, (await jean.fetch(path)).status]).toEqual([path, 200]);
    }
    const home = await jean.fetch('/', { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/mon-compte']);
  });

  it('one login sees all the accounts of its person: Anne, customers 1 and 5, her documents', async () => {
    for (const customerId of ['1', '5']) {
      expect((await anne.fetch(`/api/adherents/${customerId}`)).status).toBe(200);
    }
    for (const invoiceId of ids.invoiceId!) {
      expect((await anne.fetch(`/factures/${invoiceId}`)).status).toBe(200);
      expect((await anne.fetch(`/api/documents/factures/${invoiceId}`)).status).toBe(200);
    }
    for (const creditNoteId of ids.creditNoteId!) {
      expect((await anne.fetch(`/avoirs/${creditNoteId}.pdf`)).status).toBe(200);
    }
    const home = await anne.fetch('/', { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/mon-compte']);
    const mine = await anne.getJson<{ accounts: { customerId: string }[] }>('/api/mon-compte');
    expect(mine.body.accounts.map((a) => a.customerId)).toEqual(['1', '5']);
    // …and nothing of another person's.
    expect((await anne.fetch('/api/adherents/4')).status).toBe(403);
    const hostings = await anne.getJson<{ hostings: { hostingId: number }[] }>('/api/hebergements');
    // By name: anneblog (5), annelef (1).
    expect(hostings.body.hostings.map((h) => h.hostingId)).toEqual([5, 1]);
    const jeans = await jean.getJson<{ hostings: { hostingId: number }[] }>('/api/hebergements');
    expect(jeans.body.hostings.map((h) => h.hostingId)).toEqual([4]);
  });

  it('an admin who is also a cooperator needs no second login: their own accounts too', async () => {
    const mine = await admin.getJson<{ accounts: { customerId: string }[] }>('/api/mon-compte');
    expect(mine.body.accounts.map((a) => a.customerId)).toEqual(['3']);
    const page = await admin.getPage('/mon-compte');
    expect(page.html).toContain('Webcoop SARL');
    expect(page.html).toContain('href="/mon-compte"');
  });
});

describe('anonymous', () => {
  it('gets 401 JSON from every API route and the sign-in form for every page', async () => {
    for (const route of routes) {
      if (route.rule.kind === 'public') continue;
      for (const url of urlsOf(route)) {
        const res = await request(anonymous, route.method, url);
        const text = await res.text();
        expect(leaks(text)).toEqual([]);
        if (url.startsWith('/api')) {
          expect([url, res.status]).toEqual([url, 401]);
          expect(JSON.parse(text)).toMatchObject({ error: { code: 'unauthenticated' } });
        } else {
          expect([url, res.status]).toEqual([url, 303]);
          expect(res.headers.get('location')).toMatch(/^\/connexion\?suite=/);
        }
      }
    }
  });
});

describe('the treasurer', () => {
  it('is refused every admin-only route (explicit or by default), and reaches staff pages', async () => {
    let staffPages = 0;
    for (const route of routes) {
      if (route.rule.kind !== 'admin' && route.method !== 'GET') continue;
      for (const url of urlsOf(route)) {
        const res = await request(treasurer, route.method, url);
        await res.text();
        if (route.rule.kind === 'admin') {
          expect(`${route.method} ${url} ${res.status}`).toBe(`${route.method} ${url} 403`);
        } else if (route.rule.kind === 'staff') {
          staffPages += 1;
          expect([url, res.status]).not.toEqual([url, 403]);
        }
      }
    }
    expect(staffPages).toBeGreaterThan(5);
  });
});
