import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DEMO, httpClient, type HttpClient } from '../e2e/http-client.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';

jest.setTimeout(120_000);

/**
 * Issue 17 item 13: the staff tables sort by a whitelisted column (?tri=&ordre=), with a stable
 * tie-break, the order kept by the filters' links; an unknown column or order is ignored.
 */
let demo: DemoApp;
let admin: HttpClient;

beforeAll(async () => {
  demo = await startDemoApp();
  admin = httpClient(() => demo.baseUrl, DEMO.admin);
}, 120_000);

afterAll(async () => {
  await demo?.close();
}, 60_000);

/** The `attr` of each row of the table `id`, in page order. */
function rowIds(html: string, id: string, attr: string): string[] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(new RegExp(`<tr ${attr}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

interface Member {
  customerId: string;
  customerNumber: string;
  name: string;
  state: string;
}

async function page(path: string) {
  const res = await admin.getPage(path);
  expect([path, res.status]).toEqual([path, 200]);
  // Handlebars writes '=' in attributes as '&#x3D;' (the same URL for a browser).
  return res.html.replaceAll('&#x3D;', '=');
}

const byFrench = (a: string, b: string) =>
  a.localeCompare(b, 'fr', { numeric: true, sensitivity: 'base' });

describe('the member list', () => {
  let members: Member[];
  beforeAll(async () => {
    members = (await admin.getJson<{ members: Member[] }>('/api/adherents')).body.members;
    expect(members.length).toBeGreaterThan(3);
  });

  it('sorts by name both ways, ties broken by the account, the header saying how', async () => {
    const expected = [...members]
      .sort((a, b) => byFrench(a.name, b.name) || Number(a.customerId) - Number(b.customerId))
      .map((m) => m.customerId);
    const asc = await page('/admin/adherents?tri=nom&ordre=asc');
    expect(rowIds(asc, 'membres', 'data-customer')).toEqual(expected);
    expect(asc).toContain(
      '<th aria-sort="ascending"><a href="/admin/adherents?tri=nom&amp;ordre=desc">Nom ▲</a></th>',
    );
    const desc = await page('/admin/adherents?tri=nom&ordre=desc');
    const descending = [...members]
      .sort((a, b) => byFrench(b.name, a.name) || Number(a.customerId) - Number(b.customerId))
      .map((m) => m.customerId);
    expect(rowIds(desc, 'membres', 'data-customer')).toEqual(descending);
    expect(desc).toContain('Nom ▼');
  });

  it('ignores an unknown column or order: the default order, never SQL', async () => {
    const byNumber = [...members]
      .sort((a, b) => byFrench(a.customerNumber, b.customerNumber))
      .map((m) => m.customerId);
    for (const q of [
      '',
      '?tri=id_client',
      '?tri=nom%3B%20DROP%20TABLE%20clients&ordre=desc',
      "?tri=c.etat'--",
      '?tri=numero&ordre=sideways',
    ]) {
      const html = await page(`/admin/adherents${q}`);
      expect({ q, rows: rowIds(html, 'membres', 'data-customer') }).toEqual({ q, rows: byNumber });
    }
    expect((await admin.getJson<{ members: Member[] }>('/api/adherents')).body.members).toEqual(
      members,
    );
  });

  it('filters by state, the sort kept in the filter and the filter in the sort links', async () => {
    for (const state of ['actif', 'suspendu', 'ferme']) {
      const html = await page(`/admin/adherents?etat=${state}&tri=nom&ordre=desc`);
      const rows = rowIds(html, 'membres', 'data-customer');
      expect(rows.sort()).toEqual(
        members
          .filter((m) => m.state === state)
          .map((m) => m.customerId)
          .sort(),
      );
      expect(html).toContain(`<option value="${state}" selected>`);
      expect(html).toContain(`href="/admin/adherents?etat=${state}&amp;tri=ville&amp;ordre=asc"`);
    }
    // An unknown state is ignored: everyone.
    const all = await page('/admin/adherents?etat=radie');
    expect(rowIds(all, 'membres', 'data-customer').length).toBe(members.length);
  });
});

describe('the account lists', () => {
  it('new accounts: by opening day (newest first by default), by hosting, an unknown column ignored', async () => {
    const byDefault = await page('/admin/comptes/nouveaux');
    const rows = rowIds(byDefault, 'inscriptions', 'data-account');
    expect(rows.length).toBeGreaterThan(0);
    expect(byDefault).toContain(
      'aria-sort="descending"><a href="/admin/comptes/nouveaux?tri=ouverture&amp;ordre=asc">Ouvert le ▼',
    );
    expect(
      rowIds(await page('/admin/comptes/nouveaux?tri=zzz'), 'inscriptions', 'data-account'),
    ).toEqual(rows);
    // The period (?jours=) is kept by the header links.
    expect(await page('/admin/comptes/nouveaux?jours=60')).toContain(
      'href="/admin/comptes/nouveaux?jours=60&amp;tri=hebergement&amp;ordre=asc"',
    );
  });

  it('suspended accounts: a header per sortable column, an injected column ignored', async () => {
    const html = await page("/admin/comptes/suspendus?tri=name';--&ordre=desc");
    expect(html).toContain(
      'aria-sort="ascending"><a href="/admin/comptes/suspendus?tri=hebergement&amp;ordre=desc">Hébergement ▲',
    );
    expect(html).toContain('href="/admin/comptes/suspendus?tri=fermeture&amp;ordre=asc"');
  });
});

describe('the cheques to deposit', () => {
  it('sort by amount within each day, as entered by default, an unknown column ignored', async () => {
    const treasurer = httpClient(() => demo.baseUrl, DEMO.treasurer);
    const get = async (q: string) =>
      (await treasurer.getPage(`/tresorerie/remises${q}`)).html.replaceAll('&#x3D;', '=');
    const rows = (html: string) =>
      [...html.matchAll(/<fieldset data-day="([^"]+)">([\s\S]*?)<\/fieldset>/g)].map(
        (day) =>
          [
            day[1]!,
            [
              ...day[2]!.matchAll(
                /<tr data-payment="([^"]+)">[\s\S]*?<td class="num">([^<]+)<\/td><\/tr>/g,
              ),
            ].map((r) => [r[1]!, r[2]!] as const),
          ] as const,
      );
    const entered = rows(await get(''));
    expect(entered.flatMap(([, r]) => r).length).toBeGreaterThan(1);
    expect(rows(await get('?tri=colonne_inconnue&ordre=desc'))).toEqual(entered);
    const cents = (euros: string) => Number(euros.replace(/[^\d,-]/g, '').replace(',', ''));
    const byAmount = rows(await get('?tri=montant&ordre=desc'));
    expect(byAmount.map(([day]) => day)).toEqual(entered.map(([day]) => day));
    for (const [, cheques] of byAmount) {
      const amounts = cheques.map(([, a]) => cents(a));
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    }
    const html = await get('?tri=montant&ordre=desc');
    expect(html).toContain(
      '<th class="num" aria-sort="descending"><a href="/tresorerie/remises?tri=montant&amp;ordre=asc">Montant ▼</a></th>',
    );
  });
});

describe('the holders of /admin/parts', () => {
  it('sort by number of shares or name, the register order by default, an unknown column ignored', async () => {
    interface Holder {
      tiersId: string;
      name: string;
      shares: number;
    }
    const { holders } = (await admin.getJson<{ holders: Holder[] }>('/api/parts')).body;
    expect(holders.length).toBeGreaterThan(1);
    const listed = holders.map((h) => h.tiersId);
    expect(rowIds(await page('/admin/parts'), 'associes', 'data-tiers')).toEqual(listed);
    expect(rowIds(await page('/admin/parts?tri=id_tiers--'), 'associes', 'data-tiers')).toEqual(
      listed,
    );
    const most = [...holders]
      .sort((a, b) => b.shares - a.shares || Number(a.tiersId) - Number(b.tiersId))
      .map((h) => h.tiersId);
    const html = await page('/admin/parts?tri=nombre&ordre=desc');
    expect(rowIds(html, 'associes', 'data-tiers')).toEqual(most);
    expect(html).toContain('href="/admin/parts?tri=nombre&amp;ordre=asc">Nombre ▼</a>');
    // The search is kept by the header links.
    expect(await page('/admin/parts?recherche=Lef')).toContain(
      'href="/admin/parts?recherche=Lef&amp;tri=associe&amp;ordre=asc"',
    );
  });
});
