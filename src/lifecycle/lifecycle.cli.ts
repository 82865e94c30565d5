import { plural } from '../../domain/shared/plural.js';
import type { INestApplicationContext } from '@nestjs/common';
import { progressBar } from '../cli-progress-bar.js';
import { AfterCommit } from './after-commit.js';
import { LifecycleService } from './lifecycle.service.js';
import { MailOutbox } from './mail-outbox.js';

/**
 * `lifecycle:run [--on YYYY-MM-DD]`: the daily job for that day (default today), then its
 * effects (Gloux's tables, reactions, e-mails queued and sent if SMTP is configured, hooks).
 * Progress on stderr (on a terminal). Exit code 0, or 2 when some account failed (listed).
 */
export async function lifecycleRunCli(
  app: INestApplicationContext,
  options: { on?: string },
): Promise<number> {
  const bar = progressBar('comptes');
  const s = await app.get(LifecycleService).run(options.on, bar.onProgress);
  bar.stop();
  await app.get(AfterCommit).settle();
  console.log(
    `Cycle de vie au ${s.on} : ${plural(s.accounts, 'compte examiné', 'comptes examinés')}.`,
  );
  console.log(`  ${s.notices} avis de facture, ${plural(s.reminders, 'relance', 'relances')}.`);
  console.log(
    `  ${plural(s.suspensions.unpaid, 'suspension', 'suspensions')} pour impayé, ${s.suspensions.trial_expired} pour fin d’essai.`,
  );
  console.log(
    `  ${s.closureNotices} préavis de fermeture, ${plural(s.closures, 'fermeture', 'fermetures')}.`,
  );
  const pending = await app.get(MailOutbox).pendingCount();
  console.log(`  ${plural(pending, 'courriel', 'courriels')} en attente d’envoi.`);
  for (const e of s.errors) console.log(`  ${e.id} : ${e.message}`);
  return s.errors.length > 0 ? 2 : 0;
}
