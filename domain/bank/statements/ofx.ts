import { isDay } from '../../shared/day.js';
import { Money } from '../../shared/money.js';
import { badFile, type ParsedLine, type ParsedStatement } from './statement.js';
import { child, lineOfElement, listOf, parseXml, textOf } from './xml.js';

const escapeXml = (s: string) => s.replace(/&(?!(amp|lt|gt|quot|apos|#\d+);)/g, '&amp;');

/**
 * OFX 1.x is SGML: leaf elements are not closed (`<TRNAMT>-12.50`). This closes them so the
 * body becomes XML: an element followed by text and not closed right after is a leaf.
 */
export function sgmlToXml(body: string): string {
  const tokens = [...body.matchAll(/<(\/?)([A-Za-z0-9._]+)>([^<]*)/g)];
  let out = '';
  tokens.forEach((t, i) => {
    const [, slash, name, raw] = t;
    const value = raw!.trim();
    if (slash) {
      out += `</${name}>`;
      return;
    }
    const next = tokens[i + 1];
    const closedNext = next !== undefined && next[1] === '/' && next[2] === name;
    if (value !== '' && !closedNext) out += `<${name}>${escapeXml(value)}</${name}>`;
    else out += `<${name}>${escapeXml(value)}`;
  });
  return out;
}

/** OFX dates: YYYYMMDD[HHMMSS[.XXX]][[+-]TZ:name]; the day part is the bank's day. */
function ofxDay(v: string): string {
  const day = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  if (!/^\d{8}/.test(v) || !isDay(day)) throw new Error(`date "${v}" invalide (AAAAMMJJ attendu)`);
  return day;
}

/** OFX amounts: "-12.50", "+12,50", "12". */
function ofxAmount(v: string): string {
  const s = v.replace(',', '.').replace(/^\+/, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) throw new Error(`montant "${v}" invalide`);
  return Money.of(s).toString();
}

/** OFX 1.x (SGML, with its "OFXHEADER:100" header) or 2.x (XML): bank statement transactions. */
export function parseOfx(text: string): ParsedStatement {
  const start = text.search(/<OFX>/i);
  if (start < 0) throw badFile(null, 'pas d’élément <OFX> : ce n’est pas un fichier OFX.');
  const isXml = /^\s*(\uFEFF)?<\?xml/.test(text);
  const xml = isXml ? text : sgmlToXml(text.slice(start));
  const root = parseXml(xml, ['STMTTRNRS', 'STMTTRN']);
  const responses = listOf(child(root, 'OFX.BANKMSGSRSV1.STMTTRNRS'));
  if (responses.length === 0)
    throw badFile(null, 'aucun relevé bancaire (BANKMSGSRSV1/STMTTRNRS) dans le fichier OFX.');
  let account = '';
  const lines: ParsedLine[] = [];
  let index = 0;
  for (const rs of responses) {
    const stmt = child(rs, 'STMTRS');
    const acct = textOf(stmt, 'BANKACCTFROM.ACCTID');
    if (!acct) throw badFile(null, 'relevé OFX sans numéro de compte (BANKACCTFROM/ACCTID).');
    if (account && acct !== account)
      throw badFile(null, `le fichier mélange deux comptes (${account} et ${acct}).`);
    account = acct;
    for (const trn of listOf(child(stmt, 'BANKTRANLIST.STMTTRN'))) {
      const lineNo = lineOfElement(text, 'STMTTRN', index);
      index++;
      try {
        const posted = ofxDay(textOf(trn, 'DTPOSTED'));
        const user = textOf(trn, 'DTUSER');
        const name = textOf(trn, 'NAME');
        const memo = textOf(trn, 'MEMO');
        lines.push({
          bookedOn: posted,
          valueOn: textOf(trn, 'DTAVAIL')
            ? ofxDay(textOf(trn, 'DTAVAIL'))
            : user
              ? ofxDay(user)
              : posted,
          amount: ofxAmount(textOf(trn, 'TRNAMT')),
          label: [name, memo].filter((s) => s !== '').join(' '),
          reference: textOf(trn, 'CHECKNUM') || textOf(trn, 'REFNUM'),
          bankId: textOf(trn, 'FITID'),
          line: lineNo,
        });
      } catch (error) {
        throw badFile(lineNo, `opération OFX n° ${index} : ${(error as Error).message}.`);
      }
    }
  }
  return { format: 'ofx', account, lines };
}
