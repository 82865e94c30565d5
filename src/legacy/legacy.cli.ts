import { plural, pluralWord } from '../../domain/shared/plural.js';
import type { INestApplicationContext } from '@nestjs/common';
import cliProgress from 'cli-progress';
import type { Drift } from '../../legacy-sync/legacy-drift.js';
import { LegacyIngester } from '../../legacy-sync/legacy-ingest.js';
import { clearBlockingIssues, importReport } from '../../legacy-sync/legacy-report.js';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { Db } from '../kernel/database/db.js';
import { LegacyPages } from './legacy-pages.service.js';

const TABLE_LABEL = { factures: 'factures', paiements: 'paiements' } as const;

function printDrift(drift: readonly Drift[]): void {
  for (const d of drift) {
    console.log(
      `  ${d.area.padEnd(8)} ${d.label.padEnd(24)} ${d.field.padEnd(13)} Gloux: ${d.gloux.padEnd(14)} gloux2: ${d.gloux2.padEnd(14)} ${d.owner === 'gloux2' ? '(réparable : legacy:repair)' : '(à régler dans Gloux)'}`,
    );
  }
}

/**
 * `legacy:backfill [--retry]`: imports Gloux's whole history (resumable: each table restarts
 * from its checkpoint), a progress bar on stderr, then the report of what could not be
 * imported and why. Exit 0, or 2 when some rows were left out.
 */
export async function legacyBackfillCli(
  app: INestApplicationContext,
  options: { retry?: boolean },
): Promise<number> {
  const db = app.get(Db);
  if (options.retry) {
    const n = await db.run((q) => clearBlockingIssues(q));
    console.log(`${plural(n, 'ligne écartée remise', 'lignes écartées remises')} à l’import.`);
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '  {table} {bar} {value}/{total}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let current: string | null = null;
  const counts = await app.get(LegacyIngester).backfill((p) => {
    if (current !== p.table) {
      if (current !== null) bar.stop();
      bar.start(p.total, p.done, { table: TABLE_LABEL[p.table].padEnd(9) });
      current = p.table;
    }
    bar.update(p.done);
  });
  if (current !== null) bar.stop();
  await app.get(LegacySyncWorker).catchUp();
  const report = await db.run((q) => importReport(q));
  console.log(
    `Import Gloux : ${plural(counts.invoices, 'facture', 'factures')}, ${plural(counts.creditNotes, 'avoir', 'avoirs')}, ${plural(counts.payments, 'paiement', 'paiements')}, ${plural(counts.accounts, 'compte', 'comptes')} et ${plural(counts.shares, 'part sociale', 'parts sociales')} importés ou mis à jour (${plural(counts.events, 'événement', 'événements')}).`,
  );
  console.log(
    `Déjà connus de gloux2 : ${report.imported.map((r) => `${r.rows} ${r.table}`).join(', ') || 'rien'}.`,
  );
  const blocking = report.issues.filter((i) => i.blocking);
  const partial = report.issues.filter((i) => !i.blocking);
  if (blocking.length > 0) {
    console.log(`Non importé (${blocking.length}) :`);
    for (const i of blocking) console.log(`  ${i.table} n° ${i.legacyId} : ${i.message}`);
  }
  if (partial.length > 0) {
    console.log(`Importé avec une remarque (${partial.length}) :`);
    for (const i of partial) console.log(`  ${i.table} n° ${i.legacyId} : ${i.message}`);
  }
  return blocking.length > 0 ? 2 : 0;
}

/** `legacy:drift`: every difference; exit 0 when none, 2 otherwise. */
export async function legacyDriftCli(app: INestApplicationContext): Promise<number> {
  const page = await app.get(LegacyPages).drift();
  if (page.mirrorLag > 0)
    console.log(
      `${plural(page.mirrorLag, 'événement', 'événements')} de gloux2 pas encore ${pluralWord(page.mirrorLag, 'recopié', 'recopiés')} dans Gloux.`,
    );
  if (page.drift.length === 0) {
    console.log('Aucun écart : Gloux et gloux2 sont d’accord.');
    return 0;
  }
  console.log(
    `${plural(page.drift.length, 'écart', 'écarts')}, dont ${page.repairable} ${pluralWord(page.repairable, 'réparable', 'réparables')} par gloux2 :`,
  );
  printDrift(page.drift);
  return 2;
}

/** `legacy:repair`: re-mirrors what gloux2 owns, then prints what is left (exit 2 if any). */
export async function legacyRepairCli(app: INestApplicationContext): Promise<number> {
  const { repaired, after } = await app.get(LegacyPages).repair();
  console.log(`${plural(repaired, 'réparation faite', 'réparations faites')}.`);
  if (after.length === 0) {
    console.log('Aucun écart : Gloux et gloux2 sont d’accord.');
    return 0;
  }
  console.log(`Reste ${plural(after.length, 'écart', 'écarts')} :`);
  printDrift(after);
  return 2;
}
