import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { decodeCfonbAmount, parseCfonb120 } from '../../domain/bank/statements/cfonb120.js';
import { parseCamt053 } from '../../domain/bank/statements/camt053.js';
import { parseStatement } from '../../domain/bank/statements/detect.js';
import { parseOfx, sgmlToXml } from '../../domain/bank/statements/ofx.js';
import { DomainError } from '../../domain/shared/errors.js';
import { projectRoot } from '../kernel/paths.js';

const fixture = (name: string) =>
  readFileSync(join(projectRoot, 'test/fixtures/bank', name), 'latin1');

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
    expect(decodeCfonbAmount('0000000001234E', 3)).toBe('12.35');
    expect(decodeCfonbAmount('0000000001234E', 0)).toBe('12345.00');
    expect(() => decodeCfonbAmount('0000000001234S', 2)).toThrow(/invalide/);
    expect(() => decodeCfonbAmount('00000000012 4E', 2)).toThrow(/invalide/);
  });

  it('reads a file without line breaks holding every sign letter, balances checked', () => {
    const s = parseCfonb120(fixture('releve-cfonb120-signes.txt'));
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
    const s = parseStatement(fixture('releve-cfonb120.txt'));
    expect(s.format).toBe('cfonb120');
    expect(s.account).toBe('30004 00123 00012345678');
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
    const s = parseStatement(fixture('releve-ofx1.ofx'));
    expect(s.format).toBe('ofx');
    expect(s.account).toBe('00012345678');
    expect(s.lines.map((l) => [l.bookedOn, l.amount, l.bankId])).toEqual([
      ['2026-11-04', '80.00', 'OFX20261104001'],
      ['2026-11-05', '149.55', 'OFX20261105001'],
      ['2026-11-06', '-12.34', 'OFX20261106002'],
      ['2026-11-09', '-55.55', 'OFX20261109001'],
    ]);
    expect(s.lines[1]).toMatchObject({
      valueOn: '2026-11-03',
      label: 'REMISE CB 031126 TPE 1234567 COMMISSION CB DEDUITE 0,45 EUR',
    });
    expect(s.lines[2]!.label).toBe('FRAIS TENUE DE COMPTE &');
    expect(s.lines[3]!.reference).toBe('0002468');
  });

  it('reads OFX 2.x XML', () => {
    const s = parseOfx(fixture('releve-ofx2.ofx'));
    expect(s.lines.map((l) => [l.bookedOn, l.amount, l.label])).toEqual([
      ['2026-11-06', '123.45', 'REMISE CB 041126 TPE 1234567'],
      ['2026-11-09', '98.76', 'VIR SEPA ASSOCIATION DES AMIS Facture F2026-000007 & solde'],
    ]);
  });

  it('closes SGML leaves and leaves aggregates open', () => {
    expect(sgmlToXml('<A><B>1\n<C>x</C></A>')).toBe('<A><B>1</B><C>x</C></A>');
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
    const s = parseCamt053(fixture('releve-camt053.xml'));
    expect(s.account).toBe('FR7630004001230001234567890');
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
