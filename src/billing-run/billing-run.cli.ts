import { plural, pluralWord } from '../../domain/shared/plural.js';
import type { INestApplicationContext } from '@nestjs/common';
import type { VatCategory } from '../../domain/catalogue/events.js';
import { VAT_CATEGORY_LABELS } from '../../domain/catalogue/vat-schedule.js';
import { formatEuros } from '../../domain/shared/money.js';
import { ScheduleVatRateHandler } from '../catalogue/schedule-vat-rate.handler.js';
import { ScheduleVatRateCommand } from '../catalogue/schedule-vat-rate.command.js';
import { progressBar } from '../cli-progress-bar.js';
import { AnniversaryBillingService } from './anniversary-billing.service.js';

/** The CLI's billing commands (src/cli.ts parses the arguments and dispatches here). */

export interface BillingCliOptions {
  from?: string;
  to?: string;
  'dry-run'?: boolean;
  rate?: string;
  category?: string;
  reason?: string;
}

/**
 * `billing:run --from --to [--dry-run]`: the report on stdout, a progress bar on stderr (only
 * on a terminal). Exit code 0, or 2 when some accounts could not be billed (they are listed).
 */
export async function billingRunCli(
  app: INestApplicationContext,
  options: BillingCliOptions,
): Promise<number> {
  const bar = progressBar('comptes');
  const report = await app.get(AnniversaryBillingService).run({
    from: options.from,
    to: options.to,
    dryRun: options['dry-run'] === true,
    actor: 'cli',
    onProgress: bar.onProgress,
  });
  bar.stop();
  console.log(
    `Facturation anniversaire du ${report.from} au ${report.to}, factures datées du ${report.issuedOn}${report.dryRun ? ' — aperçu, rien n’est enregistré' : ''}`,
  );
  for (const a of report.accounts) {
    const amount = a.total ? formatEuros(a.total).replace(/\u202f|\u00a0/g, ' ') : '';
    console.log(
      `  ${a.hostingName.padEnd(20)} ${a.anniversary}  ${(a.number ?? '').padEnd(13)} ${amount.padStart(12)}  ${a.message}`,
    );
  }
  const perSecond =
    report.durationMs > 0 ? ((report.accounts.length * 1000) / report.durationMs).toFixed(1) : '–';
  const { issued, planned, already_billed: already, skipped, error } = report.counts;
  console.log(
    `${report.dryRun ? `${planned} à facturer` : plural(issued, 'facture émise', 'factures émises')}, ${already} ${pluralWord(already, 'déjà facturé', 'déjà facturés')}, ${plural(skipped, 'laissé', 'laissés')} de côté (essai), ${plural(error, 'erreur', 'erreurs')} — ${plural(report.accounts.length, 'compte', 'comptes')} en ${report.durationMs} ms (${perSecond} comptes/s).`,
  );
  return error > 0 ? 2 : 0;
}

/** `vat:schedule --rate 20 --from 2014-01-01 [--reason …]`: adds an entry to the VAT schedule. */
export async function vatScheduleCli(
  app: INestApplicationContext,
  options: BillingCliOptions,
): Promise<number> {
  const r = await app.get(ScheduleVatRateHandler).execute(
    new ScheduleVatRateCommand(
      {
        category: options.category ?? 'standard',
        rate: options.rate ?? '',
        effectiveFrom: options.from ?? '',
        reason: options.reason,
      },
      'cli',
    ),
  );
  const label = VAT_CATEGORY_LABELS[r.category as VatCategory] ?? r.category;
  console.log(
    `${label[0]!.toUpperCase()}${label.slice(1)} de ${r.rate} % programmé à partir du ${r.effectiveFrom}.`,
  );
  return 0;
}
