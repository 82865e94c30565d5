import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { Credentials } from './http-client.js';

/**
 * Signs `page` in through the real form (/connexion), as a person would, and waits for the page
 * the app sends them to. The session cookie then stays in the page's browser context.
 */
export async function signInBrowser(
  page: Page,
  baseUrl: string,
  credentials: Credentials,
): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.fill('#login', credentials.login);
  await page.fill('#password', credentials.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/connexion'),
    page.click('button[type=submit]'),
  ]);
  const cookies = await page.context().cookies(baseUrl);
  expect(cookies.map((c) => c.name)).toContain('g2_session');
}

/** Signs out through the header's button; the app answers with the sign-in form. */
export async function signOutBrowser(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/connexion'),
    page.click('form.signout button'),
  ]);
}
