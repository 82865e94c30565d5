import { describe, expect, it, jest } from '@jest/globals';
import type { LegacyMemberRow } from '../../legacy-sync/legacy-members.js';
import { DEMO, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(60_000);

const { getJson, getPage, postForm, postJson, client } = useAppClient();

const search = async (q: string) =>
  (await getJson<{ members: LegacyMemberRow[] }>(`/api/adherents?q=${encodeURIComponent(q)}`)).body
    .members;

describe('admin: members list, search, edit, password', () => {
  it('searches by name (accents and case ignored), e-mail, customer number and login', async () => {
    expect((await search('LEFEVRE')).map((m) => m.customerId)).toEqual(['1', '5']);
    expect((await search('bureau@asso')).map((m) => m.name)).toEqual(['Association Les Amis']);
    expect((await search('1206010000412')).map((m) => m.customerId)).toEqual(['4']);
    expect((await search('jean')).map((m) => m.logins)).toEqual([['jean']]);
    const page = await getPage('/admin/adherents?q=webcoop');
    expect(page.html).toContain('Webcoop SARL');
    expect(page.html).not.toContain('Lefèvre');
    const none = await getPage('/admin/adherents?q=personne');
    expect(none.html).toContain('Aucun adhérent ne correspond à « personne ».');
  });

  it('edits the person (mirrored to Gloux’s tiers), with French errors', async () => {
    const bad = await postForm('/admin/adherents/4', { nom: '', raison_sociale: '' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Indiquez un nom ou une raison sociale.');
    const ok = await postForm('/admin/adherents/4', {
      nom: 'Dupont-Émery',
      prenom: 'Jean',
      raison_sociale: '',
      adresse: '8 rue des Écoles',
      code_postal: '21000',
      ville: 'Dijon',
      email: 'jean.dupont@example.net',
      telephone: '03 80 00 00 00',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Modifications enregistrées');
    // Every page reads the name from Gloux's tiers.
    const member = await getJson<{ customer: { name: string } }>('/api/adherents/4');
    expect(member.body.customer.name).toBe('Jean Dupont-Émery');
  });

  it('changes a login’s password (Gloux’s too): the old sessions end, the new password works', async () => {
    const anne = client(DEMO.anne);
    expect((await anne.fetch('/api/adherents/1')).status).toBe(200);
    const short = await postJson<ApiError>('/api/admin/utilisateurs/3/mot-de-passe', {
      password: 'court',
    });
    expect([short.status, short.body.error.field]).toEqual([422, 'password']);
    const changed = await postForm('/admin/utilisateurs/3/mot-de-passe', {
      adherent: '1',
      mot_de_passe: 'nouveau mot de passe',
    });
    expect(await changed.text()).toContain('Mot de passe changé.');
    expect((await anne.fetch('/api/adherents/1')).status).toBe(401);
    const again = client({ login: 'anne', password: 'nouveau mot de passe' });
    expect((await again.fetch('/api/adherents/1')).status).toBe(200);
  });

  it('the list and the member page are for staff; editing the person is for admins only', async () => {
    const treasurer = client(DEMO.treasurer);
    const list = await treasurer.fetch('/admin/adherents');
    expect(list.status).toBe(200);
    const html = await list.text();
    // One list: the customer number (not the internal id), the city, the state in French, the balance.
    expect(html).toContain('1206010000412');
    expect(html).toContain('Actif');
    expect(html).not.toMatch(/<td>actif<\/td>/);
    const member = await treasurer.fetch('/admin/adherents/1');
    expect(member.status).toBe(200);
    const page = await member.text();
    // The treasurer reads the person but has no form to edit it nor a login to change.
    expect(page).toContain('id="identite"');
    expect(page).not.toContain('id="fiche"');
    expect(page).not.toContain('/admin/utilisateurs/');
    const edit = await treasurer.postForm('/admin/adherents/4', { nom: 'X' });
    expect(edit.status).toBe(403);
    expect((await client(DEMO.jean).fetch('/api/admin/adherents/4')).status).toBe(403);
    expect((await client(DEMO.jean).fetch('/admin/adherents', { redirect: 'manual' })).status).toBe(
      403,
    );
  });

  it('gathers on one page the person, their accounts and hostings, invoices and shares', async () => {
    const { body } = await getJson<{
      accounts: { customerId: string; hostings: { name: string; state: string }[] }[];
      billing: { invoices: { number: string }[] };
      shares: { held: { count: number } } | null;
    }>('/api/admin/adherents/1');
    // Anne's two accounts, each with its hosting.
    expect(body.accounts.map((a) => a.customerId)).toEqual(['1', '5']);
    for (const account of body.accounts) expect(account.hostings.length).toBeGreaterThan(0);
    expect(body.billing.invoices.length).toBeGreaterThan(0);
    expect(body.shares?.held.count).toBeGreaterThan(0);
    const page = await getPage('/admin/adherents/1');
    expect(page.html).toContain(body.accounts[1]!.hostings[0]!.name);
    expect(page.html).toContain(body.billing.invoices[0]!.number);
    expect(page.html).toContain('id="fiche"');
    expect(page.html).toMatch(/\d+ parts? détenues?/);
  });
});
