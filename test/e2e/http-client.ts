import { afterAll, beforeAll, expect } from '@jest/globals';
import type { LegacyCustomer } from '../../legacy-sync/legacy-gateway.js';
import { demoUsers } from '../../legacy-sync/legacy-demo-users.js';
import { startApp, type RunningApp } from './app-process.js';

export interface HomeData {
  customers: LegacyCustomer[];
  legacySync: { logPosition: number; syncPosition: number; behind: number; lastError: unknown };
}

export interface ApiError {
  error: { code: string; message: string; field?: string; details?: Record<string, unknown> };
}

/** What the French pages show for an amount: '120,00 €' with a no-break space (under 1 000 €). */
export const euros = (amount: string) => `${amount.replace('.', ',')}\u00a0€`;

export interface Credentials {
  readonly login: string;
  readonly password: string;
}

const demo = (login: (typeof demoUsers)[number]['login']): Credentials => {
  const user = demoUsers.find((u) => u.login === login);
  if (!user) throw new Error(`no demo user ${login}`);
  return { login: user.login, password: user.password };
};

/**
 * The demo logins (legacy-sync/legacy-demo-users.ts, README): an admin (also Webcoop's
 * cooperator), a treasurer, and cooperators — Anne holds two accounts (customers 1 and 5).
 */
export const DEMO = {
  admin: demo('admin'),
  treasurer: demo('tresorier'),
  anne: demo('anne'),
  lesamis: demo('lesamis'),
  jean: demo('jean'),
} as const;

/** Who a client acts as: a login, or nobody (`'anonymous'`). */
export type ClientIdentity = Credentials | 'anonymous';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Fetch helpers bound to a running app (`baseUrl()` is read at each call: the app starts in
 * beforeAll). The client keeps its cookies; unless anonymous it signs in (POST /api/connexion)
 * before its first request, and sends the session's CSRF token (header X-CSRF-Token) with every
 * POST, JSON or form.
 */
export function httpClient(baseUrl: () => string, as: ClientIdentity = DEMO.admin) {
  const cookies = new Map<string, string>();
  let csrf: string | null = null;
  let identity: ClientIdentity = as;
  let signedIn = false;

  function keepCookies(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  /** fetch with this client's cookies (and CSRF header on unsafe methods); no sign-in first. */
  async function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    if (csrf && UNSAFE.has((init.method ?? 'GET').toUpperCase())) headers.set('x-csrf-token', csrf);
    const res = await fetch(baseUrl() + path, { redirect: 'manual', ...init, headers });
    keepCookies(res);
    return res;
  }

  async function signIn(credentials: Credentials): Promise<void> {
    cookies.clear();
    csrf = null;
    const res = await rawFetch('/api/connexion', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(credentials),
    });
    const body = (await res.json()) as { csrfToken?: string } & Partial<ApiError>;
    if (res.status !== 200 || !body.csrfToken) {
      throw new Error(
        `sign-in as ${credentials.login} failed: ${res.status} ${JSON.stringify(body)}`,
      );
    }
    csrf = body.csrfToken;
    identity = credentials;
    signedIn = true;
  }

  async function ready(): Promise<void> {
    if (!signedIn && identity !== 'anonymous') await signIn(identity);
  }

  /** fetch as this client (signed in first unless anonymous); redirects are followed unless `redirect: 'manual'`. */
  async function clientFetch(path: string, init: RequestInit = {}): Promise<Response> {
    await ready();
    let res = await rawFetch(path, { ...init, redirect: 'manual' });
    if (init.redirect === 'manual') return res;
    for (let hops = 0; hops < 5 && res.status >= 300 && res.status < 400; hops++) {
      const location = res.headers.get('location');
      if (!location) break;
      const next = new URL(location, baseUrl() + path);
      res = await rawFetch(next.pathname + next.search);
    }
    return res;
  }

  async function getPage(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; type: string; html: string; location: string | null }> {
    const res = await clientFetch(path, init);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      html: await res.text(),
      location: res.headers.get('location'),
    };
  }

  async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await clientFetch(path, { headers: { accept: 'application/json' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as T };
  }

  /** POSTs `payload` as JSON, or as the raw text given when `payload` is a string. */
  async function postJson<T>(path: string, payload: unknown): Promise<{ status: number; body: T }> {
    const res = await clientFetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as T };
  }

  /** POSTs a form (urlencoded) as the browser would; the CSRF token goes in the header. */
  function postForm(path: string, fields: Record<string, string>, init: RequestInit = {}) {
    return clientFetch(path, { ...init, method: 'POST', body: new URLSearchParams(fields) });
  }

  /** The home data once legacy-sync has mirrored the whole log into Gloux's tables (10 s at most). */
  async function legacySynced(): Promise<HomeData> {
    const deadline = Date.now() + 10_000;
    let home = (await getJson<HomeData>('/api')).body;
    while (home.legacySync.syncPosition !== home.legacySync.logPosition && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      home = (await getJson<HomeData>('/api')).body;
    }
    expect(home.legacySync.syncPosition).toBe(home.legacySync.logPosition);
    expect(home.legacySync.lastError).toBeNull();
    return home;
  }

  /** Switches identity: signs in as `who` at the next request (or stays anonymous). */
  function actAs(who: ClientIdentity): void {
    cookies.clear();
    csrf = null;
    signedIn = false;
    identity = who;
  }

  return {
    getPage,
    getJson,
    postJson,
    postForm,
    legacySynced,
    /** fetch as this client: cookies, CSRF header, sign-in first. */
    fetch: clientFetch,
    /** fetch with this client's cookies only (no sign-in, no redirect following). */
    rawFetch,
    signIn,
    actAs,
    csrfToken: () => csrf,
    /** The app's base URL (for a bare fetch without this client's cookies). */
    baseUrl,
    cookie: (name: string) => cookies.get(name),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/**
 * Starts the built app (fresh SQLite, demo data) before the file's tests, stops it after. The
 * client signs in as the demo admin unless `as` names another login or `'anonymous'`;
 * `client(as)` gives more clients of the same app (another user, anonymous).
 */
export function useAppClient(options: { as?: ClientIdentity; env?: Record<string, string> } = {}) {
  let app: RunningApp | undefined;
  beforeAll(async () => {
    app = await startApp(options.env);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  }, 60_000);
  const running = (): RunningApp => {
    if (!app) throw new Error('the app is not running');
    return app;
  };
  const baseUrl = () => running().baseUrl;
  return {
    ...httpClient(baseUrl, options.as ?? DEMO.admin),
    baseUrl,
    app: running,
    client: (as: ClientIdentity) => httpClient(baseUrl, as),
  };
}
