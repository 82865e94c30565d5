import { describe, expect, it, jest } from '@jest/globals';
import { DEMO, useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(60_000);

// Behind a proxy saying https: Secure cookies; a low per-login limit to see the throttle.
const { client } = useAppClient({
  as: 'anonymous',
  env: { TRUST_PROXY: 'loopback', AUTH_MAX_FAILURES_PER_LOGIN: '3' },
});

/** The hidden CSRF field of a page's form. */
const csrfField = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('sign-in pages over HTTP', () => {
  it('the form signs in with the anonymous CSRF token; a wrong password gets a French error', async () => {
    const visitor = client('anonymous');
    const form = await visitor.getPage('/connexion?suite=%2Ftresorerie%2Frepartition');
    expect(form.status).toBe(200);
    expect(form.html).toContain('Connexion');
    const token = csrfField(form.html);
    expect(token).not.toBe('');

    const wrong = await visitor.postForm('/connexion', {
      _csrf: token,
      login: 'tresorier',
      password: 'pas-le-bon',
      suite: '/tresorerie/repartition',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Identifiant ou mot de passe incorrect.');

    const ok = await visitor.postForm(
      '/connexion',
      { _csrf: token, ...DEMO.treasurer, suite: '/tresorerie/repartition' },
      { redirect: 'manual' },
    );
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/tresorerie/repartition']);
    const page = await visitor.getPage('/tresorerie/repartition');
    expect(page.status).toBe(200);
    expect(page.html).toContain('tresorier (trésorier)');
    // A treasurer sees no admin link, and no admin page.
    expect(page.html).not.toContain('href="/admin/catalogue"');
    expect((await visitor.getPage('/admin/catalogue')).status).toBe(403);
  });

  it('refuses a form without its CSRF token, and a JSON call of a session without the header', async () => {
    const visitor = client('anonymous');
    await visitor.getPage('/connexion');
    const bare = await visitor.rawFetch('/connexion', {
      method: 'POST',
      body: new URLSearchParams({ login: 'anne', password: 'demo-anne' }),
    });
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('Formulaire expiré ou invalide');

    const admin = client(DEMO.admin);
    await admin.getJson('/api/session');
    const noHeader = await fetch(`${admin.baseUrl()}/api/catalogue/tva`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `g2_session=${admin.cookie('g2_session')}`,
      },
      body: JSON.stringify({ rate: '21', effectiveFrom: '2031-01-01' }),
    });
    expect(noHeader.status).toBe(403);
    expect(((await noHeader.json()) as ApiError).error.code).toBe('csrf_invalid');

    // An upload (multipart, parsed after the guard) carries the token as a form field, checked
    // once the form is parsed; a token in the URL is not taken (it would show in the address bar).
    const upload = (query: string, field?: string) => {
      const form = new FormData();
      if (field !== undefined) form.append('_csrf', field);
      form.append('releve', new Blob(['pas un relevé']), 'releve.txt');
      return fetch(`${admin.baseUrl()}/tresorerie/rapprochement/releves${query}`, {
        method: 'POST',
        headers: { cookie: `g2_session=${admin.cookie('g2_session')}` },
        body: form,
        redirect: 'manual',
      });
    };
    expect((await upload('')).status).toBe(403);
    expect((await upload(`?_csrf=${admin.csrfToken()}`)).status).toBe(403);
    expect((await upload('', 'x'.repeat(43))).status).toBe(403);
    const withToken = await upload('', admin.csrfToken()!);
    expect(withToken.status).toBe(422);
    expect(await withToken.text()).not.toContain('Formulaire expiré');
  });

  it('session cookie: HttpOnly, SameSite=Lax, Secure behind https; sign-out revokes it', async () => {
    const res = await fetch(`${client('anonymous').baseUrl()}/api/connexion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify(DEMO.jean),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('g2_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Secure/);

    const jean = client(DEMO.jean);
    expect((await jean.getJson<{ user: { login: string } }>('/api/session')).body.user.login).toBe(
      'jean',
    );
    const stolen = jean.cookie('g2_session');
    const out = await jean.postJson<{ signedOut: boolean }>('/api/deconnexion', {});
    expect(out.body.signedOut).toBe(true);
    // The old cookie no longer opens anything, even sent again by hand.
    const replay = await fetch(`${jean.baseUrl()}/api/session`, {
      headers: { cookie: `g2_session=${stolen}` },
    });
    expect(replay.status).toBe(401);
  });

  it('throttles a login after 3 failures with a clear French message', async () => {
    const visitor = client('anonymous');
    for (let i = 0; i < 3; i++) {
      const r = await visitor.postJson<ApiError>('/api/connexion', {
        login: 'lesamis',
        password: 'x',
      });
      expect(r.body.error.code).toBe('invalid_credentials');
    }
    const locked = await visitor.postJson<ApiError>('/api/connexion', DEMO.lesamis);
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toBe(
      'Trop de tentatives de connexion échouées. Réessayez dans 15 minutes.',
    );
  });

  it('anonymous: pages redirect to the sign-in form, the API answers 401 JSON', async () => {
    const visitor = client('anonymous');
    const page = await visitor.fetch('/adherents/1', { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([
      303,
      '/connexion?suite=%2Fadherents%2F1',
    ]);
    const api = await visitor.getJson<ApiError>('/api/adherents/1');
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('unauthenticated');
  });
});

describe('a member changes their own password', () => {
  it('checks the current password, both entries and the length; then only the new one works, other sessions end', async () => {
    const anne = client(DEMO.anne);
    const otherSession = client(DEMO.anne);
    expect((await otherSession.getJson('/api/session')).status).toBe(200);
    const form = await anne.getPage('/mon-compte/mot-de-passe');
    expect(form.status).toBe(200);
    expect(form.html).toContain('Mot de passe actuel');

    const wrong = await anne.postForm('/mon-compte/mot-de-passe', {
      actuel: 'pas-le-bon',
      nouveau: 'nouveau-secret',
      confirmation: 'nouveau-secret',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Mot de passe actuel incorrect.');
    const mismatch = await anne.postForm('/mon-compte/mot-de-passe', {
      actuel: DEMO.anne.password,
      nouveau: 'nouveau-secret',
      confirmation: 'nouveau-secreT',
    });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('Les deux saisies du nouveau mot de passe diffèrent.');
    const short = await anne.postJson<ApiError>('/api/mon-compte/mot-de-passe', {
      current: DEMO.anne.password,
      password: 'court',
    });
    expect([short.status, short.body.error.code]).toEqual([422, 'invalid_input']);
    // Nothing changed so far: the other session is still open.
    expect((await otherSession.getJson('/api/session')).status).toBe(200);

    const done = await anne.postForm(
      '/mon-compte/mot-de-passe',
      { actuel: DEMO.anne.password, nouveau: 'nouveau-secret', confirmation: 'nouveau-secret' },
      { redirect: 'manual' },
    );
    expect([done.status, done.headers.get('location')]).toEqual([
      303,
      '/mon-compte/mot-de-passe?fait=1',
    ]);
    expect((await anne.getPage('/mon-compte/mot-de-passe?fait=1')).html).toContain(
      'Votre mot de passe est changé',
    );
    expect((await otherSession.rawFetch('/api/session')).status).toBe(401);
    const visitor = client('anonymous');
    expect((await visitor.postJson<ApiError>('/api/connexion', DEMO.anne)).status).toBe(401);
    const signedIn = await visitor.postJson<{ user: { login: string } }>('/api/connexion', {
      login: 'anne',
      password: 'nouveau-secret',
    });
    expect([signedIn.status, signedIn.body.user.login]).toEqual([200, 'anne']);
    // An anonymous visitor has no password to change.
    const anonymous = await client('anonymous').rawFetch('/mon-compte/mot-de-passe');
    expect(anonymous.status).toBeGreaterThanOrEqual(300);
    expect(anonymous.headers.get('location') ?? '').toMatch(/^\/connexion/);
  });
});
