import { expect } from '@jest/globals';
import type { ConveneAssemblyResult } from '../../src/assemblies/assembly.commands.js';
import type { httpClient } from './http-client.js';

/** Today in Paris, as the app sees it. */
export const parisToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** The demo's four members (tiers 1–4). */
export const DEMO_TIERS = ['1', '2', '3', '4'];

/**
 * Gives each demo member a share through the shares API, then convenes an ordinary assembly
 * held today (first call: quorum 1/5 of 4 = 1 member).
 */
export async function conveneDemoAssembly(
  client: ReturnType<typeof httpClient>,
  title: string,
): Promise<string> {
  const today = parisToday();
  for (const tiersId of DEMO_TIERS) {
    const { status } = await client.postJson('/api/parts/souscriptions', {
      tiersId,
      count: 1,
      on: today,
      paid: true,
      idempotencyKey: `e2e-ag-share-${tiersId}`,
    });
    expect(status).toBe(201);
  }
  const { status, body } = await client.postJson<ConveneAssemblyResult>('/api/ag', {
    kind: 'ordinary',
    heldOn: today,
    call: 1,
    title,
  });
  expect(status).toBe(201);
  expect(body.members).toBe(DEMO_TIERS.length);
  return body.assemblyId;
}
