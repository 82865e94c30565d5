import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from './cli-process.js';

jest.setTimeout(120_000);

/**
 * The demo's hosting accounts: annelef's anniversary 2026-09-15 (a MySQL option added on
 * 2026-03-20, so a pro-rata line), jdupont's 2026-12-01 (in its free trial, so left out); the others fall outside the window.
 */
describe('billing:run and vat:schedule on the command line', () => {
  let dir: string;
  let file: string;
  const window = ['--from', '2026-09-01', '--to', '2026-12-31'];

  const read = <T>(sql: string): T[] => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  const invoices = () => read<{ n: number }>(`SELECT COUNT(*) AS n FROM g2_rm_invoices`)[0]!.n;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gloux2-billing-cli-'));
    file = join(dir, 'billing.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('previews a run without recording anything', () => {
    const dry = runCli(['billing:run', ...window, '--dry-run'], file);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('aperçu, rien n’est enregistré');
    expect(dry.stdout).toMatch(/annelef\s+2026-09-15\s+.*à facturer/);
    // jdupont is in its free trial (the demo opened it a week ago): left out, with the reason.
    expect(dry.stdout).toMatch(/jdupont\s+2026-12-01\s+.*en période d’essai jusqu’au/);
    expect(dry.stdout).toContain(
      '1 à facturer, 0 déjà facturé, 1 laissé de côté (essai), 0 erreur',
    );
    const before = invoices();
    expect(runCli(['billing:run', ...window, '--dry-run'], file).code).toBe(0);
    expect(invoices()).toBe(before);
  });

  it('bills once, moves the anniversaries, and a second run reports "déjà facturé"', () => {
    const before = invoices();
    const run = runCli(['billing:run', ...window], file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '1 facture émise, 0 déjà facturé, 1 laissé de côté (essai), 0 erreur',
    );
    expect(run.stdout).toMatch(/annelef\s+2026-09-15\s+F\d{4}-\d{6}\s+135,00 €\s+facturé/);
    expect(invoices()).toBe(before + 1);
    // Gloux's side, written before the CLI exits: the invoice rows and the moved anniversaries.
    const lines = read<{ type_ligne: string; libelle: string }>(
      `SELECT l.type_ligne, l.libelle FROM factures_lignes l JOIN factures f ON f.id_facture = l.id_facture
        WHERE l.id_hebergement = 1 AND f.date_facture >= '2026-09-15' ORDER BY l.id_ligne`,
    );
    expect(lines.map((l) => l.type_ligne)).toEqual(['abonnement', 'option', 'option', 'prorata']);
    expect(lines[3]?.libelle).toBe('Base MySQL supplémentaire (prorata 179/365 j)');
    expect(
      read<{ id_hebergement: number; date_anniversaire: string }>(
        `SELECT id_hebergement, date_anniversaire FROM hebergements WHERE id_hebergement IN (1, 4) ORDER BY id_hebergement`,
      ),
    ).toEqual([
      { id_hebergement: 1, date_anniversaire: '2027-09-15' },
      { id_hebergement: 4, date_anniversaire: '2026-12-01' },
    ]);

    const again = runCli(['billing:run', ...window], file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      '0 facture émise, 1 déjà facturé, 1 laissé de côté (essai), 0 erreur',
    );
    expect(again.stdout).toMatch(/annelef .*déjà facturé \(F\d{4}-\d{6}\)/);
    expect(invoices()).toBe(before + 1);
  });

  it('refuses a bad window in French, exiting non-zero', () => {
    const backwards = runCli(['billing:run', '--from', '2026-12-31', '--to', '2026-01-01'], file);
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toContain('La fin de la période précède son début.');
    const tooLong = runCli(['billing:run', '--from', '2026-01-01', '--to', '2027-06-30'], file);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('366 au plus');
  });

  it('adds a VAT rate to the schedule, which lists France’s history too', () => {
    const added = runCli(
      ['vat:schedule', '--rate', '21', '--from', '2030-01-01', '--reason', 'essai'],
      file,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('21 % programmé à partir du 2030-01-01');
    expect(
      read<{ rate: string; effective_from: string }>(
        `SELECT rate, effective_from FROM g2_rm_vat_rates ORDER BY effective_from`,
      ).map((r) => [r.rate, r.effective_from]),
    ).toEqual([
      ['19.6', '2000-04-01'],
      ['20', '2014-01-01'],
      ['21', '2030-01-01'],
    ]);
    const bad = runCli(['vat:schedule', '--rate', 'vingt', '--from', '2030-01-01'], file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Le taux de TVA est invalide');
  });
});
