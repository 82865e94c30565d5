import { isDay, parisDayOf } from '../../shared/day.js';
import { Money } from '../../shared/money.js';
import { camtAccount } from './account.js';
import { elementsAt, entriesOf } from './positions.js';
import {
  badFile,
  checkBalances,
  decimalAmount,
  type AccountStatement,
  type ParsedLine,
  type ParsedStatement,
  type StatementBalance,
} from './statement.js';
import { child, findAll, listOf, parseXml, textOf } from './xml.js';

/**
 * ISO 20022 date-times: a date-time with a zone (`2014-01-04T23:00:00Z`) is an instant, taken
 * to its Paris day (card matching and the books use it); without a zone it is the bank's local
 * time and its date is the day.
 */
export function isoDateTimeDay(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(v);
  if (!m || !isDay(m[1])) throw new Error(`"${v}" invalide (AAAA-MM-JJ attendu)`);
  if (!m[2] || !m[5]) return m[1]!;
  const instant = new Date(v);
  if (Number.isNaN(instant.getTime())) throw new Error(`"${v}" invalide (AAAA-MM-JJ attendu)`);
  return parisDayOf(instant);
}

/** `<Dt>YYYY-MM-DD</Dt>` or `<DtTm>…</DtTm>` inside `node`. */
function isoDay(node: unknown, what: string): string {
  const v = textOf(node, 'Dt') || textOf(node, 'DtTm');
  try {
    return isoDateTimeDay(v);
  } catch (error) {
    throw new Error(`${what} ${(error as Error).message}`, { cause: error });
  }
}

/** An amount signed by its CdtDbtInd (DBIT is money out). */
function signedAmount(node: unknown): { amount: string; currency: string } {
  const raw = textOf(node, 'Amt');
  const amount = Money.of(decimalAmount(raw));
  if (amount.isNegative())
    throw new Error(`montant "${raw}" invalide (le sens est dans CdtDbtInd)`);
  const indicator = textOf(node, 'CdtDbtInd');
  if (indicator !== 'CRDT' && indicator !== 'DBIT')
    throw new Error(`sens "${indicator}" invalide (CRDT ou DBIT attendu)`);
  const currency = String((child(node, 'Amt') as Record<string, unknown>)?.['@Ccy'] ?? '');
  return {
    amount: (indicator === 'DBIT' ? amount.negate() : amount).toString(),
    currency: currency.toUpperCase(),
  };
}

const OPENING = ['OPBD', 'PRCD'];
const CLOSING = ['CLBD'];

function balances(stmt: unknown): {
  opening: StatementBalance | null;
  closing: StatementBalance | null;
} {
  let opening: StatementBalance | null = null;
  let closing: StatementBalance | null = null;
  for (const bal of listOf(child(stmt, 'Bal'))) {
    const type = textOf(bal, 'Tp.CdOrPrtry.Cd') || textOf(bal, 'Tp.CdOrPrtry.Prtry');
    if (!OPENING.includes(type) && !CLOSING.includes(type)) continue;
    const what = `solde ${type}`;
    let b: StatementBalance;
    try {
      b = { on: isoDay(child(bal, 'Dt'), `${what} : date`), amount: signedAmount(bal).amount };
    } catch (error) {
      throw new Error(`${what} : ${(error as Error).message}`, { cause: error });
    }
    if (OPENING.includes(type)) opening = opening ?? b;
    else closing = b;
  }
  return { opening, closing };
}

/** A counterparty's name, camt.053.001.02 (`Dbtr/Nm`) or later (`Dbtr/Pty/Nm`). */
const partyName = (details: unknown, who: 'Dbtr' | 'Cdtr') =>
  textOf(details, `RltdPties.${who}.Nm`) || textOf(details, `RltdPties.${who}.Pty.Nm`);

/**
 * The label a treasurer reads: the entry's own text, then for each transaction the
 * counterparty (the payer of a credit, the payee of a debit) and the remittance information,
 * unstructured (Ustrd) or structured (creditor reference, document numbers, additional text).
 * Banks often give nothing but the remittance information.
 */
function labelOf(entry: unknown, credit: boolean): string {
  const parts = [textOf(entry, 'AddtlNtryInf')];
  for (const d of findAll(entry, 'TxDtls')) {
    parts.push(partyName(d, credit ? 'Dbtr' : 'Cdtr'));
    for (const u of listOf(child(d, 'RmtInf.Ustrd'))) parts.push(typeof u === 'string' ? u : '');
    for (const s of listOf(child(d, 'RmtInf.Strd'))) {
      for (const doc of listOf(child(s, 'RfrdDocInf'))) parts.push(textOf(doc, 'Nb'));
      parts.push(textOf(s, 'CdtrRefInf.Ref'));
      for (const a of listOf(child(s, 'AddtlRmtInf'))) parts.push(typeof a === 'string' ? a : '');
    }
    parts.push(textOf(d, 'AddtlTxInf'));
  }
  return parts
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i)
    .join(' ');
}

/**
 * CAMT.053 (BkToCstmrStmt): the booked entries of each statement (Stmt), each statement for
 * its own account, amounts signed by CdtDbtInd; opening (OPBD/PRCD) and closing (CLBD)
 * balances kept and checked.
 */
export function parseCamt053(text: string): ParsedStatement {
  const root = parseXml(text, ['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'Bal']);
  if (!child(root, 'Document.BkToCstmrStmt'))
    throw badFile(null, 'pas d’élément BkToCstmrStmt : ce n’est pas un relevé CAMT.053.');
  const stmts = listOf(child(root, 'Document.BkToCstmrStmt.Stmt'));
  if (stmts.length === 0) throw badFile(null, 'aucun relevé (Stmt) dans le fichier CAMT.053.');
  const starts = elementsAt(text, 'Stmt');
  const entryLines = entriesOf(text, starts, 'Ntry');
  let index = 0;
  const statements = stmts.map((stmt, k): AccountStatement => {
    const line = starts[k]?.line ?? 1;
    const id = textOf(stmt, 'Acct.Id.IBAN') || textOf(stmt, 'Acct.Id.Othr.Id');
    if (!id) throw badFile(line, 'relevé CAMT sans compte (Acct/Id/IBAN).');
    const entries = listOf(child(stmt, 'Ntry'));
    const firstCurrency = entries.length
      ? String((child(entries[0], 'Amt') as Record<string, unknown>)?.['@Ccy'] ?? '')
      : '';
    const currency = (textOf(stmt, 'Acct.Ccy') || firstCurrency || 'EUR').toUpperCase();
    const lines: ParsedLine[] = [];
    entries.forEach((entry, j) => {
      const lineNo = entryLines[k]?.[j] ?? line;
      index++;
      try {
        const status = textOf(entry, 'Sts.Cd') || textOf(entry, 'Sts');
        if (status && status !== 'BOOK') return; // pending or informative entries
        const { amount, currency: ccy } = signedAmount(entry);
        if (ccy && ccy !== currency) throw new Error(`devise ${ccy} dans un relevé en ${currency}`);
        const bookedOn = isoDay(child(entry, 'BookgDt'), 'date de comptabilisation');
        const valueOn = child(entry, 'ValDt')
          ? isoDay(child(entry, 'ValDt'), 'date de valeur')
          : bookedOn;
        const details = findAll(entry, 'TxDtls');
        lines.push({
          bookedOn,
          valueOn,
          amount,
          label: labelOf(entry, !amount.startsWith('-')),
          reference:
            textOf(details[0], 'Refs.EndToEndId').replace(/^NOTPROVIDED$/, '') ||
            textOf(entry, 'NtryRef'),
          bankId: textOf(entry, 'AcctSvcrRef') || textOf(details[0], 'Refs.AcctSvcrRef'),
          line: lineNo,
        });
      } catch (error) {
        throw badFile(lineNo, `écriture n° ${index} : ${(error as Error).message}.`);
      }
    });
    let stated: ReturnType<typeof balances>;
    try {
      stated = balances(stmt);
    } catch (error) {
      throw badFile(line, `${(error as Error).message}.`);
    }
    let periodStart: string | null = null;
    try {
      const from = textOf(stmt, 'FrToDt.FrDtTm');
      if (from) periodStart = isoDateTimeDay(from);
    } catch (error) {
      throw badFile(line, `début de période (FrToDt) ${(error as Error).message}.`);
    }
    const statement = {
      account: camtAccount(id),
      periodStart,
      formerKeys: [camtAccount(id)],
      currency,
      ...stated,
      lines,
      line,
    };
    checkBalances(statement, `relevé ${textOf(stmt, 'Id') || k + 1} du compte ${id}`);
    return statement;
  });
  return { format: 'camt053', statements };
}
