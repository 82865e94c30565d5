import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type RunningApp } from './app-process.js';
import { signInBrowser } from './browser-sign-in.js';
import { DEMO, httpClient, type ClientIdentity, type HttpClient } from './http-client.js';

/** Debian's Chromium (apt-get install chromium); playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with no network chatter of its own (no sync, updates or first-run pages). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      'Chromium is missing: install it with `apt-get install chromium` (.ci/ensure-system.sh does it)',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--lang=fr-FR',
    ],
    // Form widgets (date fields) follow the UI language, which Chromium takes from LANGUAGE;
    // its French strings come from Debian's chromium-l10n (.ci/ensure-system.sh).
    env: { ...process.env, LANGUAGE: 'fr' },
  });
}

/** What a browser test file shares: the built app, one French page in Chromium, a screenshot dir. */
export interface BrowserSession {
  readonly page: Page;
  readonly shotsDir: string;
  /** The running app's URL of `path`. */
  url(path: string): string;
  /** An HTTP client of the same app, signed in as the demo admin (API checks beside the page). */
  readonly http: HttpClient;
}

/**
 * Starts the app and Chromium before the file's tests, and stops both (and removes the shots)
 * after. The page is signed in through the sign-in form as the demo admin, or as `as`
 * (`'anonymous'`: not signed in).
 */
export function useBrowserSession(
  options: { as?: ClientIdentity; env?: Record<string, string> } = {},
): BrowserSession {
  const as = options.as ?? DEMO.admin;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let shotsDir: string | undefined;
  beforeAll(async () => {
    app = await startApp(options.env);
    browser = await launchChromium();
    page = await browser.newPage({ locale: 'fr-FR' });
    if (as !== 'anonymous') await signInBrowser(page, app.baseUrl, as);
    shotsDir = mkdtempSync(join(tmpdir(), 'gloux2-e2e-shots-'));
  }, 60_000);
  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await app?.stop();
      if (shotsDir) rmSync(shotsDir, { recursive: true, force: true });
    }
  }, 60_000);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the app and the browser are not started');
    return value;
  };
  return {
    get page() {
      return started(page);
    },
    get shotsDir() {
      return started(shotsDir);
    },
    url: (path) => started(app).baseUrl + path,
    http: httpClient(() => started(app).baseUrl),
  };
}
