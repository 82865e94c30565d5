import type { VatCategory } from '../catalogue/events.js';
import { isBillable, type Product } from '../catalogue/catalogue.js';
import { addDays, daysInclusive, formatDayFr, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { Dec, Money, parseDecimal } from '../shared/money.js';
import type { LineKind } from './events.js';
import { lineVat, type IssueInvoiceLineInput } from './invoice.js';

/**
 * The anniversary billing run, as pure rules: which hosting accounts a window selects and
 * what one account's invoice for its coming year holds (docs/accounting.md §1; Gloux's habits
 * from its sample data: plaque + options, pro-rata lines, reseller discount, pending lines).
 */

/** A window of anniversaries, both days included; at most 366 days (one anniversary each). */
export interface BillingWindow {
  readonly from: Day;
  readonly to: Day;
}

export const MAX_WINDOW_DAYS = 366;

export function parseBillingWindow(from: unknown, to: unknown): BillingWindow {
  const f = parseField('from', () => parseDay(from), 'Date de début invalide (AAAA-MM-JJ).');
  const t = parseField('to', () => parseDay(to), 'Date de fin invalide (AAAA-MM-JJ).');
  if (t < f) {
    throw new DomainError('invalid_input', 'La fin de la période précède son début.', 'to');
  }
  if (daysInclusive(f, t) > MAX_WINDOW_DAYS) {
    throw new DomainError(
      'invalid_input',
      `La période couvre ${daysInclusive(f, t)} jours : ${MAX_WINDOW_DAYS} au plus (un anniversaire par compte).`,
      'to',
    );
  }
  return { from: f, to: t };
}

/** Same day `years` later; 29 February becomes 28 February, as MySQL's DATE_ADD does. */
export function addYears(day: Day, years: number): Day {
  const y = Number(day.slice(0, 4)) + years;
  const md = day.slice(5);
  const yyyy = String(y).padStart(4, '0');
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return md === '02-29' && !leap ? `${yyyy}-02-28` : `${yyyy}-${md}`;
}

/** Last day of the year of service starting on `start` (the day before the next anniversary). */
export function yearEnd(start: Day): Day {
  return addDays(addYears(start, 1), -1);
}

/** An option row of Gloux's hebergements_options (zero dates as null). */
export interface HostingOption {
  readonly optionId: string;
  readonly productId: string;
  readonly quantity: number;
  /** First day of the option; null: unset ('0000-00-00'), i.e. since the account began. */
  readonly startsOn: Day | null;
  /** The day the option stops (not billed from then on); null: still running. */
  readonly endsOn: Day | null;
}

/** A line Gloux holds back with id_facture = 0 (below its threshold), to go on the next invoice. */
export interface PendingLine {
  readonly legacyLineId: string;
  readonly productId: string | null;
  readonly kind: LineKind;
  readonly label: string;
  readonly quantity: string;
  readonly unitNet: string;
  readonly net: string;
  readonly serviceStart: Day | null;
  readonly serviceEnd: Day | null;
}

export interface BillableHosting {
  readonly hostingId: string;
  readonly customerId: string;
  readonly name: string;
  /** hebergements.date_anniversaire: the first day of the year to bill. */
  readonly anniversary: Day;
  readonly state: 'actif' | 'suspendu';
  readonly customerState: 'actif' | 'suspendu' | 'ferme';
  readonly plaqueProductId: string;
  /** clients.remise_pct, rounded ("0" when none). */
  readonly discountPct: string;
  readonly options: readonly HostingOption[];
  readonly pendingLines: readonly PendingLine[];
  /** `${productId}@${day}` of every pro-rata line already written for it (billed or pending). */
  readonly proratedOptions: ReadonlySet<string>;
}

export interface PlannedLine extends IssueInvoiceLineInput {
  kind: LineKind;
  vatRate: string;
  /** Set on a line that takes over a Gloux pending line (attached, not copied, by the mirror). */
  legacyLineId?: string;
}

export interface AnniversaryPlan {
  readonly hostingId: string;
  readonly customerId: string;
  readonly hostingName: string;
  readonly anniversary: Day;
  readonly periodStart: Day;
  readonly periodEnd: Day;
  readonly nextAnniversary: Day;
  readonly issuedOn: Day;
  readonly idempotencyKey: string;
  readonly lines: readonly PlannedLine[];
  /** What was left out on purpose (shares, one-off products), in French for the report. */
  readonly notes: readonly string[];
}

export interface PlanContext {
  readonly products: ReadonlyMap<string, Product>;
  /** The invoice date: the run's day (numbers come from that year's counter, as Gloux's G1). */
  readonly issuedOn: Day;
  readonly vatRateOn: (category: VatCategory, day: Day) => string;
}

/** An account's free trial as the log holds it (gloux2's sign-ups; Gloux's accounts have none). */
export interface AccountTrial {
  readonly trialEndsOn: Day | null;
  readonly convertedOn: Day | null;
}

/**
 * Why the anniversary run leaves an account alone on `issuedOn` (null: bill it). An account in
 * its free trial is invoiced when it converts or once the trial has ended, never before.
 */
export function trialSkipReason(trial: AccountTrial | undefined, issuedOn: Day): string | null {
  if (!trial || trial.trialEndsOn === null || trial.convertedOn !== null) return null;
  if (issuedOn > trial.trialEndsOn) return null;
  return `en période d’essai jusqu’au ${formatDayFr(trial.trialEndsOn)} : facturé à sa conversion ou à la fin de l’essai`;
}

/** One invoice per hosting account and year: the key a retried or repeated run reuses. */
export function anniversaryKey(hostingId: string, periodStart: Day): string {
  return `anniversary-${hostingId}-${periodStart}`;
}

/** Price HT of one unit for a whole year; null for a one-off product. */
export function annualPrice(product: Product): Dec | null {
  switch (product.periodicity) {
    case 'year':
      return new Dec(product.priceNet);
    case 'month':
      return new Dec(product.priceNet).times(12);
    case 'once':
      return null;
  }
}

/** An option is current on the anniversary when it has started and not stopped by then. */
export function isCurrentOption(o: HostingOption, anniversary: Day): boolean {
  return (
    (o.startsOn === null || o.startsOn <= anniversary) &&
    (o.endsOn === null || o.endsOn > anniversary)
  );
}

function percentLabel(pct: Dec): string {
  return pct.toString().replace('.', ',');
}

/**
 * The invoice of one hosting account for the year starting on its anniversary:
 * - the plaque (hebergements.id_plaque) and each current option × quantity, for the year;
 * - an option started after the previous anniversary and never billed: a 'prorata' line from
 *   its first day to the day before the anniversary, net = round(price × days / days of that
 *   year), quantity = days / days of that year (4 decimals), labelled as Gloux does;
 * - Gloux's pending lines of the account, as they are (they keep their own period);
 * - a reseller discount: −round(subtotal × pct / 100) on everything above.
 * Throws a DomainError when the account cannot be billed as it stands (unknown plaque...).
 */
export function planAnniversaryInvoice(h: BillableHosting, ctx: PlanContext): AnniversaryPlan {
  const anniversary = h.anniversary;
  const nextAnniversary = addYears(anniversary, 1);
  const periodEnd = yearEnd(anniversary);
  const previous = addYears(anniversary, -1);
  const previousDays = daysInclusive(previous, addDays(anniversary, -1));
  const standard = ctx.vatRateOn('standard', ctx.issuedOn);
  const rateOf = (p: Product | undefined) =>
    p ? ctx.vatRateOn(p.vatCategory, ctx.issuedOn) : standard;
  const notes: string[] = [];
  const lines: PlannedLine[] = [];
  const year = { serviceStart: anniversary, serviceEnd: periodEnd };

  if (h.customerState === 'ferme') {
    throw new DomainError('customer_closed', `Le client ${h.customerId} est fermé.`, 'customerId');
  }
  const plaque = ctx.products.get(h.plaqueProductId);
  const plaquePrice = plaque ? annualPrice(plaque) : null;
  if (!plaque || !isBillable(plaque) || plaquePrice === null) {
    throw new DomainError(
      'unknown_product',
      `Plaque introuvable ou non facturable à l’année (produit n° ${h.plaqueProductId}).`,
      'plaqueProductId',
    );
  }
  lines.push({
    kind: 'subscription',
    label: plaque.label,
    productId: plaque.productId,
    hostingId: h.hostingId,
    quantity: '1',
    unitNet: plaquePrice.toFixed(2),
    net: Money.round(plaquePrice).toString(),
    vatRate: rateOf(plaque),
    ...year,
  });

  const options = [...h.options].sort((a, b) => Number(a.optionId) - Number(b.optionId));
  const prorata: PlannedLine[] = [];
  for (const o of options) {
    if (o.quantity <= 0) continue;
    const product = ctx.products.get(o.productId);
    if (!product) {
      throw new DomainError(
        'unknown_product',
        `Option n° ${o.optionId} : produit n° ${o.productId} introuvable dans le catalogue.`,
        'options',
      );
    }
    const price = annualPrice(product);
    if (!isBillable(product) || price === null) {
      notes.push(
        `${product.label} : ${isBillable(product) ? 'paiement unique' : 'part sociale'}, non facturé à l’anniversaire.`,
      );
      continue;
    }
    const qty = new Dec(o.quantity);
    if (isCurrentOption(o, anniversary)) {
      lines.push({
        kind: 'option',
        label: product.label,
        productId: product.productId,
        hostingId: h.hostingId,
        quantity: qty.toString(),
        unitNet: price.toFixed(2),
        net: Money.round(price.times(qty)).toString(),
        vatRate: rateOf(product),
        ...year,
      });
    }
    // The stub of the year that ends: from the option's first day to the day before the anniversary.
    const start = o.startsOn;
    if (start === null || start <= previous || start >= anniversary) continue;
    if (h.proratedOptions.has(`${product.productId}@${start}`)) continue;
    const stopsBefore = o.endsOn !== null && o.endsOn < anniversary;
    const end = stopsBefore ? addDays(o.endsOn!, -1) : addDays(anniversary, -1);
    if (end < start) continue;
    const days = daysInclusive(start, end);
    const net = Money.round(price.times(qty).times(days).dividedBy(previousDays));
    if (net.isZero()) continue;
    prorata.push({
      kind: 'prorata',
      label: `${qty.equals(1) ? '' : `${qty.toString()} × `}${product.label} (prorata ${days}/${previousDays} j)`,
      productId: product.productId,
      hostingId: h.hostingId,
      quantity: qty.times(days).dividedBy(previousDays).toDecimalPlaces(4).toString(),
      unitNet: price.toFixed(2),
      net: net.toString(),
      vatRate: rateOf(product),
      serviceStart: start,
      serviceEnd: end,
    });
  }
  lines.push(...prorata);

  for (const p of h.pendingLines) {
    const product = p.productId === null ? undefined : ctx.products.get(p.productId);
    if (product && !isBillable(product)) {
      notes.push(`Ligne en attente n° ${p.legacyLineId} (part sociale) laissée en attente.`);
      continue;
    }
    lines.push({
      kind: p.kind,
      label: p.label,
      productId: product ? product.productId : null,
      hostingId: h.hostingId,
      quantity: p.quantity,
      unitNet: p.unitNet,
      net: p.net,
      vatRate: rateOf(product),
      serviceStart: p.serviceStart ?? ctx.issuedOn,
      serviceEnd: p.serviceEnd ?? p.serviceStart ?? ctx.issuedOn,
      legacyLineId: p.legacyLineId,
    });
  }

  const pct = parseField(
    'discountPct',
    () => parseDecimal(h.discountPct, 2),
    `Remise du client ${h.customerId} illisible.`,
  );
  if (pct.isNegative() || pct.greaterThan(100)) {
    throw new DomainError(
      'invalid_input',
      `Remise du client ${h.customerId} hors limites (${h.discountPct} %).`,
      'discountPct',
    );
  }
  if (!pct.isZero()) {
    const subtotal = Money.sum(lines.map((l) => Money.of(l.net)));
    const discount = capDiscount(
      Money.round(subtotal.times(pct).dividedBy(100)),
      lines,
      standard,
    ).negate();
    if (!discount.isZero()) {
      lines.push({
        kind: 'discount',
        label: `Remise revendeur ${percentLabel(pct)} %`,
        productId: null,
        hostingId: h.hostingId,
        quantity: '1',
        unitNet: discount.toString(),
        net: discount.toString(),
        vatRate: standard,
        ...year,
      });
    }
  }

  return {
    hostingId: h.hostingId,
    customerId: h.customerId,
    hostingName: h.name,
    anniversary,
    periodStart: anniversary,
    periodEnd,
    nextAnniversary,
    issuedOn: ctx.issuedOn,
    idempotencyKey: anniversaryKey(h.hostingId, anniversary),
    lines,
    notes,
  };
}

/**
 * The discount, reduced if need be so the invoice total (TTC) stays ≥ 0: each line's VAT is
 * rounded on its own, so a discount near 100 % (or at the standard rate on exempt lines) could
 * otherwise take the total a few cents below zero.
 */
function capDiscount(
  discount: Money,
  lines: readonly { net: string; vatRate: string }[],
  rate: string,
): Money {
  const totalTtc = Money.sum(
    lines.map((l) => Money.of(l.net).plus(lineVat(Money.of(l.net), l.vatRate))),
  );
  const ttc = (d: Money) => d.plus(lineVat(d, rate));
  if (ttc(discount).compare(totalTtc) <= 0) return discount;
  let capped = Money.of(
    totalTtc
      .toDecimal()
      .dividedBy(new Dec(rate).dividedBy(100).plus(1))
      .toDecimalPlaces(2, Dec.ROUND_DOWN)
      .toFixed(2),
  );
  while (ttc(capped).compare(totalTtc) > 0) capped = capped.minus(Money.of('0.01'));
  return capped.isNegative() ? Money.ZERO : capped;
}
