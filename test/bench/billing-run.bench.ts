/**
 * `npm run bench:billing-run`: the anniversary billing run over 5,000 hosting accounts, on a
 * fresh SQLite file and on a fresh MariaDB database (dropped afterwards). Prints accounts/s
 * and durations; asserts nothing about time (ACCOUNTING rules are checked by the tests).
 *
 * Accounts: one member each, the sample catalogue, anniversaries spread over the last year,
 * options on half of them (some added mid-year, so billed pro rata), a reseller discount on
 * one in ten, a Gloux pending line on one in twenty.
 */
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { addDays } from '../../domain/shared/day.js';
import { LegacySyncWorker } from '../../legacy-sync/legacy-sync.worker.js';
import { AppModule } from '../../src/app.module.js';
import { AnniversaryBillingService } from '../../src/billing-run/anniversary-billing.service.js';
import { Clock } from '../../src/kernel/clock.js';
import { APP_CONFIG, type AppConfig } from '../../src/kernel/config.js';
import { Db, type Queryable } from '../../src/kernel/database/db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import type { Dialect } from '../../src/kernel/database/settings.js';
import { dialectsFromFlags, intFlag, measured } from './bench-kit.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5000) * intFlag('scale', 1);

async function insertRows(q: Queryable, table: string, columns: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const one = `(${columns.map(() => '?').join(', ')})`;
    await q.execute(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => one).join(', ')}`,
      chunk.flat(),
    );
  }
}

/** Gloux rows for `n` accounts whose anniversaries fall in [from, from + 364]. */
async function seed(db: Db, n: number, from: string): Promise<void> {
  await db.transaction(async (q) => {
    await q.execute(`DELETE FROM produits`);
    await insertRows(
      q,
      'produits',
      [
        'id_produit',
        'code',
        'type_produit',
        'libelle',
        'prix_ht',
        'taux_tva',
        'periodicite',
        'date_debut',
      ],
      [
        [1, 'PLAQUE', 'plaque', 'Plaque de base', '20.07', '19.6', 'an', '2006-06-01'],
        [2, 'DISQUE100', 'option', 'Espace disque (100 Mo)', '5.02', '19.6', 'an', '2006-06-01'],
        [3, 'MYSQL1', 'option', 'Base MySQL', '5.02', '19.6', 'an', '2006-06-01'],
        [4, 'PART', 'part_sociale', 'Part sociale', '16.00', '0', 'unique', '0000-00-00'],
      ],
    );
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const anniversary = (id: number) => addDays(from, id % 365);
    await insertRows(
      q,
      'tiers',
      ['id_tiers', 'type_tiers', 'nom', 'prenom', 'adresse', 'email', 'societaire', 'nb_parts'],
      ids.map((id) => [
        id,
        'physique',
        `Membre ${id}`,
        'Bench',
        `${id} rue du Test`,
        `m${id}@example.org`,
        'O',
        1,
      ]),
    );
    await insertRows(
      q,
      'clients',
      ['id_client', 'num_client', 'id_tiers', 'remise_pct', 'solde', 'etat', 'date_ouverture'],
      ids.map((id) => [
        id,
        String(id).padStart(13, '0'),
        id,
        id % 10 === 0 ? 10 : 0,
        0,
        'actif',
        '2010-01-01',
      ]),
    );
    await insertRows(
      q,
      'hebergements',
      ['id_hebergement', 'id_client', 'nom', 'uid', 'id_plaque', 'date_anniversaire', 'etat'],
      ids.map((id) => [
        id,
        id,
        `bench${id}`,
        20000 + (id % 40000),
        1,
        anniversary(id),
        id % 50 === 0 ? 'suspendu' : 'actif',
      ]),
    );
    await insertRows(
      q,
      'hebergements_options',
      ['id_hebergement', 'id_produit', 'quantite', 'date_debut', 'date_fin'],
      ids.flatMap((id) => [
        ...(id % 2 === 0 ? [[id, 2, 1 + (id % 3), '2012-01-01', '0000-00-00']] : []),
        // Added 100 days before the anniversary: billed pro rata on top of the year.
        ...(id % 4 === 1 ? [[id, 3, 1, addDays(anniversary(id), -100), '0000-00-00']] : []),
      ]),
    );
    await insertRows(
      q,
      'factures_lignes',
      [
        'id_facture',
        'id_client',
        'id_hebergement',
        'id_produit',
        'type_ligne',
        'libelle',
        'quantite',
        'prix_unitaire_ht',
        'taux_tva',
        'montant_ht',
        'periode_debut',
        'periode_fin',
      ],
      ids
        .filter((id) => id % 20 === 0)
        .map((id) => [
          0,
          id,
          id,
          0,
          'divers',
          'Frais de restauration',
          1,
          1.5,
          20,
          1.5,
          addDays(anniversary(id), -10),
          addDays(anniversary(id), -10),
        ]),
    );
  });
}

async function bench(dialect: Dialect): Promise<void> {
  const database: TestDatabase = await createTestDatabase(dialect, { sampleData: false });
  const config: AppConfig = {
    port: 0,
    database: database.settings,
    fiscalYearStart: '01-01',
    demoData: false,
    legacySyncIntervalMs: 3_600_000,
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .compile();
  await moduleRef.init();
  try {
    const db = moduleRef.get(Db);
    const today = moduleRef.get(Clock).today();
    const from = addDays(today, -364);
    let t = Date.now();
    await seed(db, ACCOUNTS, from);
    const seedMs = Date.now() - t;
    const billing = moduleRef.get(AnniversaryBillingService);
    let last = 0;
    const measuredRun = await measured(() =>
      billing.run({
        from,
        to: today,
        actor: 'bench',
        onProgress: (done, total) => {
          if (done - last >= 500 || done === total) {
            last = done;
            process.stderr.write(`\r  ${dialect}: ${done}/${total}`);
          }
        },
      }),
    );
    const report = measuredRun.value;
    const runMs = measuredRun.seconds * 1000;
    process.stderr.write('\n');
    t = Date.now();
    await moduleRef.get(LegacySyncWorker).catchUp();
    const mirrorMs = Date.now() - t;
    t = Date.now();
    const again = await billing.run({ from, to: today, actor: 'bench' });
    const againMs = Date.now() - t;
    const perSecond = (report.accounts.length * 1000) / runMs;
    console.log(
      `${dialect.padEnd(6)} ${String(report.accounts.length).padStart(5)} accounts: ${report.counts.issued} invoices in ${(runMs / 1000).toFixed(1)} s ` +
        `(${perSecond.toFixed(0)} accounts/s, errors ${report.counts.error}); mirror catch-up after the run ${(mirrorMs / 1000).toFixed(1)} s; ` +
        `second run ${(againMs / 1000).toFixed(1)} s, ${again.counts.issued} issued, ${again.counts.already_billed} "déjà facturé"; seeding ${(seedMs / 1000).toFixed(1)} s; ` +
        `peak RSS during the run ${measuredRun.peakRssMiB} MiB (heap ${measuredRun.peakHeapMiB} MiB)`,
    );
  } finally {
    await moduleRef.close();
    await database.drop();
  }
}

// `npm run bench:billing-run -- sqlite` (as before) or `-- --db sqlite`; `--scale 2` doubles the accounts.
const only = process.argv[2]?.startsWith('--')
  ? undefined
  : (process.argv[2] as Dialect | undefined);
for (const dialect of only ? [only] : dialectsFromFlags()) await bench(dialect);
