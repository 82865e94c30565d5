import { Decimal } from 'decimal.js';
import { centsOf } from './cents.js';

/** decimal.js configured once: plenty of precision, "round" = half away from zero. */
export const Dec = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

export class InvalidAmountError extends Error {
  constructor(readonly input: unknown) {
    super(`Invalid amount: ${JSON.stringify(input)} (expected a decimal like "12.34")`);
    this.name = 'InvalidAmountError';
  }
}

const AMOUNT = /^-?\d{1,13}(\.\d{1,2})?$/;
const DECIMAL = /^-?\d{1,13}(\.\d{1,10})?$/;

/** Parses a decimal string with at most `maxDecimals` digits; throws on anything else. */
export function parseDecimal(input: unknown, maxDecimals = 10): Decimal {
  if (typeof input !== 'string') throw new InvalidAmountError(input);
  const s = input.trim();
  if (!(maxDecimals <= 2 ? AMOUNT : DECIMAL).test(s)) throw new InvalidAmountError(input);
  const d = new Dec(s);
  if (d.decimalPlaces() > maxDecimals) throw new InvalidAmountError(input);
  return d;
}

/** Rounds to the cent, half away from zero (docs/accounting.md "round"). */
export function roundCents(d: Decimal): Decimal {
  return d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** A euro amount with exactly two decimals. Immutable. */
export class Money {
  private constructor(private readonly value: Decimal) {}

  static readonly ZERO = new Money(new Dec(0));

  /** Strict parse of "12", "12.3", "-12.34"; rejects more than two decimals. */
  static of(input: unknown): Money {
    return new Money(parseDecimal(input, 2));
  }

  /**
   * Integer cents of an amount, parsed as strictly as `of` (same inputs refused): for exact
   * arithmetic on cents as `bigint` where decimal.js objects would cost too much (hot paths).
   */
  static cents(input: unknown): bigint {
    if (typeof input !== 'string') throw new InvalidAmountError(input);
    const s = input.trim();
    if (!AMOUNT.test(s)) throw new InvalidAmountError(input);
    return centsOf(s);
  }

  /** From an exact decimal, rounding to the cent. */
  static round(d: Decimal): Money {
    return new Money(roundCents(d));
  }

  static sum(items: Iterable<Money>): Money {
    let total = new Dec(0);
    for (const m of items) total = total.plus(m.value);
    return new Money(total);
  }

  plus(other: Money): Money {
    return new Money(this.value.plus(other.value));
  }
  minus(other: Money): Money {
    return new Money(this.value.minus(other.value));
  }
  negate(): Money {
    return new Money(this.value.negated());
  }
  /** Unrounded product, for rates and ratios: round it explicitly with Money.round. */
  times(factor: Decimal | string): Decimal {
    return this.value.times(factor);
  }
  compare(other: Money): number {
    return this.value.comparedTo(other.value);
  }
  equals(other: Money): boolean {
    return this.value.equals(other.value);
  }
  isZero(): boolean {
    return this.value.isZero();
  }
  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }
  isPositive(): boolean {
    return this.value.isPositive() && !this.value.isZero();
  }
  toDecimal(): Decimal {
    return this.value;
  }
  /** Always two decimals, "-0.00" normalised to "0.00". */
  toString(): string {
    return this.value.isZero() ? '0.00' : this.value.toFixed(2);
  }
  toJSON(): string {
    return this.toString();
  }
}

/** Formats an amount the French way: "1 234,56 €". */
export function formatEuros(amount: string | Money): string {
  const s = typeof amount === 'string' ? Money.of(amount).toString() : amount.toString();
  const negative = s.startsWith('-');
  const [int = '0', cents = '00'] = (negative ? s.slice(1) : s).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${negative ? '-' : ''}${grouped},${cents}\u00a0€`;
}
