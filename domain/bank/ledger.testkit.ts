import { Money } from '../shared/money.js';
import type { Account, GeneralLedger } from './fec.js';

/** Debit − credit of `account` over every entry of every year, the opening entries left out. */
export function movementOf(ledger: GeneralLedger, account: Account): Money {
  return Money.sum(
    ledger
      .years()
      .flatMap((y) => ledger.entriesOf(y))
      .filter((x) => x.journal !== 'AN')
      .flatMap((x) => x.lines.filter((l) => l.account === account))
      .map((l) => l.debit.minus(l.credit)),
  );
}
