import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { BankStatementEvent, StatementFormat } from './events.js';
import { decideImportBankStatement, type AccountHistory } from './statement-import.js';
import type { ParsedLine, ParsedStatement } from './statements/statement.js';
import { DomainError } from '../shared/errors.js';

const ACCOUNT = 'FR7630004001230001234567843';
const OTHER = 'FR7630004001230009876543253';

function statement(
  format: StatementFormat,
  lines: Partial<ParsedLine>[],
  account = ACCOUNT,
  extra: Partial<ParsedStatement['statements'][number]> = {},
): ParsedStatement {
  return {
    format,
    statements: [
      {
        account,
        formerKeys: [],
        currency: 'EUR',
        opening: null,
        closing: null,
        periodStart: null,
        line: 1,
        lines: lines.map((l) => ({
          bookedOn: '2026-11-20',
          valueOn: '2026-11-20',
          amount: '-9.99',
          label: 'CB OVH',
          reference: '',
          bankId: '',
          line: 1,
          ...l,
        })),
        ...extra,
      },
    ],
  };
}

/** Imports statements one after the other, as the handler does, into one store per account. */
function importAll(statements: ParsedStatement[], known: string[] | null = null) {
  const streams = new Map<string, BankStatementEvent[]>();
  let n = 0;
  const results = statements.map((s) => {
    const d = decideImportBankStatement(
      {
        statement: s,
        fileName: 'f',
        fileHash: 'h',
        importedOn: '2026-11-25',
        newId: () => `import-${++n}`,
        knownAccounts: known,
        lineIdOf: (account, natural, rank) => `${account}|${natural}|${rank}`,
      },
      streams,
    );
    for (const e of d.events)
      streams.set(e.data.account, [...(streams.get(e.data.account) ?? []), e]);
    return d;
  });
  const recorded = [...streams.values()].flatMap((h) =>
    h.flatMap((e) => (e.type === 'BankStatementImported' ? e.data.lines : [])),
  );
  return { results, recorded };
}

describe('statement import decision', () => {
  it('records the same day’s movements once across formats, identical ones kept apart', () => {
    const twoCards = [{}, {}, { amount: '-4.20', label: 'CB LA POSTE' }];
    const { results, recorded } = importAll([
      statement('cfonb120', twoCards),
      statement(
        'ofx',
        twoCards.map((l, i) => ({ ...l, bankId: `F${i}`, label: 'PAIEMENT CB' })),
      ),
      statement(
        'camt053',
        twoCards.map((l, i) => ({ ...l, bankId: `C${i}` })),
      ),
      statement('cfonb120', twoCards),
    ]);
    expect(results.map((r) => r.accounts[0]!.imported)).toEqual([3, 0, 0, 0]);
    expect(recorded.map((l) => l.amount)).toEqual(['-9.99', '-9.99', '-4.20']);
  });

  it('trusts the bank’s ids within one format (a later statement of the same day)', () => {
    const { results } = importAll([
      statement('ofx', [{ bankId: 'A1' }]),
      statement('ofx', [{ bankId: 'B1' }]),
    ]);
    expect(results.map((r) => r.accounts[0]!.imported)).toEqual([1, 1]);
  });

  it('imports the known accounts, lists the others, refuses a file of none', () => {
    const file: ParsedStatement = {
      format: 'cfonb120',
      statements: [
        ...statement('cfonb120', [{}], OTHER).statements,
        ...statement('cfonb120', [{}, { amount: '5.00' }]).statements,
      ],
    };
    const { results, recorded } = importAll([file], [ACCOUNT]);
    expect(results[0]).toMatchObject({
      accounts: [{ account: ACCOUNT, lines: 2, imported: 2 }],
      unknownAccounts: [{ account: OTHER, lines: 1 }],
    });
    expect(recorded).toHaveLength(2);
    expect(() => importAll([statement('ofx', [{}], OTHER)], [ACCOUNT])).toThrow(DomainError);
  });

  it('refuses a known account kept in another currency', () => {
    expect(() =>
      importAll([statement('ofx', [{}], ACCOUNT, { currency: 'BRL', line: 7 })]),
    ).toThrow(/ligne 7 : le relevé du compte .* est en BRL/);
  });

  it('counts movements recorded under an account’s former key like another format’s', () => {
    const streams = new Map<string, AccountHistory>([
      [
        ACCOUNT,
        [
          {
            type: 'BankStatementImported',
            data: {
              importId: 'old',
              account: '300040012300012345678',
              format: 'cfonb120',
              fileName: 'old.txt',
              fileHash: 'h',
              importedOn: '2026-11-21',
              lines: [
                {
                  lineId: 'x',
                  bookedOn: '2026-11-20',
                  valueOn: '2026-11-20',
                  amount: '-9.99',
                  label: 'CB OVH',
                  reference: '',
                },
              ],
              skipped: 0,
            },
          },
        ],
      ],
    ]);
    const d = decideImportBankStatement(
      {
        statement: statement('cfonb120', [{}]),
        fileName: 'f',
        fileHash: 'h',
        importedOn: '2026-11-25',
        newId: () => 'i',
        knownAccounts: null,
        lineIdOf: (a, n, r) => `${a}|${n}|${r}`,
      },
      streams,
    );
    expect(d.events).toEqual([]);
  });

  it('keeps each stated balance once and checks an OFX closing balance against the kept one', () => {
    const cfonb = statement('cfonb120', [{ bookedOn: '2026-11-05', amount: '-9.99' }], ACCOUNT, {
      opening: { on: '2026-11-04', amount: '100.00' },
      closing: { on: '2026-11-05', amount: '90.01' },
    });
    const ofx = (closing: string, periodStart: string) =>
      statement('ofx', [{ bookedOn: '2026-11-06', amount: '10.00', bankId: 'F1' }], ACCOUNT, {
        closing: { on: '2026-11-07', amount: closing },
        periodStart,
        line: 12,
      });
    const { results } = importAll([cfonb, cfonb, ofx('100.01', '2026-11-06')]);
    expect(results.map((r) => r.events.map((e) => e.type))).toEqual([
      ['BankStatementImported', 'BankBalancesStated'],
      [],
      ['BankStatementImported', 'BankBalancesStated'],
    ]);
    expect(() => importAll([cfonb, ofx('100.02', '2026-11-06')])).toThrow(
      'Relevé refusé, ligne 12 : le solde du 05/11/2026 (90.01, d’un relevé déjà importé) plus les mouvements qui suivent (10.00) donnent 100.01, pas le solde annoncé au 07/11/2026 (100.02) ; rien n’est importé.',
    );
    // A statement starting later than the day after the kept balance cannot be checked with it.
    expect(importAll([cfonb, ofx('100.02', '2026-11-07')]).recorded).toHaveLength(2);
  });

  it('property: whatever formats and overlaps, each day ends with the bank’s movements once', () => {
    const days = ['2026-11-18', '2026-11-19', '2026-11-20'];
    const movement = fc.record({
      day: fc.constantFrom(...days),
      amount: fc.constantFrom('-9.99', '12.00', '-4.20'),
      label: fc.constantFrom('CB OVH', 'VIR AMIS'),
    });
    const cover = fc.record({
      format: fc.constantFrom<StatementFormat>('cfonb120', 'ofx', 'camt053'),
      days: fc.subarray(days, { minLength: 1 }),
    });
    fc.assert(
      fc.property(
        fc.array(movement, { maxLength: 8 }),
        fc.array(cover, { minLength: 1, maxLength: 5 }),
        (bank, covers) => {
          // Each format writes the full days it covers, with its own ids and labels.
          const statements = covers.map(({ format, days: covered }) =>
            statement(
              format,
              bank
                .map((m, i) => ({ m, i }))
                .filter(({ m }) => covered.includes(m.day))
                .map(({ m, i }) => ({
                  bookedOn: m.day,
                  valueOn: m.day,
                  amount: m.amount,
                  label: format === 'ofx' ? `${m.label} ${i}` : m.label,
                  bankId: format === 'cfonb120' ? '' : `${format}-${i}`,
                })),
            ),
          );
          const { recorded } = importAll([...statements, ...statements]);
          const seen = new Set(covers.flatMap((c) => c.days));
          const key = (day: string, amount: string) => `${day}|${amount}`;
          const count = (list: { key: string }[]) =>
            list.reduce((m, x) => m.set(x.key, (m.get(x.key) ?? 0) + 1), new Map<string, number>());
          expect(count(recorded.map((l) => ({ key: key(l.bookedOn, l.amount) })))).toEqual(
            count(bank.filter((m) => seen.has(m.day)).map((m) => ({ key: key(m.day, m.amount) }))),
          );
        },
      ),
    );
  });
});
