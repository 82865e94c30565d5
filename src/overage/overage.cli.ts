import type { INestApplicationContext } from '@nestjs/common';
import { formatEuros } from '../../domain/shared/money.js';
import { OverageService } from './overage.service.js';

/**
 * `overage:run [--on YYYY-MM-DD]`: reads Gloux's measurements as of that day (default today),
 * records warnings, resolutions and pending lines, invoices what reached the threshold.
 * Exit code 0, or 2 when some customer could not be invoiced (listed; retried next run).
 */
export async function overageRunCli(
  app: INestApplicationContext,
  options: { on?: string },
): Promise<number> {
  const s = await app.get(OverageService).run(options.on);
  console.log(`Dépassements au ${s.on} : ${s.hostings} hébergement(s) relevé(s).`);
  console.log(
    `  ${s.detected} dépassement(s) détecté(s), ${s.resolved} terminé(s), ${s.charged} ligne(s) en attente ajoutée(s).`,
  );
  for (const i of s.invoices) {
    console.log(`  facture ${i.number} : ${formatEuros(i.total).replace(/\u202f|\u00a0/g, ' ')}`);
  }
  console.log(`  ${s.invoices.length} facture(s) de dépassement émise(s).`);
  for (const e of s.errors) console.log(`  client ${e.customerId} : ${e.message}`);
  return s.errors.length > 0 ? 2 : 0;
}
