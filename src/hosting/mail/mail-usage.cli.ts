import type { INestApplicationContext } from '@nestjs/common';
import { plural } from '../../../domain/shared/plural.js';
import { MailUsageCollector } from './mail-usage.collector.js';

/**
 * `mail-usage:collect [--on YYYY-MM-DD]` (cron, daily): each box's disk use of the day into
 * g2_mail_usage. Exit 0 when every box was measured, 2 when some were not (each listed with
 * why, on stdout; their earlier figure of the day, if any, is kept), 1 when refused.
 */
export async function mailUsageCollectCli(
  app: INestApplicationContext,
  options: { on?: string },
): Promise<number> {
  const s = await app.get(MailUsageCollector).collect(options.on);
  console.log(
    `Courrier au ${s.on} : ${plural(s.measured, 'boîte mesurée', 'boîtes mesurées')} sur ${s.boxes}${s.wroteGloux ? ' (aussi écrites dans mails.utilise_ko)' : ''}.`,
  );
  for (const address of s.missing) console.log(`  ${address} : maildir absent, compté 0 ko`);
  for (const p of s.problems) console.log(`  ${p.address ?? 'script'} : ${p.message}`);
  if (s.problems.length > 0)
    console.log(`  ${plural(s.problems.length, 'anomalie', 'anomalies')} : voir ci-dessus.`);
  return s.problems.length > 0 ? 2 : 0;
}
