import { plural } from '../../domain/shared/plural.js';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { formatDayFr } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import { Clock } from '../kernel/clock.js';
import { Db } from '../kernel/database/db.js';
import { capitalOnDay, redemptionPayouts } from '../../projections/shares/shares.queries.js';
import {
  ImportLegacySharesCommand,
  PayRedemptionCommand,
  type PayRedemptionResult,
  RedeemSharesCommand,
  SubscribeSharesCommand,
  type ImportLegacySharesResult,
  type ShareMovementResult,
} from './shares.commands.js';
import { requestedDay, SharesPages } from './shares-pages.service.js';

/** The share capital from the command line (src/cli.ts parses and dispatches). */

export interface SharesCliOptions {
  tiers?: string;
  count?: string;
  numbers?: string;
  on?: string;
  reference?: string;
  reason?: string;
  key?: string;
  redemption?: string;
  method?: string;
  bank?: string;
}

/** `shares:import-legacy`: Gloux's parts_sociales rows not yet known, and what to check in them. */
export async function sharesImportCli(app: INestApplicationContext): Promise<number> {
  const r = await app
    .get(CommandBus)
    .execute<ImportLegacySharesCommand, ImportLegacySharesResult>(
      new ImportLegacySharesCommand('cli'),
    );
  console.log(
    `${plural(r.imported, 'part sociale importée', 'parts sociales importées')} de Gloux (${formatDayFr(r.importedOn)}).`,
  );
  for (const line of [...r.anomalies, ...r.mismatches]) console.log(`  ! ${line}`);
  return 0;
}

function printMovement(r: ShareMovementResult): void {
  const what = {
    subscription: 'Souscription',
    payment: 'Libération',
    transfer: 'Cession',
    redemption: 'Remboursement',
    queued: 'Remboursement en attente',
    withdrawal: 'Demande retirée',
    cancellation: 'Annulation',
  }[r.kind];
  console.log(
    `${what} — tiers ${r.tiersId} : parts ${r.numbers}${r.newNumbers ? ` → ${r.newNumbers}` : ''}`,
  );
  if (r.requestId) console.log(`  demande ${r.requestId}`);
  if (r.executedRequests.length > 0)
    console.log(
      `  ${plural(r.executedRequests.length, 'remboursement en attente exécuté', 'remboursements en attente exécutés')}`,
    );
  console.log(`  capital : ${formatEuros(r.capital)} (plancher ${formatEuros(r.floor)})`);
}

/** Runs a movement command and prints what it did. */
async function movement(app: INestApplicationContext, command: object): Promise<number> {
  printMovement(await app.get(CommandBus).execute<object, ShareMovementResult>(command));
  return 0;
}

/** `shares:subscribe --tiers N --count K [--on YYYY-MM-DD] [--reference …]`. */
export function sharesSubscribeCli(app: INestApplicationContext, o: SharesCliOptions) {
  const on = o.on ?? app.get(Clock).today();
  return movement(
    app,
    new SubscribeSharesCommand(
      {
        tiersId: o.tiers ?? '',
        count: o.count ?? '',
        on,
        reference: o.reference,
        // With a method, the shares are paid at once (a cheque waits for a deposit slip).
        ...(o.method ? { paid: true, method: o.method, bank: o.bank } : {}),
      },
      'cli',
      o.key,
    ),
  );
}

/** `shares:redeem --tiers N --numbers 2207,10398-10399 [--on …] [--reason …]`. */
export function sharesRedeemCli(app: INestApplicationContext, o: SharesCliOptions) {
  const on = o.on ?? app.get(Clock).today();
  return movement(
    app,
    new RedeemSharesCommand(
      { tiersId: o.tiers ?? '', numbers: o.numbers ?? '', on, reason: o.reason },
      'cli',
      o.key,
    ),
  );
}

/** `shares:capital [--on YYYY-MM-DD]`: capital at the end of that day, highest capital, floor. */
export async function sharesCapitalCli(
  app: INestApplicationContext,
  o: SharesCliOptions,
): Promise<number> {
  const pages = app.get(SharesPages);
  const day = requestedDay(o.on, pages.today());
  const c = await app.get(Db).run((q) => capitalOnDay(q, day));
  const f = await pages.floor();
  console.log(`Capital au ${formatDayFr(day)} : ${formatEuros(c.capital)} (${c.shares} parts)`);
  console.log(
    `Capital le plus élevé : ${formatEuros(f.highest)}${f.highestOn ? ` (${formatDayFr(f.highestOn)})` : ''} ; plancher : ${formatEuros(f.floor)} (${f.binding === 'statutory' ? 'minimum statutaire' : 'quart du plus élevé'})`,
  );
  return 0;
}

/**
 * `shares:pay-redemption --redemption ID [--on …] [--method transfer|cheque] [--reference …]`:
 * pays a redemption back (4567 → 512); without --redemption, lists those still to pay.
 */
export async function sharesPayRedemptionCli(
  app: INestApplicationContext,
  o: SharesCliOptions,
): Promise<number> {
  if (!o.redemption) {
    const toPay = await app.get(Db).run((q) => redemptionPayouts(q));
    if (toPay.length === 0) console.log('Aucun remboursement à verser.');
    for (const r of toPay)
      console.log(
        `${r.redemptionId}  ${formatDayFr(r.on)}  tiers ${r.tiersId}  parts ${r.numbers}  ${formatEuros(r.amount)}`,
      );
    return 0;
  }
  const r = await app.get(CommandBus).execute<PayRedemptionCommand, PayRedemptionResult>(
    new PayRedemptionCommand(
      {
        redemptionId: o.redemption,
        on: o.on ?? '',
        method: o.method ?? 'transfer',
        reference: o.reference,
      },
      'cli',
      o.key,
    ),
  );
  console.log(
    `Remboursement de ${formatEuros(r.amount)} versé au tiers ${r.tiersId} le ${formatDayFr(r.on)}.`,
  );
  return 0;
}
