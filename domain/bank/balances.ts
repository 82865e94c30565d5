import { compareBy } from '../shared/compare.js';
import { Money } from '../shared/money.js';

export interface KeptClosing {
  readonly account: string;
  readonly on: string;
  readonly amount: string;
}

/** A closing balance the bank stated, against what the movements imported since the previous one give. */
export interface BalanceCheck extends KeptClosing {
  /** The account's previous stated closing balance, null for the first one known. */
  readonly previous: KeptClosing | null;
  /** The movements imported after the previous balance, up to this one's day. */
  readonly movements: string | null;
  /** stated − (previous + movements): not zero when movements are missing or in excess. */
  readonly gap: string | null;
}

/**
 * Follows each account from one stated closing balance to the next with the movements
 * imported in between: a gap says a statement was not imported, or a movement was taken twice.
 */
export function checkBalanceChain(
  closings: readonly KeptClosing[],
  lines: readonly { account: string; bookedOn: string; amount: string }[],
): BalanceCheck[] {
  const sorted = [...closings].sort(
    compareBy(
      (c) => c.account,
      (c) => c.on,
    ),
  );
  return sorted.map((c, i) => {
    const prev = i > 0 && sorted[i - 1]!.account === c.account ? sorted[i - 1]! : null;
    if (!prev || prev.on === c.on) return { ...c, previous: prev, movements: null, gap: null };
    const movements = Money.sum(
      lines
        .filter((l) => l.account === c.account && l.bookedOn > prev.on && l.bookedOn <= c.on)
        .map((l) => Money.of(l.amount)),
    );
    const gap = Money.of(c.amount).minus(Money.of(prev.amount).plus(movements));
    return { ...c, previous: prev, movements: movements.toString(), gap: gap.toString() };
  });
}
