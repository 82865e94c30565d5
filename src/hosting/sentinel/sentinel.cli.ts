import type { INestApplicationContext } from '@nestjs/common';
import { plural } from '../../../domain/shared/plural.js';
import {
  formatKb,
  formatPercent,
  QUOTA_LEVEL_LABELS,
  usagePercent,
} from '../../../domain/hosting/sentinel.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { MailOutbox } from '../../lifecycle/mail-outbox.js';
import { SentinelService } from './sentinel.service.js';

/**
 * `sentinel:run [--on YYYY-MM-DD]`: the mailbox sentinel for that day (default today), after
 * `mail-usage:collect`: each new alert e-mailed to the member, the admins' summary to
 * ADMIN_EMAIL. Idempotent: a second run of the same day sends nothing. Exit 0; 1 on a bad day.
 */
export async function sentinelRunCli(
  app: INestApplicationContext,
  options: { on?: string },
): Promise<number> {
  let run;
  try {
    run = await app.get(SentinelService).run(options.on);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`--on : ${error.message}`);
    return 1;
  }
  console.log(
    `Sentinelle au ${run.on} : ${plural(run.boxesNear, 'boîte mail', 'boîtes mail')} à 90 % de leur quota ou plus.`,
  );
  console.log(`  ${plural(run.alerts.length, 'nouvelle alerte', 'nouvelles alertes')}.`);
  for (const a of run.alerts) {
    const percent = formatPercent(usagePercent(a.usedKb, a.quotaMb) ?? 0);
    const to = a.contact?.email || 'aucune adresse e-mail';
    console.log(
      `  ${a.address} : ${QUOTA_LEVEL_LABELS[a.level]} le ${a.day}, ${formatKb(a.usedKb)} pour ${formatKb(a.quotaMb * 1024)} (${percent}) → ${to}`,
    );
  }
  if (run.summaryTo) console.log(`  Résumé pour les administrateurs : ${run.summaryTo}.`);
  else if (run.alerts.length > 0)
    console.log('  Pas de résumé pour les administrateurs : ADMIN_EMAIL n’est pas réglé.');
  const pending = await app.get(MailOutbox).pendingCount();
  console.log(`  ${plural(pending, 'courriel', 'courriels')} en attente d’envoi.`);
  return 0;
}
