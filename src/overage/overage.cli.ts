import { plural, pluralWord } from '../../domain/shared/plural.js';
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
  console.log(
    `Dépassements au ${s.on} : ${plural(s.hostings, 'hébergement relevé', 'hébergements relevés')}.`,
  );
  console.log(
    `  ${plural(s.detected, 'dépassement détecté', 'dépassements détectés')}, ${s.resolved} ${pluralWord(s.resolved, 'terminé', 'terminés')}, ${plural(s.charged, 'ligne en attente ajoutée', 'lignes en attente ajoutées')}.`,
  );
  for (const i of s.invoices) {
    console.log(`  facture ${i.number} : ${formatEuros(i.total).replace(/\u202f|\u00a0/g, ' ')}`);
  }
  console.log(
    `  ${plural(s.invoices.length, 'facture de dépassement émise', 'factures de dépassement émises')}.`,
  );
  for (const e of s.errors) console.log(`  client ${e.customerId} : ${e.message}`);
  return s.errors.length > 0 ? 2 : 0;
}
