import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from './cli-process.js';
import { useAppClient, type ApiError } from './http-client.js';

jest.setTimeout(180_000);

interface Account {
  accountId: string;
  name: string;
  status: string;
  trialEndsOn: string | null;
  convertedBy: string | null;
  reasons: { reason: string }[];
}

/** The demo: jdupont (hosting 4) signed up a week ago, in trial for 23 more days. */
describe('account lifecycle pages (demo data)', () => {
  const { getPage, getJson, postJson } = useAppClient();

  it('lists the new accounts and the trials, and converts a trial into a paying account', async () => {
    const page = await getPage('/admin/comptes/nouveaux');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Périodes d’essai en cours');
    expect(page.html).toContain('jdupont');
    expect(page.html).toContain('action="/admin/comptes/4/conversion"');
    // French states and the member as they know themselves, never internal ids (item 11).
    expect(page.html).toMatch(/<td>(?:actif|suspendu|fermé)</);
    expect(page.html).not.toMatch(/>active\b|jdupont <span class="muted">\(4\)/);
    expect(page.html).toMatch(
      /<a href="\/admin\/adherents\/4">[^<]+<\/a> <span class="muted nowrap">n° client \d{13}</,
    );
    const data = await getJson<{ recent: Account[]; trials: Account[] }>('/api/comptes/nouveaux');
    expect(data.body.trials.map((a) => a.name)).toEqual(['jdupont']);
    expect(data.body.recent.map((a) => a.accountId)).toContain('4');

    const converted = await postJson<{ events: string[] }>('/api/comptes/4/conversion', {});
    expect(converted).toEqual({
      status: 201,
      body: { accountId: '4', events: ['AccountConverted'] },
    });
    const account = await getJson<Account>('/api/comptes/4');
    expect(account.body).toMatchObject({ status: 'active', convertedBy: 'admin' });
    const again = await postJson<ApiError>('/api/comptes/4/conversion', {});
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({
      code: 'not_in_trial',
      message: 'Ce compte n’est pas en période d’essai.',
    });
    const unknown = await getJson<ApiError>('/api/comptes/999');
    expect(unknown.status).toBe(404);
    expect((await getJson<ApiError>('/api/comptes/nouveaux?jours=abc')).status).toBe(422);
  });

  it('shows the closing accounts, the outbox (no SMTP in the demo) and the hook runs', async () => {
    const closing = await getPage('/admin/comptes/fermetures');
    expect(closing.status).toBe(200);
    expect(closing.html).toContain('Préavis de fermeture envoyés');
    const mails = await getPage('/admin/courriels');
    expect(mails.html).toContain('Aucun serveur SMTP configuré');
    const outbox = await getJson<{ smtp: boolean; messages: { kind: string; status: string }[] }>(
      '/api/courriels',
    );
    expect(outbox.body.smtp).toBe(false);
    // The demo's cheques: one confirmation each, waiting in the outbox.
    expect(outbox.body.messages.filter((m) => m.kind === 'payment').length).toBeGreaterThan(0);
    expect(outbox.body.messages.every((m) => m.status === 'pending')).toBe(true);
    const runs = await getPage('/admin/provisionnement');
    expect(runs.status).toBe(200);
    // A run's state in French (not the invoice helper's « À régler », which shadowed it).
    expect(runs.html).not.toContain('À régler');
    expect(
      (await getJson<{ runs: { action: string; status: string }[] }>('/api/provisionnement')).body
        .runs,
    ).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'open', status: 'skipped' })]),
    );
  });
});

describe('lifecycle:run on the command line', () => {
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-lifecycle-cli-'));
    file = join(dir, 'lifecycle.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const events = () => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare(`SELECT COUNT(*) AS n FROM g2_events`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('runs the day, then records nothing more when run again the same day', () => {
    const first = runCli(['lifecycle:run'], file);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Cycle de vie au \d{4}-\d{2}-\d{2} : \d+ comptes? examinés?\./);
    expect(first.stdout).toContain('en attente d’envoi');
    const after = events();
    const second = runCli(['lifecycle:run'], file);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 avis de facture, 0 relance.');
    expect(second.stdout).toContain('0 suspension pour impayé, 0 pour fin d’essai.');
    expect(second.stdout).toContain('0 préavis de fermeture, 0 fermeture.');
    expect(events()).toBe(after);
  });

  it('refuses a malformed or future day with a French message', () => {
    const bad = runCli(['lifecycle:run', '--on', '2026-13-01'], file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Date invalide (AAAA-MM-JJ).');
    const future = runCli(['lifecycle:run', '--on', '2999-01-01'], file);
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('ne peut pas être daté dans le futur');
  });
});
