import { writeFile } from 'node:fs/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { formatDayFr } from '../../domain/shared/day.js';
import { formatEuros } from '../../domain/shared/money.js';
import {
  CancelDepositSlipCommand,
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from './deposit-slip.commands.js';
import { DepositSlipPages } from './deposit-slip-pages.service.js';
import { renderDepositSlipPdf } from './deposit-slip-pdf.js';

/** Deposit slips, statement import and FEC from the command line (src/cli.ts dispatches). */

export interface BankCliOptions {
  day?: string;
  payment?: string;
  on?: string;
  number?: string;
  reason?: string;
  key?: string;
  out?: string;
}

const printSlip = (r: DepositSlipResult) =>
  console.log(
    `Bordereau n° ${r.number} du ${formatDayFr(r.depositOn)} : ${r.chequeCount} chèque(s), ${formatEuros(r.total)}${r.status === 'cancelled' ? ' — annulé' : ''}`,
  );

/** `deposit-slip:create`: the cheques of --day, or those named by --payment. */
export async function depositSlipCreateCli(
  app: INestApplicationContext,
  o: BankCliOptions,
): Promise<number> {
  const paymentIds = (o.payment ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (paymentIds.length === 0 && !o.day) {
    console.error('Indiquez --day AAAA-MM-JJ (jour de réception) ou --payment ID[,ID…].');
    return 1;
  }
  const r = await app
    .get(CommandBus)
    .execute<IssueDepositSlipCommand, DepositSlipResult>(
      new IssueDepositSlipCommand(
        { paymentIds, receivedOn: paymentIds.length ? undefined : o.day, depositOn: o.on },
        'cli',
        o.key,
      ),
    );
  printSlip(r);
  if (o.out) {
    await writeFile(
      o.out,
      await renderDepositSlipPdf(await app.get(DepositSlipPages).slip(r.number)),
    );
    console.log(`PDF : ${o.out}`);
  }
  return 0;
}

export async function depositSlipCancelCli(
  app: INestApplicationContext,
  o: BankCliOptions,
): Promise<number> {
  const r = await app
    .get(CommandBus)
    .execute<CancelDepositSlipCommand, DepositSlipResult>(
      new CancelDepositSlipCommand(
        { number: o.number ?? '', reason: o.reason ?? '', on: o.on },
        'cli',
        o.key,
      ),
    );
  printSlip(r);
  return 0;
}

/** `deposit-slip:list`: the cheques waiting and the slips; with --number, one slip (and --out PDF). */
export async function depositSlipListCli(
  app: INestApplicationContext,
  o: BankCliOptions,
): Promise<number> {
  const pages = app.get(DepositSlipPages);
  if (o.number) {
    const slip = await pages.slip(o.number);
    printSlip(slip);
    for (const c of slip.cheques)
      console.log(
        `  ${formatDayFr(c.receivedOn)}  ${c.reference.padEnd(12)} ${c.customerName.padEnd(30)} ${formatEuros(c.amount).padStart(14)}${c.bounced ? '  rejeté' : ''}`,
      );
    if (o.out) {
      await writeFile(o.out, await renderDepositSlipPdf(slip));
      console.log(`PDF : ${o.out}`);
    }
    return 0;
  }
  const { pending, pendingCount, pendingTotal, slips } = await pages.overview();
  console.log(`Chèques à remettre : ${pendingCount} (${formatEuros(pendingTotal)})`);
  for (const d of pending)
    console.log(
      `  reçus le ${formatDayFr(d.receivedOn)} : ${d.count} chèque(s), ${formatEuros(d.total)}`,
    );
  for (const s of slips) printSlip({ ...s, status: s.status });
  return 0;
}
