import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Money } from '../../domain/shared/money.js';
import type { CustomerOverage } from '../../src/overage/overage-page.queries.js';
import { runCli } from './cli-process.js';
import { startApp, type RunningApp } from './app-process.js';
import { DEMO, httpClient } from './http-client.js';

jest.setTimeout(120_000);

/** The demo: annelef (Anne Lefèvre, member 1) at 412 Mo for 400 Mo included for 45 days. */
describe('overage on the demo member’s page', () => {
  let app: RunningApp;
  // Anne herself reads her page (her own account: the member rule lets her in).
  const http = httpClient(() => app.baseUrl, DEMO.anne);
  const getPage = async (path: string) => {
    const res = await http.fetch(path);
    return { status: res.status, html: await res.text() };
  };
  const getJson = async <T>(path: string) => {
    const res = await http.fetch(path, { headers: { accept: 'application/json' } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const euros = (amount: string) => `${amount.replace('.', ',')}\u00a0€`;

  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  }, 60_000);

  it('the JSON says which resource, by how much, since when, the cost, and the pending lines', async () => {
    const { status, body } = await getJson<{ overage: CustomerOverage }>('/api/adherents/1');
    expect(status).toBe(200);
    const o = body.overage;
    expect(o.overages).toHaveLength(1);
    expect(o.overages[0]).toMatchObject({
      resource: 'disk',
      description: 'Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement',
      status: 'billable',
      estimate: { quantity: '1', total: '0.50' },
    });
    expect(o.pendingLines.length).toBeGreaterThan(0);
    const sum = Money.sum(o.pendingLines.map((l) => Money.of(l.total)));
    expect(sum.toString()).toBe(o.pendingTotal);
    // Below the threshold: carried forward, never invoiced.
    expect(Money.of(o.pendingTotal).compare(Money.of(o.threshold))).toBeLessThan(0);
  });

  it('the page shows it in French, with the threshold', async () => {
    const { body } = await getJson<{ overage: CustomerOverage }>('/api/adherents/1');
    const page = await getPage('/adherents/1');
    expect(page.status).toBe(200);
    expect(page.html).toContain(
      'Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement',
    );
    expect(page.html).toContain('Coût mensuel estimé : <strong>0,50\u00a0€ TTC</strong>');
    expect(page.html).toContain(`data-overage-pending-total>${euros(body.overage.pendingTotal)}`);
    expect(page.html).toContain(`facturé quand le total atteint ${euros('5.00')}`);
    // A member without overage has no such section.
    expect((await getPage('/adherents/4')).html).not.toContain('id="depassements"');
  });
});

describe('overage:run on the command line', () => {
  let dir: string;
  const run = (args: string[]) => runCli(args, join(dir, 'cli.sqlite'));
  const events = () => {
    const db = new Database(join(dir, 'cli.sqlite'), { readonly: true });
    try {
      return db.prepare(`SELECT COUNT(*) AS n FROM g2_events`).get() as { n: number };
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-overage-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is idempotent: a second run the same day records nothing', () => {
    const first = run(['overage:run']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // The demo's 4 members' hostings and Anne's second account.
    expect(first.stdout).toMatch(/^Dépassements au \d{4}-\d{2}-\d{2} : 5 hébergements relevés/);
    const after = events();
    const second = run(['overage:run']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      '0 dépassement détecté, 0 terminé, 0 ligne en attente ajoutée.',
    );
    expect(second.stdout).toContain('0 facture de dépassement émise.');
    expect(events()).toEqual(after);
  });

  it('refuses a day in the future or a malformed one', () => {
    expect(run(['overage:run', '--on', '2999-01-01']).code).toBe(1);
    expect(run(['overage:run', '--on', '2026-02-30']).stderr).toContain('Date invalide');
  });
});
