import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { mayUse } from '../../src/auth/access.guard.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { Ownership } from '../../src/auth/ownership.js';
import { routeTable, type RouteAccess } from '../../src/auth/route-table.js';
import { projectRoot } from '../../src/kernel/paths.js';
import { startDemoApp, type DemoApp } from '../support/demo-app.js';
import { signInBrowser } from './browser-sign-in.js';
import { launchChromium } from './chromium.js';
import { DEMO, type Credentials } from './http-client.js';

jest.setTimeout(900_000);

/**
 * Every page each demo role can reach, walked in Chromium from its home and its navigation:
 * each link is followed (or, for a file or a page that leaves for the bank, requested), each
 * form's action is checked against the access rule of the route it posts to (without posting:
 * the walk changes nothing). Any link or action that would be refused (403), lead nowhere
 * (404) or fail (500) fails the test. Each page is also laid out at 390 and 1280 px, must not
 * overflow the viewport sideways, must have nothing refused by the Content-Security-Policy, and
 * is kept as a screenshot (test/e2e/screenshots/, ignored).
 */
const BRAND = 'Ouvaton Essai';
const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const WIDTHS = [390, 1280] as const;
/** Pages of the same shape (ids aside) are walked once: /factures/12 stands for every invoice. */
const PER_SHAPE = 1;
/** Files are requested, not displayed. */
const NOT_DISPLAYED = /\.(pdf|xlsx|ods|csv|txt|png)(\?|$)|\/fec\/|\/export/;
/** Served by the French user guide's own module (and its own test). */
const OWNED_ELSEWHERE = /^\/aide(\/|$)/;

/** Text no page may show, and why. */
const TEXT_RULES: readonly [RegExp, string][] = [
  [/\b(?:adhérent|client) \d{1,6}\b/i, 'internal id shown'],
  [/\(tiers \d+\)|\w+ \(\d{1,6}\)(?= ·|$)/m, 'internal id shown'],
  [/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/, 'raw timestamp'],
  [/\w\((?:s|e|es)\)/, 'plural written "(s)"'],
  [/\b\d{4}-(?:0[1-9]|1[0-2])\b(?!-\d)/, 'raw month (not « février 2026 »)'],
];

let demo: DemoApp;
let browser: Browser;
let routes: RouteAccess[];

beforeAll(async () => {
  demo = await startDemoApp({ BRAND_NAME: BRAND });
  routes = routeTable(demo.app);
  browser = await launchChromium();
  // Each run's screenshots only: a page no longer walked leaves no stale picture.
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
}, 60_000);

const shapeOf = (url: URL) =>
  `${url.pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'U').replace(/\d+/g, 'N')}?${[
    ...url.searchParams.keys(),
  ]
    .sort()
    .join('&')}`;

/** The route a request goes to, and its parameters (literal routes before parameter ones). */
function routeOf(method: string, path: string) {
  const candidates = routes
    .filter((r) => r.method === method || r.method === 'ALL')
    .map((r) => {
      const names: string[] = [];
      const pattern = r.path.replace(/[.]/g, '\\.').replace(/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      const match = new RegExp(`^${pattern}$`).exec(path);
      return match
        ? {
            route: r,
            params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)])),
          }
        : null;
    })
    .filter((m) => m !== null);
  return candidates.sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length)[0];
}

interface Problem {
  from: string;
  to: string;
  what: string;
}

/** What a page offers: its links and its forms' actions, absolute. */
async function targetsOf(page: Page) {
  const base = page.url();
  const links = await page
    .locator('a[href]')
    .evaluateAll((els) => els.map((a) => a.getAttribute('href') ?? ''));
  const forms = await page.locator('form').evaluateAll((els) =>
    els.map((f) => ({
      action: f.getAttribute('action') ?? '',
      method: f.getAttribute('method'),
    })),
  );
  return {
    links: links.filter((h) => !/^(mailto|tel|javascript):/.test(h)).map((h) => new URL(h, base)),
    forms: forms.map((f) => ({
      action: new URL(f.action, base),
      method: (f.method ?? 'get').toUpperCase(),
    })),
  };
}

async function walk(role: string, credentials: Credentials) {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  // What the Content-Security-Policy refused on the page being walked (an inline style or script).
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy'))
      refused.push(message.text().slice(0, 200));
  });
  await signInBrowser(page, demo.baseUrl, credentials);
  const token = (await context.cookies(demo.baseUrl)).find((c) => c.name === 'g2_session')?.value;
  const signedIn = token ? await demo.app.get(AuthService).fromToken(token) : null;
  if (!signedIn) throw new Error(`${role}: no session after signing in`);
  const ownership = demo.app.get(Ownership);
  const menus = (await page.locator('header nav > ul > li').allTextContents()).map(
    (t) => t.trim().split('\n')[0]!,
  );

  const problems: Problem[] = [];
  const walked: string[] = [];
  const seen = new Set<string>();
  const shapes = new Map<string, number>();
  const checked = new Set<string>();
  const queue: { url: URL; from: string }[] = [{ url: new URL('/', demo.baseUrl), from: 'start' }];

  /** A target not displayed: its status by a request with the page's cookies. */
  const request = async (url: URL, from: string) => {
    const res = await context.request.get(url.href, { maxRedirects: 0 });
    if (res.status() >= 400)
      problems.push({ from, to: url.pathname + url.search, what: `${res.status()}` });
  };

  while (queue.length > 0) {
    const { url, from } = queue.shift()!;
    const key = url.pathname + url.search;
    if (seen.has(key)) continue;
    seen.add(key);
    if (NOT_DISPLAYED.test(url.pathname)) {
      await request(url, from);
      continue;
    }
    const shape = shapeOf(url);
    if ((shapes.get(shape) ?? 0) >= PER_SHAPE) continue;
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1);

    await page.setViewportSize({ width: 1280, height: 800 });
    refused.length = 0;
    const response = await page.goto(url.href);
    const status = response?.status() ?? 0;
    const landed = new URL(page.url());
    if (status >= 400) {
      problems.push({ from, to: key, what: `${status}` });
      continue;
    }
    if (landed.origin !== demo.baseUrl) continue;
    walked.push(key);
    for (const what of refused) problems.push({ from, to: key, what });
    // A panel page (printable documents have their own layout) names the cooperative.
    const brand = page.locator('header .brand');
    if ((await brand.count()) > 0 && !(await page.title()).endsWith(`— ${BRAND}`))
      problems.push({ from, to: key, what: `title without the brand: ${await page.title()}` });

    // What a person reads (not the JSON): no internal id as an identifier, no raw timestamp.
    const text = key.startsWith('/api')
      ? ''
      : String(await page.evaluate('document.body.innerText'));
    for (const [pattern, what] of TEXT_RULES) {
      const found = pattern.exec(text);
      if (found) problems.push({ from, to: key, what: `${what}: « ${found[0]} »` });
    }
    // The JSON API is for staff and their tools: a member is never pointed at it.
    if (!signedIn.user.admin && !signedIn.user.treasurer && /\bJSON\b/.test(text))
      problems.push({ from, to: key, what: 'JSON link shown to a member' });

    const slug = `${role}${landed.pathname.replace(/\//g, '_')}${landed.search ? '_q' : ''}`.slice(
      0,
      150,
    );
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      const overflow = {
        scroll: Number(await page.evaluate('document.documentElement.scrollWidth')),
        viewport: Number(await page.evaluate('window.innerWidth')),
      };
      if (overflow.scroll > overflow.viewport)
        problems.push({ from, to: key, what: `${overflow.scroll} px wide at ${width} px` });
      await page.screenshot({ path: join(SHOTS, `${slug}-${width}.png`), fullPage: true });
    }

    const { links, forms } = await targetsOf(page);
    for (const target of links) {
      target.hash = '';
      if (target.origin !== demo.baseUrl || OWNED_ELSEWHERE.test(target.pathname)) continue;
      queue.push({ url: target, from: key });
    }
    for (const form of forms) {
      const { action } = form;
      if (action.origin !== demo.baseUrl) continue;
      if (form.method === 'GET') {
        queue.push({ url: new URL(action.pathname, demo.baseUrl), from: key });
        continue;
      }
      const id = `${form.method} ${action.pathname}`;
      if (checked.has(id)) continue;
      checked.add(id);
      const found = routeOf(form.method, action.pathname);
      if (!found) problems.push({ from: key, to: id, what: 'no such route' });
      else if (!(await mayUse(found.route.rule, signedIn.user, found.params, ownership)))
        problems.push({ from: key, to: id, what: 'refused (403)' });
    }
  }
  await context.close();
  return { problems, walked, menus };
}

const ADMIN_MENUS = [
  'Mon compte',
  'Adhérents',
  'Hébergement',
  'Trésorerie',
  'Administration',
  'Aide',
];

describe('walking every page of the panel as each demo role', () => {
  it.each([
    ['admin', DEMO.admin, 40, ADMIN_MENUS],
    ['tresorier', DEMO.treasurer, 25, ['Adhérents', 'Hébergement', 'Trésorerie', 'Aide']],
    ['jean', DEMO.jean, 4, ['Mon compte', 'Aide']],
    ['anne', DEMO.anne, 5, ['Mon compte', 'Aide']],
  ] as const)(
    '%s: only their menus; no link or action refused or failing, no page wider than a phone',
    async (role, credentials, atLeast, expectedMenus) => {
      const { problems, walked, menus } = await walk(role, credentials);
      expect(menus).toEqual(expectedMenus);
      expect(problems).toEqual([]);
      expect(walked.length).toBeGreaterThanOrEqual(atLeast);
    },
  );

  it('a failed statement import shows its French error, and no token in the address bar', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await signInBrowser(page, demo.baseUrl, DEMO.treasurer);
    await page.goto(`${demo.baseUrl}/tresorerie/rapprochement`);
    await page.setInputFiles('#releve', {
      name: 'releve.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('pas un relevé'),
    });
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('#import button[type=submit]'),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState('load');
    expect(await page.locator('.error[role=alert]').count()).toBe(1);
    expect(page.url()).not.toContain('_csrf');
    expect(new URL(page.url()).search).toBe('');
    await context.close();
  });

  it('on a phone, a menu opens in place and its links are within the screen', async () => {
    const context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await signInBrowser(page, demo.baseUrl, DEMO.treasurer);
    expect(await page.locator('header .brand').textContent()).toBe(BRAND);
    const link = page.locator('header a', { hasText: 'Remises de chèques' });
    expect(await link.isVisible()).toBe(false);
    await page.locator('header summary', { hasText: 'Trésorerie' }).click();
    await link.waitFor({ state: 'visible' });
    const box = await link.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      390,
    );
    await Promise.all([page.waitForURL(/\/tresorerie\/remises$/), link.click()]);
    expect(await page.locator('header a[aria-current="page"]').textContent()).toBe(
      'Remises de chèques',
    );
    await context.close();
  });
});
