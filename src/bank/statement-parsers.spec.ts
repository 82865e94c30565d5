import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  accountKeyOf,
  cfonbAccount,
  frenchIban,
  isValidIban,
  ofxAccount,
  ribKey,
} from '../../domain/bank/statements/account.js';
import { decodeCfonbAmount, parseCfonb120 } from '../../domain/bank/statements/cfonb120.js';
import { parseCamt053 } from '../../domain/bank/statements/camt053.js';
import { parseStatement } from '../../domain/bank/statements/detect.js';
import { parseOfx, sgmlToXml } from '../../domain/bank/statements/ofx.js';
import type { AccountStatement, ParsedStatement } from '../../domain/bank/statements/statement.js';
import { DomainError } from '../../domain/shared/errors.js';
import { projectRoot } from '../kernel/paths.js';

const fixture = (name: string) =>
  readFileSync(join(projectRoot, 'test/fixtures/bank', name), 'latin1');

/** The file's only statement. */
function only(s: ParsedStatement): AccountStatement {
  expect(s.statements).toHaveLength(1);
  return s.statements[0]!;
}

const IBAN = 'FR7630004001230001234567843';

function refusal(f: () => unknown): DomainError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_file');
    return error as DomainError;
  }
  throw new Error('expected the file to be refused');
}

describe('CFONB 120 amounts', () => {
  it.each([
    ['{', '0'],
    ['A', '1'],
    ['B', '2'],
    ['C', '3'],
    ['D', '4'],
    ['E', '5'],
    ['F', '6'],
    ['G', '7'],
    ['H', '8'],
    ['I', '9'],
  ])('"%s" is a last digit %s, positive (credit)', (letter, digit) => {
    expect(decodeCfonbAmount(`0000000001234${letter}`, 2)).toBe(`123.4${digit}`);
  });

  it.each([
    ['}', '0'],
    ['J', '1'],
    ['K', '2'],
    ['L', '3'],
    ['M', '4'],
    ['N', '5'],
    ['O', '6'],
    ['P', '7'],
    ['Q', '8'],
    ['R', '9'],
  ])('"%s" is a last digit %s, negative (debit)', (letter, digit) => {
    expect(decodeCfonbAmount(`0000000001234${letter}`, 2)).toBe(`-123.4${digit}`);
  });

  it('honours the number of decimals and refuses other characters', () => {
    expect(decodeCfonbAmount('0000000001234{', 3)).toBe('12.34');
    expect(() => decodeCfonbAmount('0000000001234E', 3)).toThrow(/fraction de centime/);
    expect(decodeCfonbAmount('0000000001234E', 0)).toBe('12345.00');
    expect(() => decodeCfonbAmount('0000000001234S', 2)).toThrow(/invalide/);
    expect(() => decodeCfonbAmount('00000000012 4E', 2)).toThrow(/invalide/);
  });

  it('reads a file without line breaks holding every sign letter, balances checked', () => {
    const s = only(parseCfonb120(fixture('releve-cfonb120-signes.txt')));
    expect(s.lines).toHaveLength(20);
    const amounts = s.lines.map((l) => l.amount);
    for (let d = 0; d <= 9; d++) {
      expect(amounts).toContain(`10.0${d}`);
      expect(amounts).toContain(`-10.0${d}`);
    }
  });
});

describe('CFONB 120 statement', () => {
  it('reads movements, value dates, complements and references', () => {
    const file = parseStatement(fixture('releve-cfonb120.txt'));
    expect(file.format).toBe('cfonb120');
    const s = only(file);
    expect(s.account).toBe(IBAN);
    expect(s).toMatchObject({
      currency: 'EUR',
      opening: { on: '2026-10-30', amount: '1000.00' },
      closing: { on: '2026-11-10', amount: '1383.87' },
    });
    expect(s.lines).toHaveLength(6);
    expect(s.lines[1]).toMatchObject({
      bookedOn: '2026-11-05',
      valueOn: '2026-11-03',
      amount: '149.55',
      label: 'REMISE CB 031126 TPE 1234567 COMMISSION CB DEDUITE 0,45 EUR',
      reference: 'CB031126',
      bankId: '0001002',
      line: 3,
    });
    expect(s.lines.map((l) => l.amount)).toEqual([
      '80.00',
      '149.55',
      '123.45',
      '-12.34',
      '98.76',
      '-55.55',
    ]);
  });

  it('names the line of a short record, an unknown code, a bad date, a wrong closing balance', () => {
    const good = fixture('releve-cfonb120.txt').split('\r\n');
    const withLine = (i: number, rec: string) =>
      good.map((l, k) => (k === i ? rec : l)).join('\r\n');
    expect(refusal(() => parseCfonb120(withLine(2, good[2]!.slice(0, 100)))).message).toBe(
      'Relevé illisible, ligne 3 : un enregistrement CFONB fait 120 caractères, celui-ci en a 100.',
    );
    expect(refusal(() => parseCfonb120(withLine(1, `09${good[1]!.slice(2)}`))).message).toMatch(
      /ligne 2 : code d’enregistrement "09" inconnu/,
    );
    const badDate = `${good[1]!.slice(0, 34)}311326${good[1]!.slice(40)}`;
    expect(refusal(() => parseCfonb120(withLine(1, badDate))).message).toMatch(
      /ligne 2 : date "311326" invalide/,
    );
    const badAmount = `${good[1]!.slice(0, 103)}X${good[1]!.slice(104)}`;
    expect(refusal(() => parseCfonb120(withLine(1, badAmount))).message).toMatch(
      /ligne 2 : montant .* invalide/,
    );
    const last = good.length - 2;
    const wrongClosing = `${good[last]!.slice(0, 90)}0000000099999{${good[last]!.slice(104)}`;
    expect(refusal(() => parseCfonb120(withLine(last, wrongClosing))).message).toMatch(
      new RegExp(`ligne ${last + 1} : le nouveau solde`),
    );
  });
});

describe('OFX', () => {
  it('reads OFX 1.x SGML (unclosed leaves, comma decimals, a bare &)', () => {
    const file = parseStatement(fixture('releve-ofx1.ofx'));
    expect(file.format).toBe('ofx');
    const s = only(file);
    expect(s.account).toBe(IBAN);
    expect(s.closing).toEqual({ on: '2026-11-10', amount: '1162.66' });
    expect(s.lines.map((l) => [l.bookedOn, l.amount, l.bankId])).toEqual([
      ['2026-11-04', '80.00', 'OFX20261104001'],
      ['2026-11-05', '149.55', 'OFX20261105001'],
      ['2026-11-06', '-12.34', 'OFX20261106002'],
      ['2026-11-10', '-55.55', 'OFX20261109001'],
    ]);
    expect(s.lines[1]).toMatchObject({
      valueOn: '2026-11-03',
      label: 'REMISE CB 031126 TPE 1234567 COMMISSION CB DEDUITE 0,45 EUR',
    });
    expect(s.lines[2]!.label).toBe('FRAIS TENUE DE COMPTE &');
    expect(s.lines[3]!.reference).toBe('0002468');
  });

  it('reads OFX 2.x XML', () => {
    const s = only(parseOfx(fixture('releve-ofx2.ofx')));
    expect(s.lines.map((l) => [l.bookedOn, l.amount, l.label])).toEqual([
      ['2026-11-06', '123.45', 'REMISE CB 041126 TPE 1234567'],
      ['2026-11-09', '98.76', 'VIR SEPA ASSOCIATION DES AMIS Facture F2026-000007 & solde'],
    ]);
  });

  it('closes SGML leaves and leaves aggregates open', () => {
    expect(sgmlToXml('<A><B>1\n<C>x</C></A>')).toBe('<A><B>1</B>\n<C>x</C></A>');
  });

  it('names the transaction and its line when an amount or a date is wrong', () => {
    const text = fixture('releve-ofx1.ofx').replace('<TRNAMT>-12.34', '<TRNAMT>douze');
    expect(refusal(() => parseOfx(text)).message).toBe(
      'Relevé illisible, ligne 58 : opération OFX n° 3 : montant "douze" invalide.',
    );
    const date = fixture('releve-ofx2.ofx').replace('<DTPOSTED>20261109', '<DTPOSTED>20261309');
    expect(refusal(() => parseOfx(date)).message).toMatch(/ligne 33 : opération OFX n° 2 : date/);
    expect(refusal(() => parseOfx('<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>')).message).toMatch(
      /aucun relevé bancaire/,
    );
  });
});

describe('CAMT.053', () => {
  it('reads booked entries, signs debits, skips pending ones', () => {
    const s = only(parseCamt053(fixture('releve-camt053.xml')));
    expect(s.account).toBe(IBAN);
    expect(s.opening).toEqual({ on: '2026-10-31', amount: '1000.00' });
    expect(s.lines.map((l) => [l.bookedOn, l.valueOn, l.amount, l.bankId])).toEqual([
      ['2026-11-04', '2026-11-05', '80.00', '20261104-REM-000001'],
      ['2026-11-05', '2026-11-05', '149.55', '20261105-CB-031126'],
      ['2026-11-06', '2026-11-06', '-12.34', '20261106-FRAIS'],
    ]);
    expect(s.lines[1]!.label).toBe('REMISE CB 031126 TPE 1234567 COMMISSION CB DEDUITE 0,45 EUR');
    expect(s.lines[0]!.reference).toBe('1');
  });

  it('names the line of malformed XML and of a bad entry', () => {
    const broken = fixture('releve-camt053.xml').replace('</AcctSvcrRef>', '</AcctSvcrRf>');
    expect(refusal(() => parseStatement(broken)).message).toMatch(
      /^Relevé illisible, ligne 29 : XML mal formé/,
    );
    const sign = fixture('releve-camt053.xml').replace('<CdtDbtInd>DBIT', '<CdtDbtInd>DEBIT');
    expect(refusal(() => parseStatement(sign)).message).toBe(
      'Relevé illisible, ligne 49 : écriture n° 3 : sens "DEBIT" invalide (CRDT ou DBIT attendu).',
    );
  });
});

describe('format detection', () => {
  it('refuses an empty or unknown file in French', () => {
    expect(refusal(() => parseStatement('')).message).toBe(
      'Relevé illisible : le fichier est vide.',
    );
    expect(refusal(() => parseStatement('date;montant\n')).message).toMatch(/format non reconnu/);
  });
});

describe('statements as banks write them (issue 22, 7–13)', () => {
  const SAVINGS = 'FR7630004001230009876543253';

  it('reads every transaction list of an OFX file, each for its account (bank and card)', () => {
    const s = parseStatement(fixture('releve-ofx1-plusieurs-comptes.ofx'));
    expect(s.statements.map((a) => [a.account, a.lines.length])).toEqual([
      [IBAN, 2], // ACCTID with its RIB key
      [SAVINGS, 1],
      ['4970XXXXXXXX1234', 1], // a card account (CCSTMTRS) has no bank code
    ]);
    expect(s.statements.map((a) => a.lines.map((l) => [l.bookedOn, l.amount, l.label]))).toEqual([
      [
        ['2026-11-09', '80.00', 'REMISE CHEQUES BORDEREAU 1'],
        ['2026-11-07', '-4.50', 'COTIS CARTE AFFAIRES'],
      ],
      [['2026-11-05', '500.00', 'VIR INTERNE DEPUIS CPT COURANT']],
      [['2026-11-07', '-23.90', 'OVH SAS ROUBAIX']],
    ]);
    expect(s.statements.map((a) => a.periodStart)).toEqual([
      '2026-11-07',
      '2026-11-01',
      '2026-11-01',
    ]);
    // An empty <BALAMT> states no balance; a filled LEDGERBAL is kept.
    expect(s.statements.map((a) => a.closing)).toEqual([
      { on: '2026-11-10', amount: '1192.80' },
      null,
      { on: '2026-11-10', amount: '-23.90' },
    ]);
  });

  it('accepts empty OFX 1.x elements and names the right line of an error', () => {
    const text = fixture('releve-ofx1-plusieurs-comptes.ofx');
    expect(
      refusal(() => parseOfx(text.replace('<TRNAMT>500,00', '<TRNAMT>cinq cents'))).message,
    ).toBe('Relevé illisible, ligne 86 : opération OFX n° 3 : montant "cinq cents" invalide.');
    expect(
      refusal(() =>
        parseOfx(text.replace('<DTPOSTED>20261107\r\n<TRNAMT>-23', '<DTPOSTED>\r\n<TRNAMT>-23')),
      ).message,
    ).toBe(
      'Relevé illisible, ligne 117 : opération OFX n° 4 : date "" invalide (AAAAMMJJ attendu).',
    );
    expect(refusal(() => parseOfx(text.replace('</BANKTRANLIST>', '</BANKTRANLST>'))).message).toBe(
      'Relevé illisible, ligne 58 : </BANKTRANLST> ferme un élément qui n’est pas ouvert.',
    );
  });

  it('refuses a truncated OFX or XML file naming its last line, not line 1', () => {
    const ofx = fixture('releve-ofx1-plusieurs-comptes.ofx')
      .split('\r\n')
      .slice(0, 50)
      .join('\r\n');
    expect(refusal(() => parseStatement(ofx)).message).toMatch(
      /^Relevé illisible, ligne 50 : le fichier s’arrête avant la fin \(éléments non fermés : <OFX>, <BANKMSGSRSV1>, <STMTTRNRS>, <STMTRS>, <BANKTRANLIST>, <STMTTRN>\)/,
    );
    const camt = fixture('releve-camt053-utc.xml').split('\n').slice(0, 70).join('\n');
    expect(refusal(() => parseStatement(camt)).message).toMatch(
      /^Relevé illisible, ligne 70 : le fichier s’arrête avant la fin \(éléments non fermés : <Document>, <BkToCstmrStmt>, <Stmt>, <Ntry>/,
    );
    const ofx2 = fixture('releve-ofx2.ofx').split('\n').slice(0, 30).join('\n');
    expect(refusal(() => parseStatement(ofx2)).message).toMatch(/^Relevé illisible, ligne 30 : /);
  });

  it('takes the Paris day of CAMT date-times given in UTC', () => {
    const [current] = parseCamt053(fixture('releve-camt053-utc.xml')).statements;
    expect(current!.periodStart).toBe('2026-11-04'); // FrDtTm 2026-11-03T23:00:00Z
    expect(current!.lines.map((l) => [l.bookedOn, l.valueOn])).toEqual([
      ['2026-11-05', '2026-11-05'], // 2026-11-04T23:00:00Z is midnight in Paris
      ['2026-11-06', '2026-11-06'], // 23:30 UTC
      ['2026-11-06', '2026-11-06'],
    ]);
  });

  it('accepts decimals beyond the cent when they are zeros, refuses a real fraction of a cent', () => {
    const s = parseCamt053(fixture('releve-camt053-utc.xml'));
    expect(s.statements.map((a) => a.lines.map((l) => l.amount))).toEqual([
      ['8.85', '123.45', '-15.00'],
      ['500.00'],
    ]);
    expect(s.statements[0]!.closing).toEqual({ on: '2026-11-06', amount: '1117.30' });
    const subCent = fixture('releve-camt053-utc.xml').replace(/8\.850/g, '8.855');
    expect(refusal(() => parseCamt053(subCent)).message).toBe(
      'Relevé illisible, ligne 40 : écriture n° 1 : montant "8.855" : une fraction de centime ne peut pas être comptabilisée (au plus deux décimales non nulles).',
    );
    const ofx = fixture('releve-ofx1-plusieurs-comptes.ofx').replace('-4.5000', '-4.5001');
    expect(refusal(() => parseOfx(ofx)).message).toMatch(
      /^Relevé illisible, ligne 49 : .*fraction de centime/,
    );
  });

  it('labels a CAMT entry from its remittance details and counterparty when it has no text', () => {
    const [current] = parseCamt053(fixture('releve-camt053-utc.xml')).statements;
    expect(current!.lines.map((l) => [l.label, l.reference])).toEqual([
      ['ASSOCIATION LES AMIS F2026-000007 COTISATION', ''],
      ['RF18539007547034 REMISE CB 041126 TPE 1234567', ''],
      ['GANDI SAS NOM DE DOMAINE OUVATON.COOP', 'GANDI-FAC-88231'],
    ]);
  });

  it('keeps CAMT opening and closing balances and refuses a statement that does not add up', () => {
    const s = parseCamt053(fixture('releve-camt053-utc.xml'));
    expect(s.statements.map((a) => [a.opening, a.closing])).toEqual([
      [
        { on: '2026-11-03', amount: '1000.00' },
        { on: '2026-11-06', amount: '1117.30' },
      ],
      [
        { on: '2026-11-03', amount: '2500.00' },
        { on: '2026-11-06', amount: '3000.00' },
      ],
    ]);
    const wrong = fixture('releve-camt053-utc.xml').replace('1117.30000', '1117.40');
    expect(refusal(() => parseCamt053(wrong)).message).toBe(
      'Relevé illisible, ligne 9 : relevé 0352C5320001 du compte FR7630004001230001234567843 : le solde d’ouverture (1000.00) plus les mouvements (117.30) donnent 1117.30, pas le solde de clôture annoncé (1117.40).',
    );
  });

  it('reads each account of a CFONB file as its own statement', () => {
    const s = parseStatement(fixture('releve-cfonb120-comptes.txt'));
    expect(
      s.statements.map((a) => [a.account, a.formerKeys, a.lines.map((l) => l.amount)]),
    ).toEqual([
      [IBAN, ['300040012300012345678'], ['8.85', '123.45', '-15.00']],
      [SAVINGS, ['300040012300098765432'], ['500.00']],
    ]);
    expect(s.statements[0]!.lines[0]!.label).toBe(
      'VIR SEPA ASSOCIATION LES AMIS F2026-000007 COTISATION',
    );
  });

  it('gives the currency an OFX statement is in', () => {
    expect(only(parseStatement(fixture('releve-ofx2-usd.ofx')))).toMatchObject({
      account: '4820017754',
      currency: 'USD',
      lines: [{ bookedOn: '2026-11-05', amount: '-49.95' }], // 20:00 in New York is 02:00 in Paris
    });
  });
});

describe('account keys', () => {
  it('turns a French RIB into its IBAN, whichever format gives it', () => {
    expect(ribKey('20041', '01005', '0500013M026')).toBe('06');
    expect(frenchIban('20041', '01005', '0500013M026')).toBe('FR1420041010050500013M02606');
    expect(cfonbAccount('30004', '00123', '00012345678')).toBe(IBAN);
    expect(ofxAccount('30004', '00123', '00012345678')).toBe(IBAN);
    expect(ofxAccount('30004', '00123', '0001234567843')).toBe(IBAN);
    expect(ofxAccount('', '', 'FR76 3000 4001 2300 0123 4567 843')).toBe(IBAN);
    expect(accountKeyOf('FR76 3000 4001 2300 0123 4567 843')).toBe(IBAN);
    expect(accountKeyOf('30004 00123 00012345678 43')).toBe(IBAN);
    expect(() => accountKeyOf('30004 00123 00012345678 44')).toThrow(/RIB/);
    expect(() => accountKeyOf('FR77 3000 4001 2300 0123 4567 843')).toThrow(/IBAN/);
  });

  it('makes a valid IBAN of any French RIB', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{5}$/),
        fc.stringMatching(/^\d{5}$/),
        fc.stringMatching(/^[0-9A-Z]{11}$/),
        (bank, branch, account) => {
          const iban = frenchIban(bank, branch, account)!;
          expect(isValidIban(iban)).toBe(true);
          expect(iban.slice(4, 25)).toBe(`${bank}${branch}${account}`);
        },
      ),
    );
  });
});

describe('truncated files', () => {
  const cut = (text: string, at: number) => text.slice(0, at);

  it.each([
    'releve-ofx1.ofx',
    'releve-ofx2.ofx',
    'releve-ofx1-plusieurs-comptes.ofx',
    'releve-camt053.xml',
    'releve-camt053-utc.xml',
  ])('%s cut anywhere is refused whole', (name) => {
    const text = fixture(name).trimEnd();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length - 1 }), (at) => {
        expect(() => parseStatement(cut(text, at))).toThrow(DomainError);
      }),
      { numRuns: 200 },
    );
  });

  it('a CFONB file cut anywhere but after a new balance (07) is refused whole', () => {
    const text = fixture('releve-cfonb120-comptes.txt');
    const ends = [...text.matchAll(/^07.{118}\r\n/gm)].map((m) => m.index! + m[0].length);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length - 1 }), (at) => {
        fc.pre(!ends.some((e) => at >= e - 2 && at <= e));
        expect(() => parseStatement(cut(text, at))).toThrow(DomainError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('garbled files', () => {
  it('refuses a broken XML declaration the validator lets through', () => {
    const text = fixture('releve-ofx2.ofx').replace('version="1.0"', 'version=<1.0"');
    expect(refusal(() => parseStatement(text)).message).toMatch(
      /^Relevé illisible : XML mal formé \(/,
    );
  });

  it.each([
    'releve-ofx1.ofx',
    'releve-ofx2.ofx',
    'releve-ofx1-plusieurs-comptes.ofx',
    'releve-camt053.xml',
    'releve-camt053-utc.xml',
    'releve-cfonb120.txt',
    'releve-cfonb120-comptes.txt',
  ])('%s with characters changed is read or refused in French, never crashes', (name) => {
    const text = fixture(name);
    const edit = fc.record({
      at: fc.integer({ min: 0, max: text.length - 1 }),
      by: fc.constantFrom('<', '>', '/', '&', 'x', '9', '-', '.', ',', '\n', ' ', ''),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const garbled = edits.reduce((t, e) => t.slice(0, e.at) + e.by + t.slice(e.at + 1), text);
        try {
          parseStatement(garbled);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).message).toMatch(/^Relevé (illisible|refusé)/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
