import { describe, expect, it, jest } from '@jest/globals';
import type { RunReport } from '../../src/billing-run/anniversary-billing.service.js';
import type { CataloguePage } from '../../src/catalogue/catalogue-queries.js';
import type { UpcomingAnniversary } from '../../legacy-sync/legacy-hostings.js';
import { euros, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(60_000);

const { getPage, getJson, postJson, postForm, legacySynced } = useAppClient();

describe('catalogue and anniversary billing over HTTP (demo data)', () => {
  it('lists Gloux’s products with today’s rate from the schedule, shares marked as never invoiced', async () => {
    const { status, body } = await getJson<CataloguePage>('/api/catalogue');
    expect(status).toBe(200);
    const byCode = new Map(body.products.map((p) => [p.code, p]));
    expect(byCode.get('PLAQUE')).toMatchObject({
      priceNet: '100.00',
      vatRate: '20',
      billable: true,
    });
    expect(byCode.get('PART')).toMatchObject({
      vatCategory: 'exempt',
      vatRate: '0',
      billable: false,
    });
    expect(body.vatSchedule.map((e) => [e.rate, e.effectiveFrom, e.inForce])).toEqual([
      ['19.6', '2000-04-01', false],
      ['20', '2014-01-01', true],
    ]);
    const page = await getPage('/admin/catalogue');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Barème de TVA');
    expect(page.html).toContain('19,6 %');
    expect(page.html).toContain(euros('5.02'));
  });

  it('answers a bad VAT entry with a structured French error, and records a good one', async () => {
    const bad = await postJson<ApiError>('/api/catalogue/tva', {
      rate: '120',
      effectiveFrom: '2030-01-01',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', field: 'rate' });
    const good = await postJson<{ rate: string }>('/api/catalogue/tva', {
      rate: '21',
      effectiveFrom: '2031-01-01',
      reason: 'essai',
    });
    expect([good.status, good.body.rate]).toEqual([201, '21']);
    const twice = await postJson<ApiError>('/api/catalogue/tva', {
      rate: '21',
      effectiveFrom: '2031-01-01',
    });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'already_scheduled']);
  });

  it('previews, then bills, the demo’s due anniversaries; a second launch bills nothing', async () => {
    const window = { from: '2026-09-01', to: '2026-12-31' };
    const preview = await getJson<{ upcoming: UpcomingAnniversary[]; preview: RunReport }>(
      `/api/facturation?du=${window.from}&au=${window.to}`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.upcoming.map((u) => u.name)).toContain('annelef');
    expect(preview.body.preview.accounts.map((a) => [a.hostingName, a.status, a.total])).toEqual([
      ['annelef', 'planned', '135.00'],
      // Still in its free trial (the demo opened it a week ago): billed when it converts.
      ['jdupont', 'skipped', null],
    ]);
    const page = await getPage(`/admin/facturation?du=${window.from}&au=${window.to}`);
    expect(page.html).toContain('Base MySQL supplémentaire (prorata 179/365 j)');
    expect(page.html).toContain('en période d’essai jusqu’au');

    const run = await postJson<RunReport>('/api/facturation', window);
    expect([run.status, run.body.counts.issued]).toEqual([200, 1]);
    const again = await postJson<RunReport>('/api/facturation', window);
    expect(again.body.counts).toEqual({
      issued: 0,
      planned: 0,
      already_billed: 1,
      skipped: 1,
      error: 0,
    });
    await legacySynced();
    // The page's "Lancer la facturation" (a form POST) asks first, with what it will do…
    const asked = await postForm('/admin/facturation', { du: window.from, au: window.to });
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Lancer la facturation ?');
    expect(question).toContain('Aucune facture à émettre dans cette période.');
    expect(question).toContain('1 compte déjà facturé : rien de plus.');
    expect(question).toContain('name="confirme" value="oui"');
    // …and, confirmed, says the same as the API.
    const form = await postForm('/admin/facturation', {
      du: window.from,
      au: window.to,
      confirme: 'oui',
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toMatch(
      /0 facture émise,\s+1 déjà facturée,\s+1 laissée de côté \(essai\), 0 erreur/,
    );
  });

  it('refuses a window over 366 days, on the page and in JSON', async () => {
    const page = await getPage('/admin/facturation?du=2026-01-01&au=2027-12-31');
    expect(page.status).toBe(422);
    expect(page.html).toContain('366 au plus');
    const api = await postJson<ApiError>('/api/facturation', {
      from: '2026-01-01',
      to: '2027-12-31',
    });
    expect([api.status, api.body.error.field]).toEqual([422, 'to']);
  });
});
