import { compareDays, daysInclusive, maxDay, minDay, parseDay } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { fiscalYearBounds, fiscalYearOf, parseFiscalYearStart } from '../shared/fiscal-year.js';
import { formatCents } from '../shared/cents.js';
import { Money, parseDecimal } from '../shared/money.js';
import { vatPerRate } from './invoice.js';

/**
 * docs/accounting.md §2: how each payment on an invoice splits over its lines, their VAT and the
 * fiscal years of their service days. Every figure is a rounded function of the *cumulative*
 * amount paid, and a payment receives the difference "after − before": whatever the order,
 * size and sign of payments, a fully paid invoice gives exactly the whole-invoice figures.
 *
 * This is a stable contract used by other tools: keep its signature and output shape.
 *
 * Inside, amounts are integer cents as `bigint` (exact, like decimal.js, and far cheaper on the
 * rebuild's hot path): every input is parsed as strictly as `Money.of`, every output is a
 * two-decimal string, and each rounding is of the exact quotient, half away from zero (`round`).
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

/** A line parsed for the allocation (see `prepareInvoice`); amounts in integer cents. */
export interface PreparedLine {
  id: string;
  vat: bigint; // v_i
  total: bigint; // t_i
  cumulativeBefore: bigint; // S_(i-1)
  cumulative: bigint; // S_i
  /** Fiscal years of the service period, chronological, with days up to and including each (E_y). */
  years: { fiscalYear: number; daysUpTo: number }[];
  days: number; // D_i
}

/** n / d rounded to the nearest integer, half away from zero (d ≠ 0): `round` on cents. */
function round(n: bigint, d: bigint): bigint {
  if (d < 0n) return round(-n, -d);
  const q = n / d;
  const r = n % d;
  return 2n * (r < 0n ? -r : r) >= d ? (n < 0n ? q - 1n : q + 1n) : q;
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
      () => Money.cents(l.net),
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
            () => Money.cents(l.vat),
            `Ligne ${i + 1} : montant de TVA illisible (${JSON.stringify(l.vat)}).`,
          );
    return { id: l.id, net, vatRate: rate.toString(), vat, start, end };
  });
  // Lines recorded by gloux2 carry their VAT: the rule (§1) only fills in the missing ones.
  const ruled = parsed.some((l) => l.vat === null)
    ? vatPerRate(
        parsed.map((l) => ({ net: Money.of(formatCents(l.net)), vatRate: l.vatRate })),
      ).map((m) => Money.cents(m.toString()))
    : [];
  let cumulative = 0n;
  return parsed.map(({ id, net, vat: given, start, end }, i) => {
    const vat = given ?? ruled[i]!;
    const total = net + vat;
    const cumulativeBefore = cumulative;
    cumulative += total;
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

/** The figures of every line when `c` cents (TTC) have been paid in all: VAT and net per fiscal year. */
function figuresAt(
  lines: readonly PreparedLine[],
  invoiceTotal: bigint,
  c: bigint,
): { vat: bigint; nets: bigint[] }[] {
  return lines.map((line) => {
    if (invoiceTotal === 0n || line.total === 0n)
      return { vat: 0n, nets: line.years.map(() => 0n) };
    // 1. invoice → line
    const paid =
      round(c * line.cumulative, invoiceTotal) - round(c * line.cumulativeBefore, invoiceTotal);
    // 2. line → VAT and net
    const vat = round(line.vat * paid, line.total);
    const net = paid - vat;
    // 3. net → fiscal years, by cumulative service days
    let before = 0n;
    const days = BigInt(line.days);
    const nets = line.years.map((y) => {
      const upTo = round(net * BigInt(y.daysUpTo), days);
      const share = upTo - before;
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
    `Début d’exercice illisible (${JSON.stringify(input.fiscalYearStart)}, attendu MM-JJ).`,
  );
  const lines = parseLines(input.lines, fyStart);
  const invoiceTotal = lines.reduce((s, l) => s + l.total, 0n);
  const low = invoiceTotal < 0n ? invoiceTotal : 0n;
  const high = invoiceTotal > 0n ? invoiceTotal : 0n;

  if (!Array.isArray(input.payments)) invalid('Les paiements sont manquants.', 'payments');
  const paymentIds = new Set<string>();
  const out: AllocationEntry[] = [];
  let paid = 0n;
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
      () => Money.cents(p.amount),
      `Paiement ${j + 1} : montant illisible (${JSON.stringify(p.amount)}).`,
    );
    paid += amount;
    if (paid > high) {
      invalid(
        `Paiement ${j + 1} : le total payé (${formatCents(paid)} €) dépasserait le total de la facture (${formatCents(invoiceTotal)} €).`,
        `${at}.amount`,
      );
    }
    if (paid < low) {
      invalid(
        `Paiement ${j + 1} : le total payé (${formatCents(paid)} €) deviendrait négatif.`,
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
        const net = a.nets[k]! - b.nets[k]!;
        if (net !== 0n) {
          years.push({
            fiscalYear: y.fiscalYear,
            bucket: bucketOf(y.fiscalYear, paymentFy),
            net: formatCents(net),
          });
        }
      });
      out.push({
        paymentId: p.id,
        lineId: line.id,
        vat: formatCents(a.vat - b.vat),
        years,
      });
    });
    before = after;
  });
  return out;
}

/** The cumulative figures of an invoice's lines once `paid` (TTC) has been paid in all, in cents. */
export interface InvoiceFigures {
  readonly lines: readonly {
    readonly lineId: string;
    readonly vat: bigint;
    readonly years: readonly { readonly fiscalYear: number; readonly net: bigint }[];
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
  /** In cents. */
  readonly total: bigint;
}

export function prepareInvoice(
  lines: AllocationInput['lines'],
  fiscalYearStart = '01-01',
): PreparedInvoice {
  const parsed = parseLines(lines, fiscalYearStart);
  return { lines: parsed, total: parsed.reduce((s, l) => s + l.total, 0n) };
}

/** `invoiceFigures` of a prepared invoice (same figures, same errors). */
export function figuresWhenPaid(invoice: PreparedInvoice, paid: string): InvoiceFigures {
  const { lines, total } = invoice;
  const c = Money.cents(paid);
  if (c > (total > 0n ? total : 0n) || c < (total < 0n ? total : 0n)) {
    invalid(
      `Le total payé (${formatCents(c)} €) sort des bornes de la facture (${formatCents(total)} €).`,
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
  const now = new Set(after.lines.map((l) => l.lineId));
  // A line or a service year Gloux's correction took away gives back what it had.
  const gone = before.lines
    .filter((b) => !now.has(b.lineId))
    .map((b) => ({ lineId: b.lineId, vat: 0n, years: [] }));
  return [...after.lines, ...gone].map((a) => {
    const b = old.get(a.lineId);
    const years: AllocationEntry['years'] = [];
    const fiscalYears = [
      ...a.years.map((y) => y.fiscalYear),
      ...(b?.years ?? [])
        .map((y) => y.fiscalYear)
        .filter((fy) => !a.years.some((y) => y.fiscalYear === fy)),
    ];
    for (const fiscalYear of fiscalYears) {
      const net =
        (a.years.find((x) => x.fiscalYear === fiscalYear)?.net ?? 0n) -
        (b?.years.find((x) => x.fiscalYear === fiscalYear)?.net ?? 0n);
      if (net !== 0n) {
        years.push({
          fiscalYear,
          bucket: bucketOf(fiscalYear, paymentFy),
          net: formatCents(net),
        });
      }
    }
    return {
      paymentId: id,
      lineId: a.lineId,
      vat: formatCents(a.vat - (b?.vat ?? 0n)),
      years,
    };
  });
}
