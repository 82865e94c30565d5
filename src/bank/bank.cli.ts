import { plural } from '../../domain/shared/plural.js';
import { importCounts } from './statement-import-text.js';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BANK_LINE_BOOKING_KINDS } from '../../domain/bank/matching.js';
import { formatDayFr, isDay } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formatEuros, Money } from '../../domain/shared/money.js';
import {
  CancelDepositSlipCommand,
  IssueDepositSlipCommand,
  type DepositSlipResult,
} from './deposit-slip.commands.js';
import { DepositSlipPages } from './deposit-slip-pages.service.js';
import {
  BookBankLineCommand,
  ConfirmBankMatchesCommand,
  ImportBankStatementCommand,
  type BankMatchResult,
  type BookBankLineResult,
  type ImportBankStatementResult,
} from './bank-statement.commands.js';
import { BooksService } from './books.service.js';
import { FecService } from './fec.service.js';
import { parseTargetInput, ReconciliationService } from './reconciliation.service.js';
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
    `Bordereau n° ${r.number} du ${formatDayFr(r.depositOn)} : ${plural(r.chequeCount, 'chèque', 'chèques')}, ${formatEuros(r.total)}${r.status === 'cancelled' ? ' — annulé' : ''}`,
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
      `  reçus le ${formatDayFr(d.receivedOn)} : ${plural(d.count, 'chèque', 'chèques')}, ${formatEuros(d.total)}`,
    );
  for (const s of slips) printSlip({ ...s, status: s.status });
  return 0;
}

/** `bank:import --file f`: a statement file; each movement once (a file imported twice adds nothing). */
export async function bankImportCli(
  app: INestApplicationContext,
  o: { file?: string },
): Promise<number> {
  if (!o.file) {
    console.error('Indiquez --file <relevé CFONB 120, OFX ou CAMT.053>.');
    return 1;
  }
  const r = await app
    .get(CommandBus)
    .execute<ImportBankStatementCommand, ImportBankStatementResult>(
      new ImportBankStatementCommand(
        { fileName: basename(o.file), content: await readFile(o.file) },
        'cli',
      ),
    );
  for (const a of r.accounts)
    console.log(
      `${r.fileName} (${r.format}, compte ${a.account}) : ${importCounts(a.imported, a.skipped)}.`,
    );
  for (const u of r.unknownAccounts)
    console.log(
      `${r.fileName} : compte ${u.account} inconnu (pas dans BANK_ACCOUNTS), ${plural(u.lines, 'mouvement non importé', 'mouvements non importés')}.`,
    );
  return 0;
}

const STATUS: Record<string, string> = {
  matched: 'rapprochée',
  difference: 'rapprochée (écart)',
  exact: 'proposée',
  near: 'écart proposé',
  booked: 'comptabilisée',
  ignored: 'ignorée',
  unmatched: 'non rapprochée',
};

/** `bank:match [--from --to] [--confirm-exact]`: the reconciliation, and confirms exact proposals. */
export async function bankMatchCli(
  app: INestApplicationContext,
  o: { from?: string; to?: string; 'confirm-exact'?: boolean },
): Promise<number> {
  const service = app.get(ReconciliationService);
  let view = await service.view(o.from, o.to);
  if (o['confirm-exact']) {
    const exact = view.lines.filter((l) => l.status === 'exact' && l.target);
    if (exact.length > 0) {
      const r = await app.get(CommandBus).execute<ConfirmBankMatchesCommand, BankMatchResult>(
        new ConfirmBankMatchesCommand(
          {
            matches: exact.map((l) => ({
              lineId: l.lineId,
              target: parseTargetInput(l.target!.input),
            })),
          },
          'cli',
        ),
      );
      console.log(
        `${plural(r.matched.length, 'rapprochement exact confirmé', 'rapprochements exacts confirmés')}.`,
      );
      view = await service.view(o.from, o.to);
    }
  }
  console.log(`Lignes du ${formatDayFr(view.from)} au ${formatDayFr(view.to)} :`);
  for (const l of view.lines)
    console.log(
      `  ${formatDayFr(l.bookedOn)} ${formatEuros(l.amount).padStart(14)}  ${STATUS[l.status]}${l.target ? ` — ${l.target.label}` : ''}${l.difference && l.difference !== '0.00' ? ` (écart ${formatEuros(l.difference)})` : ''}  ${l.label}`,
    );
  for (const w of view.waiting)
    console.log(`  en attente : ${w.label}, ${formatEuros(w.expected)}`);
  return 0;
}

/** The unmatched line a `bank:book-line` names: by --line, or by its bank day and amount. */
async function lineToBook(
  service: ReconciliationService,
  o: { line?: string; day?: string; amount?: string },
): Promise<string> {
  if (o.line) return o.line;
  if (!o.day || !isDay(o.day) || !o.amount)
    throw new DomainError(
      'invalid_input',
      'Indiquez la ligne : --line ID, ou --day AAAA-MM-JJ (jour de la banque) et --amount=-12,34 (montant signé, après « = »).',
      'line',
    );
  let amount: Money;
  try {
    amount = Money.of(o.amount.trim().replace(',', '.'));
  } catch {
    throw new DomainError(
      'invalid_input',
      `Montant invalide : ${o.amount} (ex. -12,34).`,
      'amount',
    );
  }
  const same = (await service.view(o.day, o.day)).lines.filter(
    (l) => l.bookedOn === o.day && Money.of(l.amount).equals(amount),
  );
  const open = same.find((l) => !['matched', 'difference', 'booked', 'ignored'].includes(l.status));
  if (open) return open.lineId;
  throw new DomainError(
    same.length === 0 ? 'not_found' : 'already_matched',
    same.length === 0
      ? `Aucune ligne de relevé du ${formatDayFr(o.day)} de ${formatEuros(amount)}.`
      : `La ligne du ${formatDayFr(o.day)} de ${formatEuros(amount)} est déjà rapprochée ou comptabilisée.`,
    'line',
  );
}

/**
 * `bank:book-line (--line ID | --day D --amount A) --kind K [--on D] [--reason …] [--key …]`:
 * books an unmatched bank line as the reconciliation page does (docs/accounting.md §7).
 */
export async function bankBookLineCli(
  app: INestApplicationContext,
  o: {
    line?: string;
    day?: string;
    amount?: string;
    kind?: string;
    on?: string;
    reason?: string;
    key?: string;
  },
): Promise<number> {
  const kinds = Object.keys(BANK_LINE_BOOKING_KINDS);
  if (!o.kind || !kinds.includes(o.kind))
    throw new DomainError(
      'invalid_input',
      `Indiquez --kind : ${kinds.map((k) => `${k} (${BANK_LINE_BOOKING_KINDS[k as keyof typeof BANK_LINE_BOOKING_KINDS]})`).join(', ')}.`,
      'kind',
    );
  if (o.kind === 'ignored' && !o.reason?.trim())
    throw new DomainError(
      'invalid_input',
      'Dites pourquoi la ligne est ignorée (--reason).',
      'reason',
    );
  const lineId = await lineToBook(app.get(ReconciliationService), o);
  const r = await app
    .get(CommandBus)
    .execute<BookBankLineCommand, BookBankLineResult>(
      new BookBankLineCommand({ lineId, kind: o.kind, on: o.on, reason: o.reason }, 'cli', o.key),
    );
  const label = BANK_LINE_BOOKING_KINDS[r.kind as keyof typeof BANK_LINE_BOOKING_KINDS];
  console.log(
    r.kind === 'ignored'
      ? `Ligne ignorée (sans écriture) le ${formatDayFr(r.on)}.`
      : `Ligne comptabilisée le ${formatDayFr(r.on)} : ${label}.`,
  );
  return 0;
}

/** `report:fec --year 2025 [--out dir|file]`: the FEC of a fiscal year (default: the last closed one). */
export async function fecCli(
  app: INestApplicationContext,
  o: { year?: string; out?: string },
): Promise<number> {
  const started = Date.now();
  const { summary, content } = await app
    .get(FecService)
    .export(o.year, (n) =>
      process.stderr.write(`\r  ${plural(n, 'événement lu', 'événements lus')}`),
    );
  process.stderr.write('\n');
  let target = o.out ?? summary.fileName;
  if (o.out && existsSync(o.out) && statSync(o.out).isDirectory())
    target = join(o.out, summary.fileName);
  await writeFile(target, content);
  console.log(
    `${target} : exercice ${summary.fiscalYear} (${formatDayFr(summary.first)} – ${formatDayFr(summary.last)}), ${plural(summary.entries, 'écriture', 'écritures')}, ${plural(summary.lines, 'ligne', 'lignes')}, débit ${formatEuros(summary.debit)} = crédit ${formatEuros(summary.credit)}${summary.balanced ? '' : ' — DÉSÉQUILIBRÉ'} (${Date.now() - started} ms).`,
  );
  return summary.balanced ? 0 : 2;
}

/** `fiscal-year:close --year 2025`: the closing act (docs/accounting.md §7); says what it did. */
export async function fiscalYearCloseCli(
  app: INestApplicationContext,
  o: { year?: string },
): Promise<number> {
  const books = app.get(BooksService);
  const preview = await books.preview(o.year ?? '');
  const closed = await books.close(o.year ?? '', 'cli');
  const journals = closed.journals.map((j) => `${j.journal} ${j.entries}`).join(', ');
  console.log(
    `Exercice ${closed.fiscalYear} clôturé le ${formatDayFr(closed.closedOn)} : écritures numérotées (${journals}), validées, produits constatés d’avance ${formatEuros(preview.deferred)} ; plus rien ne peut être daté du ${formatDayFr(closed.first)} au ${formatDayFr(closed.last)}.`,
  );
  return 0;
}

/** `vat:declare --month 2026-01 [--reference …]`: the month's CA3 is filed, the month locked. */
export async function vatDeclareCli(
  app: INestApplicationContext,
  o: { month?: string; reference?: string },
): Promise<number> {
  const d = await app.get(BooksService).declareVatMonth(o.month ?? '', o.reference ?? '', 'cli');
  console.log(
    `TVA de ${d.month} déclarée le ${formatDayFr(d.declaredOn)} : le mois est verrouillé.`,
  );
  return 0;
}
