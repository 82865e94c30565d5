import { addDays, formatDayFr } from '../shared/day.js';
import { DomainError } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import type {
  BankBalancesStated,
  BankLine,
  BankStatementEvent,
  BankStatementImported,
  StatedBalance,
} from './events.js';
import type { AccountStatement, ParsedLine, ParsedStatement } from './statements/statement.js';

/** What an account's stream (and its former keys' streams) already holds. */
export type AccountHistory = readonly BankStatementEvent[];

export interface StatementImportInput {
  readonly statement: ParsedStatement;
  readonly fileName: string;
  readonly fileHash: string;
  readonly importedOn: string;
  /** A fresh id for each account's import. */
  readonly newId: () => string;
  /** Keys of the cooperative's accounts; null when none is configured (every account taken). */
  readonly knownAccounts: readonly string[] | null;
  /** A stable id for the `rank`-th movement of `natural` identity in `account`. */
  readonly lineIdOf: (account: string, natural: string, rank: number) => string;
}

export interface AccountImportResult {
  readonly account: string;
  /** Movements of this account in the file. */
  readonly lines: number;
  readonly imported: number;
  readonly skipped: number;
}

export interface StatementImportDecision {
  /** Per account, its new movements and newly stated balances, for that account's stream. */
  readonly events: readonly (BankStatementImported | BankBalancesStated)[];
  readonly accounts: readonly AccountImportResult[];
  /** Accounts of the file that are not the cooperative's: nothing of them is recorded. */
  readonly unknownAccounts: readonly { readonly account: string; readonly lines: number }[];
}

/** The accounts of a file, in the order the file first names them, with all their statements. */
export function accountsOf(statement: ParsedStatement): Map<string, AccountStatement[]> {
  const byAccount = new Map<string, AccountStatement[]>();
  for (const s of statement.statements)
    byAccount.set(s.account, [...(byAccount.get(s.account) ?? []), s]);
  return byAccount;
}

const isKnown = (s: AccountStatement, known: readonly string[] | null) =>
  known === null || [s.account, ...s.formerKeys].some((k) => known.includes(k));

/** A movement's identity within its format: the bank's id when it gives one, else its texts. */
const naturalKey = (l: ParsedLine) =>
  l.bankId
    ? `id|${l.bankId}|${l.bookedOn}|${l.amount}`
    : `mv|${l.bookedOn}|${l.valueOn}|${l.amount}|${l.label}|${l.reference}`;

/** What identifies a movement whatever the format: the same day, the same amount. */
const dayAmount = (l: { bookedOn: string; amount: string }) => `${l.bookedOn}|${l.amount}`;

/**
 * Which movements of a file are new, account by account.
 *
 * Within one format a movement is known by its id (the bank's, or its texts), so importing a
 * file twice, or overlapping statements, adds each movement once. Across formats (the same
 * day's statement as CFONB and as OFX) ids, labels and references are all written differently:
 * only the booking day and the amount are the same. So, per account, day and amount, the file
 * says how many such movements there are (n); those already recorded by this format (m) and by
 * other formats (o) are the same real movements, and only n − m − o more are recorded. Two
 * identical card payments on one day stay two; a third format adds nothing. Movements recorded
 * under an account's former key (before the formats shared one) are counted the same way.
 */
export function decideImportBankStatement(
  input: StatementImportInput,
  histories: ReadonlyMap<string, AccountHistory>,
): StatementImportDecision {
  const { statement } = input;
  const accounts = accountsOf(statement);
  const unknownAccounts = [...accounts]
    .filter(([, parts]) => !isKnown(parts[0]!, input.knownAccounts))
    .map(([account, parts]) => ({
      account,
      lines: parts.reduce((n, p) => n + p.lines.length, 0),
    }));
  const known = [...accounts].filter(([, parts]) => isKnown(parts[0]!, input.knownAccounts));
  if (known.length === 0)
    throw new DomainError(
      'unknown_account',
      `Relevé refusé : aucun de ses comptes n’est un compte de la coopérative (${unknownAccounts.map((u) => u.account).join(', ')}) ; rien n’est importé (les comptes tenus sont dans BANK_ACCOUNTS).`,
      'file',
      { unknownAccounts: unknownAccounts.map((u) => u.account) },
    );
  for (const [account, parts] of known) {
    const foreign = parts.find((p) => p.currency !== 'EUR');
    if (foreign)
      throw new DomainError(
        'invalid_file',
        `Relevé refusé, ligne ${foreign.line} : le relevé du compte ${account} est en ${foreign.currency} ; gloux2 ne tient que des comptes en euros, rien n’est importé.`,
        'file',
        { line: foreign.line, currency: foreign.currency },
      );
  }
  const events: (BankStatementImported | BankBalancesStated)[] = [];
  const results: AccountImportResult[] = [];
  for (const [account, parts] of known) {
    const parsed = parts.flatMap((p) => p.lines);
    const events_ = histories.get(account) ?? [];
    const history = events_.flatMap((e) => (e.type === 'BankStatementImported' ? [e.data] : []));
    const kept = events_.flatMap((e) => (e.type === 'BankBalancesStated' ? e.data.balances : []));
    checkAgainstKept(parts, kept);
    const recordedIds = new Set<string>();
    const otherFormats = new Map<string, number>();
    for (const e of history)
      for (const l of e.lines) {
        recordedIds.add(l.lineId);
        // Lines recorded under the account's former key have other ids: count them like this.
        if (e.format !== statement.format || e.account !== account)
          otherFormats.set(dayAmount(l), (otherFormats.get(dayAmount(l)) ?? 0) + 1);
      }
    const rank = new Map<string, number>();
    const lines: BankLine[] = parsed.map((l) => {
      const natural = naturalKey(l);
      const r = (rank.get(natural) ?? 0) + 1;
      rank.set(natural, r);
      return {
        lineId: input.lineIdOf(account, natural, r),
        bookedOn: l.bookedOn,
        valueOn: l.valueOn,
        amount: l.amount,
        label: l.label,
        reference: l.reference,
      };
    });
    const inFile = new Map<string, number>();
    const recordedHere = new Map<string, number>();
    for (const l of lines) {
      inFile.set(dayAmount(l), (inFile.get(dayAmount(l)) ?? 0) + 1);
      if (recordedIds.has(l.lineId))
        recordedHere.set(dayAmount(l), (recordedHere.get(dayAmount(l)) ?? 0) + 1);
    }
    const room = new Map(
      [...inFile].map(([k, n]) => [
        k,
        Math.max(0, n - (recordedHere.get(k) ?? 0) - (otherFormats.get(k) ?? 0)),
      ]),
    );
    const fresh = lines.filter((l) => {
      const left = room.get(dayAmount(l)) ?? 0;
      if (recordedIds.has(l.lineId) || left === 0) return false;
      room.set(dayAmount(l), left - 1);
      return true;
    });
    results.push({
      account,
      lines: lines.length,
      imported: fresh.length,
      skipped: lines.length - fresh.length,
    });
    const importId = input.newId();
    if (fresh.length > 0)
      events.push({
        type: 'BankStatementImported',
        data: {
          importId,
          account,
          format: statement.format,
          fileName: input.fileName.slice(0, 255),
          fileHash: input.fileHash,
          importedOn: input.importedOn,
          lines: fresh,
          skipped: lines.length - fresh.length,
        },
      });
    const balances = statedBalances(parts).filter((b) => !kept.some((k) => sameBalance(k, b)));
    if (balances.length > 0)
      events.push({
        type: 'BankBalancesStated',
        data: {
          importId,
          account,
          format: statement.format,
          fileName: input.fileName.slice(0, 255),
          balances,
        },
      });
  }
  return { events, accounts: results, unknownAccounts };
}

const sameBalance = (a: StatedBalance, b: StatedBalance) =>
  a.kind === b.kind && a.on === b.on && a.amount === b.amount;

/** The balances an account's statements state, each once. */
function statedBalances(parts: readonly AccountStatement[]): StatedBalance[] {
  const out: StatedBalance[] = [];
  for (const p of parts)
    for (const b of [
      p.opening && { kind: 'opening' as const, ...p.opening },
      p.closing && { kind: 'closing' as const, ...p.closing },
    ])
      if (b && !out.some((o) => sameBalance(o, b))) out.push(b);
  return out;
}

/**
 * A statement that states a closing balance but no opening one (OFX gives only LEDGERBAL) is
 * checked against the last closing balance kept for the account before its period: that
 * balance plus this statement's movements after it must be the closing balance. Only when the
 * statement covers every day since that balance (its DTSTART is at most the next day), so
 * every movement in between is in the file.
 */
function checkAgainstKept(parts: readonly AccountStatement[], kept: readonly StatedBalance[]) {
  const closings = [...kept, ...statedBalances(parts)].filter((b) => b.kind === 'closing');
  for (const p of parts) {
    if (p.opening || !p.closing || !p.periodStart) continue;
    const end = p.closing.on;
    const anchor = closings
      .filter((b) => b.on < end && addDay(b.on) >= p.periodStart!)
      .sort((a, b) => (a.on < b.on ? 1 : a.on > b.on ? -1 : 0))[0];
    if (!anchor) continue;
    const movements = Money.sum(
      p.lines
        .filter((l) => l.bookedOn > anchor.on && l.bookedOn <= end)
        .map((l) => Money.of(l.amount)),
    );
    const reached = Money.of(anchor.amount).plus(movements);
    if (!reached.equals(Money.of(p.closing.amount)))
      throw new DomainError(
        'invalid_file',
        `Relevé refusé, ligne ${p.line} : le solde du ${formatDayFr(anchor.on)} (${anchor.amount}, d’un relevé déjà importé) plus les mouvements qui suivent (${movements.toString()}) donnent ${reached.toString()}, pas le solde annoncé au ${formatDayFr(end)} (${p.closing.amount}) ; rien n’est importé.`,
        'file',
        { line: p.line },
      );
  }
}

const addDay = (day: string) => addDays(day, 1);
