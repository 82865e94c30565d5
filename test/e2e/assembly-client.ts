import { expect } from '@jest/globals';
import type { ConveneAssemblyResult } from '../../src/assemblies/assembly.commands.js';
import type { httpClient } from './http-client.js';

/** Today in Paris, as the app sees it. */
export const parisToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** The demo's four members (tiers 1–4), each holding shares imported from Gloux's demo rows. */
export const DEMO_TIERS = ['1', '2', '3', '4'];

/**
 * The statutes of these tests allow an assembly the day it is convened (no notice, postal votes
 * up to the meeting), so that a real clock can hold it: the notice periods have their own tests.
 */
export const SAME_DAY_ASSEMBLIES = {
  AG_NOTICE_DAYS_ORDINARY: '0',
  AG_NOTICE_DAYS_EXTRAORDINARY: '0',
  AG_NOTICE_DAYS_SECOND_CALL: '0',
  AG_POSTAL_DAYS_BEFORE: '0',
};

/** Convenes an ordinary assembly held today (first call: quorum 1/5 of 4 = 1 member). */
export async function conveneDemoAssembly(
  client: ReturnType<typeof httpClient>,
  title: string,
): Promise<string> {
  const today = parisToday();
  const { status, body } = await client.postJson<ConveneAssemblyResult>('/api/ag', {
    kind: 'ordinary',
    heldOn: today,
    startsAt: '18:30',
    place: 'Salle du conseil, 12 rue de la Coopération, Paris',
    call: 1,
    title,
  });
  expect(status).toBe(201);
  expect(body.members).toBe(DEMO_TIERS.length);
  return body.assemblyId;
}
