import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { movementOf } from './ledger.testkit.js';
import { deciderSpec } from '../shared/decider.testkit.js';
import { addDays } from '../shared/day.js';
import { Money } from '../shared/money.js';
import type { BankLineBookingKind, BankStatementImported } from './events.js';
import { GeneralLedger, isBalanced } from './fec.js';
import {
  decideBookBankLine,
  decideUndoMatch,
  evolveMatches,
  initialMatchesState,
} from './matching.js';

const fee = {
  lineId: 'l1',
  bookedOn: '2026-02-10',
  amount: '-15.00',
  label: 'FRAIS IMPAYE CHQ 0007789',
};
const ctx = { today: '2026-03-20', newId: () => 'b1' };
const book = deciderSpec({
  initial: initialMatchesState,
  evolve: evolveMatches,
  decide: decideBookBankLine,
});

const statement = (
  lines: { lineId: string; bookedOn: string; amount: string; label: string }[],
): BankStatementImported => ({
  type: 'BankStatementImported',
  data: {
    importId: 'i1',
    account: 'FR76',
    format: 'ofx',
    fileName: 'releve.ofx',
    fileHash: 'h',
    importedOn: '2026-03-01',
    skipped: 0,
    lines: lines.map((l) => ({ ...l, valueOn: l.bookedOn, reference: '' })),
  },
});

describe('booking an unmatched bank line (docs/accounting.md §7)', () => {
  it('books a bounce fee on the bank’s day: D 627 / C 512, 15.00', () => {
    const [booked] = book.given().when({ line: fee, kind: 'bounce_fee' }, ctx).events();
    expect(booked).toEqual({
      type: 'BankLineBooked',
      data: {
        bookingId: 'b1',
        lineId: 'l1',
        kind: 'bounce_fee',
        lineAmount: '-15.00',
        lineBookedOn: '2026-02-10',
        label: 'FRAIS IMPAYE CHQ 0007789',
        reason: '',
        on: '2026-02-10',
      },
    });
    const ledger = new GeneralLedger();
    ledger.apply(statement([fee]));
    ledger.apply(booked!);
    const [entry] = ledger.entriesOf(2026);
    expect(entry).toMatchObject({
      journal: 'BQ',
      date: '2026-02-10',
      label: 'Frais de chèque impayé : FRAIS IMPAYE CHQ 0007789',
    });
    expect(entry!.lines.map((l) => [l.account, l.debit.toString(), l.credit.toString()])).toEqual([
      ['512', '0.00', '15.00'],
      ['627', '15.00', '0.00'],
    ]);
  });

  it('books an internal transfer to 58 and ignores a line without an entry', () => {
    const out = { lineId: 'l2', bookedOn: '2026-03-02', amount: '-500.00', label: 'VIR LIVRET' };
    const back = { lineId: 'l3', bookedOn: '2026-03-09', amount: '12.00', label: 'REGUL' };
    const s = book.given();
    const [transfer] = s.when({ line: out, kind: 'internal_transfer' }, ctx).events();
    const [ignored] = s
      .when(
        { line: back, kind: 'ignored', reason: 'Saisi par le cabinet' },
        { ...ctx, newId: () => 'b2' },
      )
      .events();
    const ledger = new GeneralLedger();
    ledger.apply(statement([out, back]));
    ledger.apply(transfer!);
    ledger.apply(ignored!);
    const entries = ledger.entriesOf(2026);
    expect(entries).toHaveLength(1);
    expect(
      entries[0]!.lines.map((l) => [l.account, l.debit.toString(), l.credit.toString()]),
    ).toEqual([
      ['512', '0.00', '500.00'],
      ['58', '500.00', '0.00'],
    ]);
  });

  it('refuses what cannot be booked, in French', () => {
    const [booked] = book.given().when({ line: fee, kind: 'bank_fee' }, ctx).events();
    expect(
      book.given(booked!).when({ line: fee, kind: 'bank_fee' }, ctx).thenThrows('already_matched')
        .message,
    ).toMatch(/déjà rapprochée ou comptabilisée/);
    book.given().when({ line: fee, kind: 'frais' }, ctx).thenThrows('invalid_input', 'nature');
    book
      .given()
      .when({ line: { ...fee, amount: '15.00' }, kind: 'bounce_fee' }, ctx)
      .thenThrows('invalid_input', 'nature');
    book
      .given()
      .when({ line: fee, kind: 'ignored', reason: ' ' }, ctx)
      .thenThrows('invalid_input', 'motif');
    book
      .given()
      .when({ line: fee, kind: 'bank_fee', on: '2026-02-09' }, ctx)
      .thenThrows('invalid_input', 'date');
    book
      .given()
      .when({ line: fee, kind: 'bank_fee', on: '2026-03-21' }, ctx)
      .thenThrows('invalid_input', 'date');
    // A later day is allowed (the bank's day may be in a locked period).
    expect(
      book.given().when({ line: fee, kind: 'bank_fee', on: '2026-02-20' }, ctx).events()[0]!.data
        .on,
    ).toBe('2026-02-20');
  });

  it('an undone booking frees the line and reverses its entry', () => {
    const [booked] = book.given().when({ line: fee, kind: 'bank_fee' }, ctx).events();
    const undo = deciderSpec({
      initial: initialMatchesState,
      evolve: evolveMatches,
      decide: decideUndoMatch,
    });
    const [undone] = undo.given(booked!).when({ lineId: 'l1' }, { today: '2026-02-28' }).events();
    expect(undone).toMatchObject({ type: 'BankLineUnmatched', data: { matchId: 'b1' } });
    book.given(booked!, undone!).when({ line: fee, kind: 'bank_fee' }, ctx).events();
    const ledger = new GeneralLedger();
    ledger.apply(statement([fee]));
    ledger.apply(booked!);
    ledger.apply(undone!);
    expect(movementOf(ledger, '512').isZero()).toBe(true);
    expect(movementOf(ledger, '627').isZero()).toBe(true);
  });

  it('property: 512 moves by exactly the lines booked (not the ignored ones), every entry balanced', () => {
    const kinds: BankLineBookingKind[] = ['bank_fee', 'bounce_fee', 'internal_transfer', 'ignored'];
    const cents = fc
      .integer({ min: -500_000, max: 500_000 })
      .filter((c) => c !== 0)
      .map((c) => (c / 100).toFixed(2));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            day: fc.nat(700),
            amount: cents,
            kind: fc.constantFrom(...kinds),
            undo: fc.boolean(),
          }),
          { maxLength: 25 },
        ),
        (specs) => {
          const lines = specs.map((x, i) => ({
            lineId: `l${i}`,
            bookedOn: addDays('2025-01-01', x.day),
            // A bounce fee is a debit.
            amount:
              x.kind === 'bounce_fee' && !x.amount.startsWith('-') ? `-${x.amount}` : x.amount,
            label: `L${i}`,
          }));
          const ledger = new GeneralLedger();
          ledger.apply(statement(lines));
          let state = initialMatchesState;
          let expected = Money.ZERO;
          specs.forEach((x, i) => {
            const line = lines[i]!;
            const today = addDays(line.bookedOn, 3);
            const booked = decideBookBankLine(
              state,
              { line, kind: x.kind, reason: 'motif' },
              { today, newId: () => `b${i}` },
            );
            state = evolveMatches(state, booked);
            ledger.apply(booked);
            if (x.undo) {
              const undone = decideUndoMatch(state, { lineId: line.lineId }, { today });
              state = evolveMatches(state, undone);
              ledger.apply(undone);
            } else if (x.kind !== 'ignored') expected = expected.plus(Money.of(line.amount));
          });
          const entries = ledger.years().flatMap((y) => ledger.entriesOf(y));
          expect(entries.every(isBalanced)).toBe(true);
          expect(movementOf(ledger, '512').toString()).toBe(expected.toString());
          expect(
            movementOf(ledger, '512')
              .plus(movementOf(ledger, '627'))
              .plus(movementOf(ledger, '58'))
              .isZero(),
          ).toBe(true);
        },
      ),
    );
  }, 60_000);
});
