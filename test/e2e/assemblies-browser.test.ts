import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type {
  AssemblyMember,
  AssemblySummary,
} from '../../projections/assemblies/assemblies.queries.js';
import { conveneDemoAssembly, SAME_DAY_ASSEMBLIES } from './assembly-client.js';
import { useBrowserSession } from './chromium.js';
import { httpClient } from './http-client.js';

jest.setTimeout(60_000);

const session = useBrowserSession({ env: SAME_DAY_ASSEMBLIES });
let page: Page;
beforeAll(() => {
  page = session.page;
});
const client = httpClient(() => session.url(''));

const text = async (selector: string) => (await page.locator(selector).textContent())?.trim() ?? '';
const row = (tiersId: string) => page.locator(`#liste tr[data-member="${tiersId}"]`);

/** Clicks and waits for the assembly's page the form redirects to. */
async function toAssemblyPage(click: Promise<void>) {
  await Promise.all([page.waitForURL(/\/admin\/ag\/[^/?#]+\?/), click]);
}

describe('an assembly in headless Chromium: presence and proxy change the live quorum', () => {
  let id = '';
  let members: AssemblyMember[] = [];

  beforeAll(async () => {
    id = await conveneDemoAssembly(client, 'Assemblée du navigateur');
    const { body } = await client.getJson<{ members: AssemblyMember[] }>(`/api/ag/${id}`);
    members = body.members;
  });
  const name = (tiersId: string) => members.find((m) => m.tiersId === tiersId)!.name;

  it('finds a member, marks them present: the quorum box counts them', async () => {
    await page.goto(session.url('/admin/ag'));
    await Promise.all([
      page.waitForURL(new RegExp(`/admin/ag/${id}$`)),
      page.click(`tr[data-assembly="${id}"] a`),
    ]);
    expect(await text('#quorum-counted')).toBe('0');
    expect(await text('#quorum-state')).toBe('quorum non atteint');

    // Search without the accents or the case of the name.
    const wanted = name('1');
    const typed = wanted
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .slice(0, 5);
    await page.fill('#q', typed);
    await Promise.all([page.waitForURL(/q=/), page.click('form.search button')]);
    expect(await row('1').count()).toBe(1);

    await toAssemblyPage(row('1').locator('button', { hasText: 'Présent' }).click());
    expect(await text('.notice')).toBe(`${wanted} est noté présent.`);
    expect(await text('#quorum-counted')).toBe('1');
    expect(await text('#quorum-present')).toBe('1');
    expect(await text('#quorum-state')).toBe('quorum atteint');
    expect(await text(`#liste tr[data-member="1"] td.status`)).toBe('Présent');
  });

  it('records a proxy to the present member; a third one is refused in French', async () => {
    for (const giver of ['2', '3']) {
      await page.goto(session.url(`/admin/ag/${id}`));
      await Promise.all([
        page.waitForURL(/\/procuration\?/),
        row(giver).locator('a', { hasText: 'Procuration' }).click(),
      ]);
      expect(await text('h1')).toBe('Procuration');
      await page.selectOption('#mandataire', '1');
      await toAssemblyPage(page.click('button[type=submit]'));
      expect(await text('.notice')).toBe(
        `Procuration de ${name(giver)} enregistrée : représenté par ${name('1')}.`,
      );
    }
    expect(await text('#quorum-counted')).toBe('3');
    expect(await text('#quorum-represented')).toBe('2');
    await page.goto(session.url(`/admin/ag/${id}`));
    expect(await text(`#liste tr[data-member="1"] td.status`)).toBe(
      'Présent, porteur de 2 pouvoirs',
    );

    // The cap (2 by default): refused, the form again with the holder flagged.
    await Promise.all([
      page.waitForURL(/\/procuration\?/),
      row('4').locator('a', { hasText: 'Procuration' }).click(),
    ]);
    await page.selectOption('#mandataire', '1');
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/procurations') && r.request().method() === 'POST',
      ),
      page.click('button[type=submit]'),
    ]);
    expect(response.status()).toBe(422);
    await page.waitForLoadState('load');
    expect(await text('.error[role=alert]')).toBe(
      `${name('1')} détient déjà 2 pouvoirs, le maximum fixé par les statuts (2).`,
    );
    expect(
      await page.locator('#mandataire').evaluate((el) => el.classList.contains('invalid')),
    ).toBe(true);
    const { body } = await client.getJson<{ assembly: AssemblySummary }>(`/api/ag/${id}`);
    expect(body.assembly.quorum.counted).toBe(3);

    const file = join(session.shotsDir, 'assembly.png');
    await page.goto(session.url(`/admin/ag/${id}`));
    await page.screenshot({ path: file, fullPage: true });
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  });
});
