import { afterAll, beforeAll, expect } from '@jest/globals';
import type { LegacyCustomer } from '../../legacy-sync/legacy-gateway.js';
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

/** Fetch helpers bound to a running app (`baseUrl()` is read at each call: the app starts in beforeAll). */
export function httpClient(baseUrl: () => string) {
  async function getPage(path: string): Promise<{ status: number; type: string; html: string }> {
    const res = await fetch(baseUrl() + path);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      html: await res.text(),
    };
  }

  async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(baseUrl() + path, { headers: { accept: 'application/json' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as T };
  }

  /** POSTs `payload` as JSON, or as the raw text given when `payload` is a string. */
  async function postJson<T>(path: string, payload: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(baseUrl() + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as T };
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

  return { getPage, getJson, postJson, legacySynced };
}

/** Starts the built app (fresh SQLite, demo data) before the file's tests, stops it after. */
export function useAppClient() {
  let app: RunningApp | undefined;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  }, 60_000);
  const running = (): RunningApp => {
    if (!app) throw new Error('the app is not running');
    return app;
  };
  const baseUrl = () => running().baseUrl;
  return { ...httpClient(baseUrl), baseUrl, app: running };
}
