import { isDay } from '../../shared/day.js';
import { Money } from '../../shared/money.js';
import { badFile, type ParsedLine, type ParsedStatement } from './statement.js';
import { child, lineOfElement, listOf, parseXml, textOf } from './xml.js';

/** ISO 20022 dates: `<Dt>YYYY-MM-DD</Dt>` or `<DtTm>YYYY-MM-DDThh:mm:ss…</DtTm>`. */
function isoDay(node: unknown, what: string): string {
  const v = textOf(node, 'Dt') || textOf(node, 'DtTm').slice(0, 10);
  if (!isDay(v)) throw new Error(`${what} "${v}" invalide (AAAA-MM-JJ attendu)`);
  return v;
}

/** CAMT.053 (BkToCstmrStmt): booked entries of each statement, amounts signed by CdtDbtInd. */
export function parseCamt053(text: string): ParsedStatement {
  const root = parseXml(text, ['Stmt', 'Ntry', 'TxDtls', 'Ustrd']);
  const statements = listOf(child(root, 'Document.BkToCstmrStmt.Stmt'));
  if (!child(root, 'Document.BkToCstmrStmt'))
    throw badFile(null, 'pas d’élément BkToCstmrStmt : ce n’est pas un relevé CAMT.053.');
  let account = '';
  const lines: ParsedLine[] = [];
  let index = 0;
  for (const stmt of statements) {
    const acct = textOf(stmt, 'Acct.Id.IBAN') || textOf(stmt, 'Acct.Id.Othr.Id');
    if (!acct) throw badFile(null, 'relevé CAMT sans compte (Acct/Id/IBAN).');
    if (account && acct !== account)
      throw badFile(null, `le fichier mélange deux comptes (${account} et ${acct}).`);
    account = acct;
    for (const entry of listOf(child(stmt, 'Ntry'))) {
      const lineNo = lineOfElement(text, 'Ntry', index);
      index++;
      try {
        const status = textOf(entry, 'Sts.Cd') || textOf(entry, 'Sts');
        if (status && status !== 'BOOK') continue; // pending or informative entries
        const raw = textOf(entry, 'Amt');
        if (!/^\d+(\.\d{1,2})?$/.test(raw)) throw new Error(`montant "${raw}" invalide`);
        const currency = String(
          (child(entry, 'Amt') as Record<string, unknown>)?.['@Ccy'] ?? 'EUR',
        );
        if (currency !== 'EUR') throw new Error(`devise ${currency} (seul l’euro est accepté)`);
        const indicator = textOf(entry, 'CdtDbtInd');
        if (indicator !== 'CRDT' && indicator !== 'DBIT')
          throw new Error(`sens "${indicator}" invalide (CRDT ou DBIT attendu)`);
        const amount = Money.of(raw);
        const bookedOn = isoDay(child(entry, 'BookgDt'), 'date de comptabilisation');
        const valueOn = child(entry, 'ValDt')
          ? isoDay(child(entry, 'ValDt'), 'date de valeur')
          : bookedOn;
        const details = listOf(child(entry, 'NtryDtls.TxDtls'));
        const unstructured = details.flatMap((d) => listOf(child(d, 'RmtInf.Ustrd')).map(String));
        const label = [textOf(entry, 'AddtlNtryInf'), ...unstructured]
          .map((s) => s.trim())
          .filter((s, i, all) => s !== '' && all.indexOf(s) === i)
          .join(' ');
        lines.push({
          bookedOn,
          valueOn,
          amount: (indicator === 'DBIT' ? amount.negate() : amount).toString(),
          label,
          reference:
            textOf(details[0], 'Refs.EndToEndId').replace(/^NOTPROVIDED$/, '') ||
            textOf(entry, 'NtryRef'),
          bankId: textOf(entry, 'AcctSvcrRef') || textOf(details[0], 'Refs.AcctSvcrRef'),
          line: lineNo,
        });
      } catch (error) {
        throw badFile(lineNo, `écriture n° ${index} : ${(error as Error).message}.`);
      }
    }
  }
  if (!account) throw badFile(null, 'aucun relevé (Stmt) dans le fichier CAMT.053.');
  return { format: 'camt053', account, lines };
}
