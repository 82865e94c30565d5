import { Money } from '../shared/money.js';

/**
 * An independent checker of the import file (docs/fec.md), reading only its text: it shares no
 * code with the ledger that wrote it. Returns the problems found (none: the file holds).
 */

const COLUMNS = 18;
const HEADER =
  'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise';
const DATE = /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const AMOUNT = /^\d+,\d{2}$/;

export interface FileRow {
  journal: string;
  num: string;
  date: string;
  account: string;
  aux: string;
  debit: Money;
  credit: Money;
  validDate: string;
}

const amount = (s: string) => Money.of(s.replace(',', '.'));

export function parseExport(text: string): { rows: FileRow[]; problems: string[] } {
  const problems: string[] = [];
  if (!text.endsWith('\r\n')) problems.push('the file does not end with CRLF');
  const lines = text.split('\r\n').slice(0, -1);
  if (lines[0] !== HEADER) problems.push('header line missing or wrong');
  const rows: FileRow[] = [];
  lines.slice(1).forEach((line, i) => {
    const at = `line ${i + 2}`;
    const c = line.split('\t');
    if (c.length !== COLUMNS) {
      problems.push(`${at}: ${c.length} columns`);
      return;
    }
    const [journal, , num, date, account, , aux, , , pieceDate, label, debit, credit] = c;
    const validDate = c[15]!;
    if (!/^[A-Z]{2}$/.test(journal!)) problems.push(`${at}: journal ${journal}`);
    if (!/^[1-9]\d*$/.test(num!)) problems.push(`${at}: EcritureNum ${num}`);
    for (const d of [date!, pieceDate!]) if (!DATE.test(d)) problems.push(`${at}: date ${d}`);
    if (validDate !== '' && !DATE.test(validDate)) problems.push(`${at}: ValidDate ${validDate}`);
    if (validDate !== '' && validDate < date!) problems.push(`${at}: validated before its date`);
    if (!/^\d+$/.test(account!)) problems.push(`${at}: account ${account}`);
    if (label!.trim() === '') problems.push(`${at}: no label`);
    if (!AMOUNT.test(debit!) || !AMOUNT.test(credit!)) {
      problems.push(`${at}: amounts ${debit} / ${credit}`);
      return;
    }
    const [d, k] = [amount(debit!), amount(credit!)];
    if (d.isZero() === k.isZero()) problems.push(`${at}: exactly one of debit and credit`);
    if (c[16] !== '' || c[17] !== '') problems.push(`${at}: currency columns not empty`);
    rows.push({
      journal: journal!,
      num: num!,
      date: date!,
      account: account!,
      aux: aux!,
      debit: d,
      credit: k,
      validDate,
    });
  });
  return { rows, problems };
}

/** Format, balance per entry, numbering per journal (1…n, in file order), one date per entry. */
export function checkExport(text: string, year: number): { rows: FileRow[]; problems: string[] } {
  const { rows, problems } = parseExport(text);
  const entries = new Map<string, FileRow[]>();
  for (const r of rows) {
    if (!r.date.startsWith(String(year))) problems.push(`${r.journal} ${r.num}: dated ${r.date}`);
    const key = `${r.journal} ${r.num}`;
    entries.set(key, [...(entries.get(key) ?? []), r]);
  }
  for (const [key, lines] of entries) {
    const debit = Money.sum(lines.map((l) => l.debit));
    const credit = Money.sum(lines.map((l) => l.credit));
    if (!debit.equals(credit)) problems.push(`${key}: debit ${debit} ≠ credit ${credit}`);
    if (new Set(lines.map((l) => l.date)).size !== 1) problems.push(`${key}: several dates`);
    if (new Set(lines.map((l) => l.validDate)).size !== 1)
      problems.push(`${key}: several ValidDates`);
  }
  const seen = new Map<string, number>();
  let lastKey = '';
  for (const r of rows) {
    const key = `${r.journal} ${r.num}`;
    if (key === lastKey) continue;
    lastKey = key;
    const expected = (seen.get(r.journal) ?? 0) + 1;
    if (Number(r.num) !== expected)
      problems.push(`${r.journal}: entry ${r.num} where ${expected} was expected`);
    seen.set(r.journal, Number(r.num));
  }
  return { rows, problems };
}

/** Debit − credit per carried-forward account (classes 1 to 5) and auxiliary, non-zero. */
export function balanceSheet(rows: readonly FileRow[]): Map<string, string> {
  const out = new Map<string, Money>();
  for (const r of rows)
    if (/^[1-5]/.test(r.account)) {
      const key = `${r.account} ${r.aux}`;
      out.set(key, (out.get(key) ?? Money.ZERO).plus(r.debit).minus(r.credit));
    }
  return new Map(
    [...out]
      .filter(([, m]) => !m.isZero())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, m]) => [k, m.toString()]),
  );
}

/** The opening balances (journal AN) of year N+1 equal the closing balances of year N. */
export function checkOpening(previous: readonly FileRow[], next: readonly FileRow[]): string[] {
  const closing = balanceSheet(previous);
  const opening = balanceSheet(next.filter((r) => r.journal === 'AN'));
  const problems: string[] = [];
  for (const key of new Set([...closing.keys(), ...opening.keys()]))
    if (closing.get(key) !== opening.get(key))
      problems.push(
        `${key}: closing ${closing.get(key) ?? '0.00'}, opening ${opening.get(key) ?? '0.00'}`,
      );
  return problems;
}
