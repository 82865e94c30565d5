import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { snapshotReadModels } from '../support/read-models.js';
import { runCli } from './cli-process.js';

jest.setTimeout(120_000);

/** The CLI as the README runs it (after the build), on this test's SQLite file. */
const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, env.SQLITE_PATH!);

describe('command line', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const snapshot = async () => {
    const db = new Database(join(dir, 'cli.sqlite'), { readonly: true });
    try {
      return await snapshotReadModels((t) => db.prepare(`SELECT * FROM ${t}`).all());
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-cli-'));
    env = { SQLITE_PATH: join(dir, 'cli.sqlite') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its usage', () => {
    const { code, stdout } = cli(['help'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('projections:rebuild');
    expect(stdout).toContain('legacy-sync:run');
  });

  it('mirrors the log into Gloux’s tables and rebuilds read models identical to the live ones', async () => {
    // The first run creates the embedded database and its demo data through the commands.
    const sync = cli(['legacy-sync:run'], env);
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/Mirrored \d+ events into Gloux's tables\./);
    const live = await snapshot();
    expect(live.g2_rm_payment_years!.length).toBeGreaterThan(0);

    const rebuilt = cli(['projections:rebuild'], env);
    expect(rebuilt.code).toBe(0);
    // Every projection is named, in any order; other issues add theirs to the list.
    expect(rebuilt.stdout).toMatch(/Rebuilt (.+) from \d+ events/);
    const named = /Rebuilt (.+) from/.exec(rebuilt.stdout)![1]!.split(', ');
    expect(named).toEqual(
      expect.arrayContaining(['invoice-balances', 'payment-allocation', 'documents']),
    );
    expect(await snapshot()).toEqual(live);

    const one = cli(['projections:rebuild', 'payment-allocation'], env);
    expect(one.code).toBe(0);
    expect(await snapshot()).toEqual(live);
  });

  it('records a payment, a credit note and a bounced cheque, then agrees with Gloux', () => {
    const db = () => new Database(join(dir, 'cli.sqlite'));
    const read = <T>(sql: string, ...params: unknown[]) => {
      const d = db();
      try {
        return d.prepare(sql).all(...params) as T[];
      } finally {
        d.close();
      }
    };
    // The demo's unpaid invoice of member 3 (126.02 €).
    const [open] = read<{ number: string; total_cents: number }>(
      `SELECT number, total_cents FROM g2_rm_invoices WHERE customer_id = '3' AND status = 'issued'`,
    );
    expect(open?.total_cents).toBe(12602);
    const bad = cli(['payment:record', '--customer', '3', '--method', 'bitcoin'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Mode de paiement inconnu');

    const paid = cli(
      ['payment:record', '--customer', '3', '--method', 'cheque', '--amount', '26.02'],
      env,
    );
    expect(paid.code).toBe(1); // a cheque needs its number
    expect(paid.stderr).toContain('numéro de chèque');
    const ok = cli(
      [
        'payment:record',
        '--customer',
        '3',
        '--method',
        'cheque',
        '--amount',
        '26.02',
        '--reference',
        '7001',
        '--on',
        '2026-11-20',
      ],
      env,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${open!.number} : 26,02\u00a0€ (reste 100,00\u00a0€)`);
    const paymentId = /Paiement ([0-9a-f-]{36})/.exec(ok.stdout)![1]!;

    const cn = cli(
      [
        'credit-note:issue',
        '--invoice',
        open!.number,
        '--reason',
        'Résiliation',
        '--on',
        '2026-11-21',
      ],
      env,
    );
    expect(cn.code).toBe(0);
    expect(cn.stdout).toMatch(
      /Avoir A2026-\d{6} .* 126,02\u00a0€ \(dont 26,02\u00a0€ au crédit du client\)/,
    );

    const bounce = cli(['payment:bounce', '--payment', paymentId, '--on', '2026-11-22'], env);
    expect(bounce.code).toBe(0);
    const again = cli(['payment:bounce', '--payment', paymentId, '--on', '2026-11-22'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('déjà enregistré comme impayé');

    expect(cli(['legacy-sync:run'], env).code).toBe(0);
    const [invoice] = read<{ status: string }>(
      `SELECT status FROM g2_rm_invoices WHERE number = ?`,
      open!.number,
    );
    expect(invoice?.status).toBe('cancelled');
    const [facture] = read<{ statut: string }>(
      `SELECT statut FROM factures WHERE numero = ?`,
      open!.number,
    );
    expect(facture?.statut).toBe('annulee');
    const [credit] = read<{ credit_cents: number }>(
      `SELECT credit_cents FROM g2_rm_customer_credit WHERE customer_id = '3'`,
    );
    expect(credit?.credit_cents).toBe(0);
    const [client] = read<{ solde: number }>(`SELECT solde FROM clients WHERE id_client = 3`);
    expect(client?.solde).toBe(0);
  });

  it('names an unknown projection and an unknown command, exiting non-zero', () => {
    const bad = cli(['projections:rebuild', 'nope'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown projection(s): nope');
    const unknown = cli(['frobnicate'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command: frobnicate');
  });
});
