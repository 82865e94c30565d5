import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TestDatabase } from '../support/databases.js';
import { dialects } from '../support/databases.js';
import type { AppHarness } from '../support/app-harness.js';
import { startOnGlouxSample } from '../support/legacy-ingest-setup.js';

jest.setTimeout(60_000);

/**
 * Issue 17 item 13: the staff's member search as you type (GET /api/recherche/adherents, the
 * cheque form's first step) over Gloux's sample: tiers 1 Anne Lefèvre (customer 1, login anne),
 * 2 Association Les Amis (customer 2), 3 Webcoop SARL (customer 3, login webcoop).
 */
describe.each(dialects)('the member search on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;

  beforeAll(async () => {
    ({ database, app } = await startOnGlouxSample(dialect));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const names = async (q: string) =>
    (await app.queries.suggestMembers(q)).map((m) => `${m.tiersId}:${m.customerId}:${m.name}`);

  it('finds a member by the start of the surname, with or without accents typed as stored', async () => {
    expect(await names('lef')).toEqual(['1:1:Anne Lefèvre']);
    expect(await names('Lefè')).toEqual(['1:1:Anne Lefèvre']);
    expect(await names('lefè')).toEqual(['1:1:Anne Lefèvre']);
    // First name and surname: each word must be found.
    expect(await names('anne lef')).toEqual(['1:1:Anne Lefèvre']);
    expect(await names('anne dupont')).toEqual([]);
  });

  it('finds by company name, e-mail, login, customer number and tiers number', async () => {
    expect(await names('Associa')).toEqual(['2:2:Association Les Amis']);
    expect(await names('bureau@')).toEqual(['2:2:Association Les Amis']);
    expect(await names('webcoop')).toEqual(['3:3:Webcoop SARL']);
    expect(await names('0501150')).toEqual(['3:3:Webcoop SARL']);
    expect(await names('3')).toEqual(['3:3:Webcoop SARL']);
    const [webcoop] = await app.queries.suggestMembers('webc');
    expect(webcoop).toMatchObject({ customerNumber: '0501150000099', login: 'webcoop' });
  });

  it('takes what is typed as text, never as SQL or a LIKE pattern', async () => {
    for (const q of ['%', '%%', '_e', "' OR 1=1 --", '!%', 'a', '']) {
      expect({ q, found: await names(q) }).toEqual({ q, found: [] });
    }
  });

  it('answers at most the limit asked', async () => {
    expect((await app.queries.suggestMembers('0', 1)).length).toBeLessThanOrEqual(1);
    expect((await app.queries.suggestMembers('e', 10)).length).toBe(0);
  });
});
