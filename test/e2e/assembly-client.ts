import { expect } from '@jest/globals';
import type { ConveneAssemblyResult } from '../../src/assemblies/assembly.commands.js';
import type { httpClient } from './http-client.js';

/** Today in Paris, as the app sees it. */
export const parisToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** The demo's four members (tiers 1–4), each holding shares imported from Gloux's demo rows. */
export const DEMO_TIERS = ['1', '2', '3', '4'];

/** Convenes an ordinary assembly held today (first call: quorum 1/5 of 4 = 1 member). */
export async function conveneDemoAssembly(
  client: ReturnType<typeof httpClient>,
  title: string,
): Promise<string> {
  const today = parisToday();
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
