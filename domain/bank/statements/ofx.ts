import { isDay, parisDayOf } from '../../shared/day.js';
import { Dec } from '../../shared/money.js';
import { ofxAccount } from './account.js';
import {
  badFile,
  centsAmount,
  lineAt,
  type AccountStatement,
  type ParsedLine,
  type ParsedStatement,
  type StatementBalance,
} from './statement.js';
import { child, findAll, parseXml, textOf } from './xml.js';
import { elementsAt, entriesOf } from './positions.js';

const escapeXml = (s: string) => s.replace(/&(?!(amp|lt|gt|quot|apos|#\d+);)/g, '&amp;');

/**
 * OFX 1.x is SGML: leaf elements are not closed (`<TRNAMT>-12.50`), and a leaf may be empty
 * (`<MEMO>` and nothing). This closes them so the body becomes XML. An element is an aggregate
 * only if its end tag comes later; one with text and no end tag right after is a leaf; an empty
 * one left open when its parent ends is an empty leaf. Line breaks are kept, so the XML's line
 * numbers are the file's.
 */
export function sgmlToXml(body: string, firstLine = 1): string {
  const tokens = [...body.matchAll(/<(\/?)([A-Za-z0-9._]+)>([^<]*)/g)];
  const lead = body.slice(0, tokens[0]?.index ?? body.length).replace(/[^\n]/g, '');
  const pieces: string[] = [];
  const open: { name: string; piece: number; empty: boolean }[] = [];
  tokens.forEach((t, i) => {
    const [, slash, name, raw] = t as unknown as [string, string, string, string];
    const value = raw.trim();
    const breaks = raw.replace(/[^\n]/g, '');
    if (slash) {
      const at = open.map((e) => e.name).lastIndexOf(name);
      if (at < 0)
        throw badFile(
          firstLine - 1 + lineAt(body, t.index),
          `</${name}> ferme un élément qui n’est pas ouvert.`,
        );
      for (const e of open.splice(at + 1)) {
        if (!e.empty)
          throw badFile(
            firstLine - 1 + lineAt(body, t.index),
            `</${name}> arrive alors que <${e.name}> n’est pas fermé.`,
          );
        pieces[e.piece] = `<${e.name}/>${pieces[e.piece]!.slice(e.name.length + 2)}`;
      }
      open.pop();
      pieces.push(`</${name}>${breaks}`);
      return;
    }
    const next = tokens[i + 1];
    const closedNext = next !== undefined && next[1] === '/' && next[2] === name;
    if (value !== '' && !closedNext) {
      pieces.push(`<${name}>${escapeXml(value)}</${name}>${breaks}`);
      return;
    }
    // An aggregate, an XML-style leaf closed right after, or an empty leaf (decided at its end).
    open.push({ name, piece: pieces.length, empty: value === '' });
    pieces.push(`<${name}>${escapeXml(value)}${breaks}`);
  });
  if (open.length > 0) {
    const last = firstLine - 1 + body.replace(/\s+$/, '').split('\n').length;
    throw badFile(
      last,
      `le fichier s’arrête avant la fin (éléments non fermés : ${open.map((e) => `<${e.name}>`).join(', ')}) ; fichier tronqué ?`,
    );
  }
  return lead + pieces.join('');
}

/**
 * OFX dates: YYYYMMDD[HHMMSS[.XXX]][[+-]TZ[:name]]. With a time and a zone, the instant is
 * taken to its Paris day (card matching and the books use the Paris day); without a zone the
 * day written is the bank's own.
 */
export function ofxDay(v: string): string {
  const m =
    /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?(?:\.\d{1,3})?)?\s*(?:\[([+-]?\d{1,2}(?:\.\d{1,2})?)(?::[^\]]*)?\])?$/.exec(
      v,
    );
  const day = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  if (!m || !isDay(day)) throw new Error(`date "${v}" invalide (AAAAMMJJ attendu)`);
  if (m[4] === undefined || m[7] === undefined) return day;
  const offsetMinutes = Math.round(Number(m[7]) * 60);
  const utc =
    Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4], +m[5]!, +(m[6] ?? 0)) - offsetMinutes * 60_000;
  return parisDayOf(new Date(utc));
}

/** OFX amounts: "-12.50", "+12,50", "12", "8.850" (zero decimals beyond the cent are notation). */
export function ofxAmount(v: string): string {
  const s = v.trim().replace(',', '.').replace(/^\+/, '');
  if (!/^-?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})$/.test(s)) throw new Error(`montant "${v}" invalide`);
  return centsAmount(new Dec(s.replace(/\.$/, '').replace(/^(-?)\./, '$10.')), v);
}

function balanceOf(node: unknown, what: string): StatementBalance | null {
  const amount = textOf(node, 'BALAMT');
  if (amount === '') return null; // an empty <BALAMT>: the bank states no balance
  try {
    return { on: ofxDay(textOf(node, 'DTASOF')), amount: ofxAmount(amount) };
  } catch (error) {
    throw new Error(`${what} : ${(error as Error).message}`, { cause: error });
  }
}

const STATEMENT_TAGS = ['STMTRS', 'CCSTMTRS'] as const;

/**
 * OFX 1.x (SGML, with its "OFXHEADER:100" header) or 2.x (XML): every bank (STMTRS) and card
 * (CCSTMTRS) statement of the file, wherever the bank put them (several STMTTRNRS, several
 * message sets, several transaction lists), each for its own account.
 */
export function parseOfx(text: string): ParsedStatement {
  const start = text.search(/<OFX>/);
  if (start < 0) throw badFile(null, 'pas d’élément <OFX> : ce n’est pas un fichier OFX.');
  const isXml = /^\s*(\uFEFF)?<\?xml/.test(text);
  const xml = isXml
    ? text
    : text.slice(0, start).replace(/[^\n]/g, '') +
      sgmlToXml(text.slice(start), lineAt(text, start));
  const root = parseXml(xml, ['STMTTRNRS', 'STMTRS', 'CCSTMTRS', 'BANKTRANLIST', 'STMTTRN']);
  const found = STATEMENT_TAGS.flatMap((tag) => {
    const nodes = findAll(child(root, 'OFX'), tag);
    const at = elementsAt(text, tag);
    return nodes.map((node, i) => ({ tag, node, at: at[i] ?? { offset: 0, line: 1 } }));
  }).sort((a, b) => a.at.offset - b.at.offset);
  if (found.length === 0)
    throw badFile(
      null,
      'aucun relevé bancaire (BANKMSGSRSV1/STMTTRNRS/STMTRS) ni de carte (CCSTMTRS) dans le fichier OFX.',
    );
  const entries = entriesOf(
    text,
    found.map((f) => f.at),
    'STMTTRN',
  );
  let index = 0;
  const statements = found.map(({ tag, node, at }, k): AccountStatement => {
    const line = at.line;
    const from = tag === 'STMTRS' ? child(node, 'BANKACCTFROM') : child(node, 'CCACCTFROM');
    const acctId = textOf(from, 'ACCTID');
    if (!acctId)
      throw badFile(
        line,
        `relevé OFX sans numéro de compte (${tag === 'STMTRS' ? 'BANKACCTFROM' : 'CCACCTFROM'}/ACCTID).`,
      );
    const trns = findAll(node, 'STMTTRN');
    const lines = trns.map((trn, j): ParsedLine => {
      const lineNo = entries[k]![j] ?? line;
      index++;
      try {
        const posted = ofxDay(textOf(trn, 'DTPOSTED'));
        const user = textOf(trn, 'DTUSER');
        const avail = textOf(trn, 'DTAVAIL');
        const name = textOf(trn, 'NAME') || textOf(trn, 'PAYEE.NAME');
        const memo = textOf(trn, 'MEMO');
        const amount = textOf(trn, 'TRNAMT');
        if (amount === '') throw new Error('montant (TRNAMT) manquant');
        return {
          bookedOn: posted,
          valueOn: avail ? ofxDay(avail) : user ? ofxDay(user) : posted,
          amount: ofxAmount(amount),
          label: [name, memo].filter((s) => s !== '').join(' '),
          reference: textOf(trn, 'CHECKNUM') || textOf(trn, 'REFNUM'),
          bankId: textOf(trn, 'FITID'),
          line: lineNo,
        };
      } catch (error) {
        throw badFile(lineNo, `opération OFX n° ${index} : ${(error as Error).message}.`);
      }
    });
    let closing: StatementBalance | null;
    let periodStart: string | null;
    try {
      closing = balanceOf(child(node, 'LEDGERBAL'), 'solde (LEDGERBAL)');
      const starts = findAll(node, 'DTSTART').filter((v): v is string => typeof v === 'string');
      periodStart = starts.length
        ? starts.map((v) => ofxDay(v.trim())).reduce((a, b) => (b < a ? b : a))
        : null;
    } catch (error) {
      throw badFile(line, `${(error as Error).message}.`);
    }
    return {
      account: ofxAccount(textOf(from, 'BANKID'), textOf(from, 'BRANCHID'), acctId),
      formerKeys: [acctId.replace(/\s+/g, '').toUpperCase()],
      currency: textOf(node, 'CURDEF').toUpperCase() || 'EUR',
      // OFX states no opening balance: the closing one (LEDGERBAL) is kept.
      opening: null,
      closing,
      periodStart,
      lines,
      line,
    };
  });
  const total = statements.reduce((n, s) => n + s.lines.length, 0);
  const written = elementsAt(text, 'STMTTRN');
  if (total !== written.length)
    throw badFile(
      written[total]?.line ?? null,
      `${written.length} opérations (STMTTRN) dans le fichier, ${total} dans un relevé : une opération hors de tout relevé ne peut pas être importée.`,
    );
  return { format: 'ofx', statements };
}
