import { describe, expect, it, jest } from '@jest/globals';
import type { RunReport } from '../../src/billing-run/anniversary-billing.service.js';
import { euros, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(120_000);

/*
 * The long panel lists in pages, on the demo data with pages of one row (PAGE_SIZE=1): each
 * page shows the next row, the totals stay over every row.
 */
const { getPage, getJson, postForm } = useAppClient({ env: { PAGE_SIZE: '1' } });

interface Allocation {
  rows: { paymentId: string; invoiceId: string; invoiceNumber: string; amount: string }[];
  rowCount: number;
  totals: { amount: string; previous: string; current: string; next: string };
  pager: { page: number; pageCount: number; total: number } | null;
}

interface Overview {
  holders: { tiersId: string; name: string; shares: number; amount: string }[];
  holderTotals: { count: number; shares: number; amount: string };
  capital: string;
}

/** The data-* ids of the rows of the table with this id, in order. */
function rowIds(html: string, tableId: string, attribute: string): string[] {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(new RegExp(`<tr ${attribute}="([^"]+)"`, 'g'))].map((m) => m[1]!);
}

describe('pages of the long lists (PAGE_SIZE=1)', () => {
  it('/tresorerie/repartition: one payment a page, every page in turn, totals over the year', async () => {
    const all = await getJson<Allocation>('/api/tresorerie/repartition?exercice=2026');
    expect(all.body.pager).toBeNull();
    expect(all.body.rows.length).toBe(all.body.rowCount);
    expect(all.body.rowCount).toBeGreaterThan(1);
    for (let page = 1; page <= all.body.rowCount; page++) {
      const one = await getJson<Allocation>(
        `/api/tresorerie/repartition?exercice=2026&page=${page}`,
      );
      expect(one.body.rows).toEqual([all.body.rows[page - 1]]);
      expect(one.body.totals).toEqual(all.body.totals);
      expect(one.body.pager).toMatchObject({ page, pageCount: all.body.rowCount });
    }
    const second = await getPage('/tresorerie/repartition?exercice=2026&page=2');
    expect(second.status).toBe(200);
    expect(second.html).toContain(`Paiements 2 à 2 sur ${all.body.rowCount}`);
    expect(second.html).toContain(`>${all.body.rows[1]!.invoiceNumber}</a>`);
    expect(second.html).toContain('href="/tresorerie/repartition?exercice&#x3D;2026" rel="prev"');
    expect(second.html).toContain(`id="total-previous">${euros(all.body.totals.previous)}<`);
    expect(second.html).toContain('Total de l’exercice (toutes les pages)');
    // Past the end: the last page; not a number: a French error naming the field.
    const past = await getPage('/tresorerie/repartition?exercice=2026&page=999');
    expect(past.html).toContain(
      `Paiements ${all.body.rowCount} à ${all.body.rowCount} sur ${all.body.rowCount}`,
    );
    const bad = await getJson<ApiError>('/api/tresorerie/repartition?exercice=2026&page=0');
    expect([bad.status, bad.body.error.field]).toEqual([422, 'page']);
    expect((await getPage('/tresorerie/repartition?page=abc')).html).toContain(
      'Le numéro de page doit être un nombre entier',
    );
  });

  it('/admin/parts: one holder a page in the listing order, totals over every holder, a search', async () => {
    const { body } = await getJson<Overview>('/api/parts');
    expect(body.holders.length).toBeGreaterThan(2);
    expect(body.holderTotals.count).toBe(body.holders.length);
    const first = await getPage('/admin/parts');
    expect(first.html).not.toContain('<datalist');
    expect(rowIds(first.html, 'associes', 'data-tiers')).toEqual([body.holders[0]!.tiersId]);
    const second = await getPage('/admin/parts?page=2');
    expect(rowIds(second.html, 'associes', 'data-tiers')).toEqual([body.holders[1]!.tiersId]);
    expect(second.html).toContain(`Associés 2 à 2 sur ${body.holders.length}`);
    const shares = body.holders.reduce((n, h) => n + h.shares, 0);
    expect(body.holderTotals.shares).toBe(shares);
    expect(second.html).toContain(
      `Total, tous les associés (${body.holders.length})</td><td class="num">${shares}</td><td class="num">${euros(body.capital)}<`,
    );
    // The search keeps the holders whose name matches, and lists members with their tiers number.
    const wanted = body.holders[1]!;
    const word = wanted.name.split(' ')[0]!;
    const found = await getPage(`/admin/parts?recherche=${encodeURIComponent(word)}`);
    expect(rowIds(found.html, 'associes', 'data-tiers')[0]).toBe(
      body.holders.find((h) => h.name.includes(word))!.tiersId,
    );
    expect(found.html).toContain(`Total, tous les associés (${body.holders.length})`);
    expect(rowIds(found.html, 'adherents-trouves', 'data-tiers').length).toBeGreaterThan(0);
    const none = await getPage('/admin/parts?recherche=zzzz-personne');
    expect(none.html).toContain('Aucun associé ne correspond.');
    expect(none.html).toContain('Aucun adhérent ne correspond.');
  });

  it('/admin/facturation: one account a page, counts and amounts over the window, a member filter', async () => {
    const window = 'du=2026-09-01&au=2026-12-31';
    const api = await getJson<{ preview: RunReport }>(`/api/facturation?${window}`);
    const accounts = api.body.preview.accounts;
    expect(accounts.map((a) => a.hostingName)).toEqual(['annelef', 'jdupont']);
    const name = (html: string) =>
      /<table id="comptes">[\s\S]*?<tbody>\s*<tr>\s*<td>([^<]*)<\/td>/.exec(html)?.[1];
    const first = await getPage(`/admin/facturation?${window}`);
    const second = await getPage(`/admin/facturation?${window}&page=2`);
    expect([name(first.html), name(second.html)]).toEqual(['annelef', 'jdupont']);
    for (const page of [first, second]) {
      expect(page.html).toMatch(/1 facture à émettre/);
      // jdupont, in its free trial, is listed but not counted in what is to bill.
      expect(page.html).toContain(`${euros('135.00')} TTC (toute la période)`);
    }
    expect(second.html).toContain('Comptes 2 à 2 sur 2');
    const jdupont = accounts[1]!;
    const mine = await getPage(`/admin/facturation?${window}&client=${jdupont.customerId}`);
    expect(name(mine.html)).toBe('jdupont');
    expect(mine.html).toContain('Comptes 1 à 1 sur 1');
    const errors = await getPage(`/admin/facturation?${window}&etat=error`);
    expect(errors.html).toContain('Aucun compte dans cet état.');
    const bad = await getPage(`/admin/facturation?${window}&client=abc`);
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Le n° de client est un nombre');
    // Launched, the report lists every account it billed: its invoice numbers are on no other page.
    const launched = await postForm('/admin/facturation', {
      du: '2026-09-01',
      au: '2026-12-31',
      confirme: 'oui',
    });
    const html = await launched.text();
    expect(launched.status).toBe(200);
    expect(html.match(/badge paid">facturé</g)).toHaveLength(1);
    expect(html).not.toContain('rel="next"');
  });
});
