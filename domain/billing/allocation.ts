import { compareDays, daysInclusive, maxDay, minDay, parseDay } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { fiscalYearBounds, fiscalYearOf, parseFiscalYearStart } from '../shared/fiscal-year.js';
import { Dec, Money, parseDecimal, roundCents } from '../shared/money.js';
import { vatPerRate } from './invoice.js';
import type { Decimal } from 'decimal.js';

/**
 * docs/accounting.md §2: how each payment on an invoice splits over its lines, their VAT and the
 * fiscal years of their service days. Every figure is a rounded function of the *cumulative*
 * amount paid, and a payment receives the difference "after − before": whatever the order,
 * size and sign of payments, a fully paid invoice gives exactly the whole-invoice figures.
 *
 * This is a stable contract used by other tools: keep its signature and output shape.
 */

export type Bucket = 'N-1' | 'N' | 'N+1';

export interface AllocationInput {
  /** 'MM-DD', default '01-01'. */
  fiscalYearStart?: string;
  lines: {
    id: string;
    net: string;
    vatRate: string;
    /** The line's VAT when it carries one (decimal string); omitted: VAT per rate (§1). */
    vat?: string;
    serviceStart: string;
    serviceEnd: string;
  }[];
  /** Amounts include VAT, in order; a negative amount is a reversal (bounced cheque, refund). */
  payments: { id: string; date: string; amount: string }[];
}

export interface AllocationEntry {
  paymentId: string;
  lineId: string;
  vat: string;
  years: { fiscalYear: number; bucket: Bucket; net: string }[];
}

/** A line parsed for the allocation (see `prepareInvoice`). */
export interface PreparedLine {
  id: string;
  vat: Decimal; // v_i
  total: Decimal; // t_i
  cumulativeBefore: Decimal; // S_(i-1)
  cumulative: Decimal; // S_i
  /** Fiscal years of the service period, chronological, with days up to and including each (E_y). */
  years: { fiscalYear: number; daysUpTo: number }[];
  days: number; // D_i
}

function invalid(message: string, field: string): never {
  throw new DomainError('invalid_input', message, field);
}

function parseLines(input: AllocationInput['lines'], fyStart: string): PreparedLine[] {
  if (!Array.isArray(input)) invalid('Les lignes de la facture sont manquantes.', 'lines');
  const ids = new Set<string>();
  const parsed = input.map((l, i) => {
    const at = `lines[${i}]`;
    if (typeof l?.id !== 'string' || l.id === '')
      invalid(`Ligne ${i + 1} : identifiant manquant.`, `${at}.id`);
    if (ids.has(l.id)) invalid(`Ligne ${i + 1} : identifiant en double (${l.id}).`, `${at}.id`);
    ids.add(l.id);
    const net = parseField(
      `${at}.net`,
      () => Money.of(l.net),
      `Ligne ${i + 1} : montant HT illisible (${JSON.stringify(l.net)}).`,
    );
    const rate = parseField(
      `${at}.vatRate`,
      () => parseDecimal(l.vatRate, 4),
      `Ligne ${i + 1} : taux de TVA illisible (${JSON.stringify(l.vatRate)}).`,
    );
    if (rate.isNegative() || rate.greaterThan(100)) {
      invalid(`Ligne ${i + 1} : le taux de TVA doit être compris entre 0 et 100.`, `${at}.vatRate`);
    }
    const start = parseField(
      `${at}.serviceStart`,
      () => parseDay(l.serviceStart),
      `Ligne ${i + 1} : début de période illisible (${JSON.stringify(l.serviceStart)}).`,
    );
    const end = parseField(
      `${at}.serviceEnd`,
      () => parseDay(l.serviceEnd),
      `Ligne ${i + 1} : fin de période illisible (${JSON.stringify(l.serviceEnd)}).`,
    );
    if (compareDays(end, start) < 0)
      invalid(`Ligne ${i + 1} : la fin de période précède son début.`, `${at}.serviceEnd`);
    const vat =
      l.vat === undefined
        ? null
        : parseField(
            `${at}.vat`,
            () => Money.of(l.vat),
            `Ligne ${i + 1} : montant de TVA illisible (${JSON.stringify(l.vat)}).`,
          );
    return { id: l.id, net, vatRate: rate.toString(), vat, start, end };
  });
  const ruled = vatPerRate(parsed);
  let cumulative = new Dec(0);
  return parsed.map(({ id, net, vat: given, start, end }, i) => {
    const vat = (given ?? ruled[i]!).toDecimal();
    const total = net.toDecimal().plus(vat);
    const cumulativeBefore = cumulative;
    cumulative = cumulative.plus(total);
    const years: PreparedLine['years'] = [];
    let daysUpTo = 0;
    for (let fy = fiscalYearOf(start, fyStart); fy <= fiscalYearOf(end, fyStart); fy++) {
      const b = fiscalYearBounds(fy, fyStart);
      daysUpTo += daysInclusive(maxDay(start, b.first), minDay(end, b.last));
      years.push({ fiscalYear: fy, daysUpTo });
    }
    return { id, vat, total, cumulativeBefore, cumulative, years, days: daysUpTo };
  });
}

/** The figures of every line when `c` (TTC) has been paid in all: VAT and net per fiscal year. */
function figuresAt(
  lines: readonly PreparedLine[],
  invoiceTotal: Decimal,
  c: Decimal,
): { vat: Decimal; nets: Decimal[] }[] {
  return lines.map((line) => {
    const zero = { vat: new Dec(0), nets: line.years.map(() => new Dec(0)) };
    if (invoiceTotal.isZero() || line.total.isZero()) return zero;
    // 1. invoice → line
    const paid = roundCents(c.times(line.cumulative).dividedBy(invoiceTotal)).minus(
      roundCents(c.times(line.cumulativeBefore).dividedBy(invoiceTotal)),
    );
    // 2. line → VAT and net
    const vat = roundCents(line.vat.times(paid).dividedBy(line.total));
    const net = paid.minus(vat);
    // 3. net → fiscal years, by cumulative service days
    let before = new Dec(0);
    const nets = line.years.map((y) => {
      const upTo = roundCents(net.times(y.daysUpTo).dividedBy(line.days));
      const share = upTo.minus(before);
      before = upTo;
      return share;
    });
    return { vat, nets };
  });
}

function bucketOf(fiscalYear: number, paymentFiscalYear: number): Bucket {
  return fiscalYear < paymentFiscalYear ? 'N-1' : fiscalYear === paymentFiscalYear ? 'N' : 'N+1';
}

/**
 * One entry per payment × line, in input order; `years` chronological without zero entries;
 * amounts with exactly two decimals. Throws a DomainError ('invalid_input', French message,
 * `field` naming the input) on unreadable input or a payment taking the cumulative paid
 * outside [0, invoice total].
 */
export function allocateInvoicePayments(input: AllocationInput): AllocationEntry[] {
  const fyStart = parseField(
    'fiscalYearStart',
    () => parseFiscalYearStart(input.fiscalYearStart ?? '01-01'),
    `Début d'exercice illisible (${JSON.stringify(input.fiscalYearStart)}, attendu MM-JJ).`,
  );
  const lines = parseLines(input.lines, fyStart);
  const invoiceTotal = lines.reduce((s, l) => s.plus(l.total), new Dec(0));
  const low = Dec.min(0, invoiceTotal);
  const high = Dec.max(0, invoiceTotal);

  if (!Array.isArray(input.payments)) invalid('Les paiements sont manquants.', 'payments');
  const paymentIds = new Set<string>();
  const out: AllocationEntry[] = [];
  let paid = new Dec(0);
  let before = figuresAt(lines, invoiceTotal, paid);
  input.payments.forEach((p, j) => {
    const at = `payments[${j}]`;
    if (typeof p?.id !== 'string' || p.id === '')
      invalid(`Paiement ${j + 1} : identifiant manquant.`, `${at}.id`);
    if (paymentIds.has(p.id))
      invalid(`Paiement ${j + 1} : identifiant en double (${p.id}).`, `${at}.id`);
    paymentIds.add(p.id);
    const date = parseField(
      `${at}.date`,
      () => parseDay(p.date),
      `Paiement ${j + 1} : date illisible (${JSON.stringify(p.date)}).`,
    );
    const amount = parseField(
      `${at}.amount`,
      () => Money.of(p.amount),
      `Paiement ${j + 1} : montant illisible (${JSON.stringify(p.amount)}).`,
    );
    paid = paid.plus(amount.toDecimal());
    if (paid.greaterThan(high)) {
      invalid(
        `Paiement ${j + 1} : le total payé (${paid.toFixed(2)} €) dépasserait le total de la facture (${invoiceTotal.toFixed(2)} €).`,
        `${at}.amount`,
      );
    }
    if (paid.lessThan(low)) {
      invalid(
        `Paiement ${j + 1} : le total payé (${paid.toFixed(2)} €) deviendrait négatif.`,
        `${at}.amount`,
      );
    }
    const after = figuresAt(lines, invoiceTotal, paid);
    const paymentFy = fiscalYearOf(date, fyStart);
    lines.forEach((line, i) => {
      const a = after[i]!;
      const b = before[i]!;
      const years: AllocationEntry['years'] = [];
      line.years.forEach((y, k) => {
        const net = a.nets[k]!.minus(b.nets[k]!);
        if (!net.isZero()) {
          years.push({
            fiscalYear: y.fiscalYear,
            bucket: bucketOf(y.fiscalYear, paymentFy),
            net: Money.round(net).toString(),
          });
        }
      });
      out.push({
        paymentId: p.id,
        lineId: line.id,
        vat: Money.round(a.vat.minus(b.vat)).toString(),
        years,
      });
    });
    before = after;
  });
  return out;
}

/** The cumulative figures of an invoice's lines once `paid` (TTC) has been paid in all. */
export interface InvoiceFigures {
  readonly lines: readonly {
    readonly lineId: string;
    readonly vat: Decimal;
    readonly years: readonly { readonly fiscalYear: number; readonly net: Decimal }[];
  }[];
}

export function invoiceFigures(
  lines: AllocationInput['lines'],
  paid: string,
  fiscalYearStart = '01-01',
): InvoiceFigures {
  return figuresWhenPaid(prepareInvoice(lines, fiscalYearStart), paid);
}

/**
 * An invoice's lines parsed once, for the figures at several amounts paid: its lines change only
 * with a credit note, while every payment asks for the figures again.
 */
export interface PreparedInvoice {
  readonly lines: readonly PreparedLine[];
  readonly total: Decimal;
}

export function prepareInvoice(
  lines: AllocationInput['lines'],
  fiscalYearStart = '01-01',
): PreparedInvoice {
  const parsed = parseLines(lines, fiscalYearStart);
  return { lines: parsed, total: parsed.reduce((s, l) => s.plus(l.total), new Dec(0)) };
}

/** `invoiceFigures` of a prepared invoice (same figures, same errors). */
export function figuresWhenPaid(invoice: PreparedInvoice, paid: string): InvoiceFigures {
  const { lines, total } = invoice;
  const c = Money.of(paid).toDecimal();
  if (c.greaterThan(Dec.max(0, total)) || c.lessThan(Dec.min(0, total))) {
    invalid(
      `Le total payé (${c.toFixed(2)} €) sort des bornes de la facture (${total.toFixed(2)} €).`,
      'paid',
    );
  }
  const figures = figuresAt(lines, total, c);
  return {
    lines: lines.map((line, i) => ({
      lineId: line.id,
      vat: figures[i]!.vat,
      years: line.years.map((y, k) => ({ fiscalYear: y.fiscalYear, net: figures[i]!.nets[k]! })),
    })),
  };
}

/**
 * What one event moved, as allocation entries dated `date`: "after − before". Used for every
 * change of an invoice's cumulative figures — a payment, a reversal, or a credit note changing
 * the lines — so the entries of an invoice always add up to its current whole figures.
 */
export function allocationDelta(
  before: InvoiceFigures,
  after: InvoiceFigures,
  date: string,
  id: string,
  fiscalYearStart = '01-01',
): AllocationEntry[] {
  const paymentFy = fiscalYearOf(date, fiscalYearStart);
  const old = new Map(before.lines.map((l) => [l.lineId, l]));
  return after.lines.map((a) => {
    const b = old.get(a.lineId);
    const previous = new Map((b?.years ?? []).map((y) => [y.fiscalYear, y.net]));
    const years: AllocationEntry['years'] = [];
    for (const y of a.years) {
      const net = y.net.minus(previous.get(y.fiscalYear) ?? 0);
      if (!net.isZero()) {
        years.push({
          fiscalYear: y.fiscalYear,
          bucket: bucketOf(y.fiscalYear, paymentFy),
          net: Money.round(net).toString(),
        });
      }
    }
    return {
      paymentId: id,
      lineId: a.lineId,
      vat: Money.round(a.vat.minus(b?.vat ?? 0)).toString(),
      years,
    };
  });
}
