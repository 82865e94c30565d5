import { DomainError } from '../../shared/errors.js';
import { Dec, Money } from '../../shared/money.js';
import type { StatementFormat } from '../events.js';

/** A movement read from a statement file, before it gets its stable id. */
export interface ParsedLine {
  readonly bookedOn: string;
  readonly valueOn: string;
  /** Signed two-decimal string: positive is money in. */
  readonly amount: string;
  readonly label: string;
  readonly reference: string;
  /** The bank's own id of the movement (OFX FITID, CAMT AcctSvcrRef…), '' when it gives none. */
  readonly bankId: string;
  /** Where it is in the file (1-based line), for messages. */
  readonly line: number;
}

/** A balance a statement states: signed two-decimal string at the end of day `on`. */
export interface StatementBalance {
  readonly on: string;
  readonly amount: string;
}

/** One account's statement inside a file (a file may hold several, for several accounts). */
export interface AccountStatement {
  /** The account's key, the same whichever format names it (see account.ts). */
  readonly account: string;
  /** Keys this account had before they were unified, to find movements imported then. */
  readonly formerKeys: readonly string[];
  /** ISO 4217 code as the file states it ('EUR' when it states none). */
  readonly currency: string;
  readonly opening: StatementBalance | null;
  readonly closing: StatementBalance | null;
  /** The first day the statement covers, when it says so (OFX DTSTART, CAMT FrToDt). */
  readonly periodStart: string | null;
  readonly lines: readonly ParsedLine[];
  /** Where this account's statement starts in the file (1-based line). */
  readonly line: number;
}

export interface ParsedStatement {
  readonly format: StatementFormat;
  readonly statements: readonly AccountStatement[];
}

/** A statement file that cannot be read: the French message names the line at fault. */
export function badFile(line: number | null, message: string): DomainError {
  return new DomainError(
    'invalid_file',
    line === null
      ? `Relevé illisible : ${message}`
      : `Relevé illisible, ligne ${line} : ${message}`,
    'file',
    line === null ? {} : { line },
  );
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * A bank amount as a two-decimal string. Trailing zero decimals are only notation (CAMT allows
 * five decimals, `8.850`); a real fraction of a cent cannot be booked, so it is refused rather
 * than rounded: the treasurer asks the bank, nothing is recorded on a guess.
 */
export function centsAmount(value: Dec, raw: string): string {
  if (!value.times(100).isInteger())
    throw new Error(
      `montant "${raw}" : une fraction de centime ne peut pas être comptabilisée (au plus deux décimales non nulles)`,
    );
  return Money.of(value.toFixed(2)).toString();
}

/** A decimal amount as XML statements write it ("8.850", "-12.5", "+3"). */
export function decimalAmount(raw: string): string {
  const s = raw.trim().replace(/^\+/, '');
  if (!/^-?\d{1,15}(\.\d{1,10})?$/.test(s)) throw new Error(`montant "${raw}" invalide`);
  return centsAmount(new Dec(s), raw);
}

/** Checks that opening + movements = closing, when the statement states both. */
export function checkBalances(
  s: Pick<AccountStatement, 'opening' | 'closing' | 'lines' | 'line'>,
  label: string,
): void {
  if (!s.opening || !s.closing) return;
  const reached = Money.sum([
    Money.of(s.opening.amount),
    ...s.lines.map((l) => Money.of(l.amount)),
  ]);
  if (!reached.equals(Money.of(s.closing.amount)))
    throw badFile(
      s.line,
      `${label} : le solde d’ouverture (${s.opening.amount}) plus les mouvements (${reached.minus(Money.of(s.opening.amount)).toString()}) donnent ${reached.toString()}, pas le solde de clôture annoncé (${s.closing.amount}).`,
    );
}
