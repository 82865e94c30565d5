import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { projectRoot } from '../../src/kernel/paths.js';

/**
 * What the guide's browser walks share: they write the guide's screenshots into
 * docs/guide/images/ (commit them when a chapter changes) and read /aide as the signed-in user.
 */
export const GUIDE_IMAGES = join(projectRoot, 'docs', 'guide', 'images');

export const parisToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

export function guideWalk(baseUrl: () => string) {
  mkdirSync(GUIDE_IMAGES, { recursive: true });

  /** The guide's image `name`.png: the page's `main` (or `clip`), within the viewport. */
  async function shot(page: Page, name: string, clip?: Locator): Promise<void> {
    const path = join(GUIDE_IMAGES, `${name}.png`);
    if (clip) await clip.screenshot({ path });
    else await page.screenshot({ path });
  }

  async function open(page: Page, path: string): Promise<void> {
    const res = await page.goto(baseUrl() + path);
    expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
  }

  /** Every link of the guide page leads somewhere this user may go (no 403, no 404). */
  async function linksWork(page: Page): Promise<void> {
    const hrefs = await page
      .locator('main a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    const imgs = await page
      .locator('main img')
      .evaluateAll((images) => images.map((i) => i.getAttribute('src') ?? ''));
    for (const href of [...hrefs, ...imgs]) {
      const res = await page.request.get(new URL(href, page.url()).href);
      expect({ href, status: res.status() }).toEqual({ href, status: 200 });
    }
  }

  /** Reads each chapter of /aide as this user shows it, and checks its links and images. */
  async function readGuide(page: Page): Promise<string[]> {
    await open(page, '/aide');
    expect(await page.locator('h1').textContent()).toBe('Aide');
    const chapters = await page
      .locator('ul.guide-chapters a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    for (const chapter of chapters) {
      await open(page, chapter);
      await linksWork(page);
    }
    return chapters;
  }

  return { shot, open, readGuide };
}
