import { addDays, compareDays, parseDay, type Day } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { glouxColumnError } from '../legacy/gloux-columns.js';
import { Money, parseDecimal, roundCents, Dec } from '../shared/money.js';
import { isBillable, type ProductType } from '../catalogue/catalogue.js';
import type { VatCategory } from '../catalogue/events.js';
import type { InvoiceEvent, InvoiceIssued, InvoiceLine, LineKind } from './events.js';

export interface InvoiceState {
  /** 'cancelled': fully credited by credit notes. */
  readonly status: 'none' | 'issued' | 'paid' | 'cancelled';
  readonly invoiceId: string;
  readonly number: string;
  readonly customerId: string;
  readonly issuedOn: Day;
  readonly dueOn: Day;
  readonly billingAddress: string;
  readonly total: Money;
  /** Total (TTC) of the credit notes issued on it. */
  readonly credited: Money;
  /** Net money allocated to it: payments and credit applied, minus reversals and releases. */
  readonly paid: Money;
  readonly lines: readonly InvoiceLine[];
  /** Net (HT) credited so far per invoice line id. */
  readonly creditedNet: ReadonlyMap<string, Money>;
  /** VAT credited so far per invoice line id (VAT once invoiced is never recomputed). */
  readonly creditedVat: ReadonlyMap<string, Money>;
  readonly creditNotes: readonly { creditNoteId: string; number: string; total: Money }[];
  readonly payments: readonly { paymentId: string; amount: Money; paidOn: Day }[];
}

export const initialInvoiceState: InvoiceState = {
  status: 'none',
  invoiceId: '',
  number: '',
  customerId: '',
  issuedOn: '',
  dueOn: '',
  billingAddress: '',
  total: Money.ZERO,
  credited: Money.ZERO,
  paid: Money.ZERO,
  lines: [],
  creditedNet: new Map(),
  creditedVat: new Map(),
  creditNotes: [],
  payments: [],
};

/** What is still due: total − credit notes − paid. */
export function balanceOf(state: InvoiceState): Money {
  return state.total.minus(state.credited).minus(state.paid);
}

function statusOf(total: Money, credited: Money, paid: Money): InvoiceState['status'] {
  if (!total.isZero() && credited.compare(total) >= 0) return 'cancelled';
  return paid.compare(total.minus(credited)) >= 0 ? 'paid' : 'issued';
}

export function evolveInvoice(state: InvoiceState, event: InvoiceEvent): InvoiceState {
  switch (event.type) {
    case 'InvoiceIssued': {
      const total = Money.of(event.data.total);
      return {
        ...state,
        status: statusOf(total, Money.ZERO, Money.ZERO),
        invoiceId: event.data.invoiceId,
        number: event.data.number,
        customerId: event.data.customerId,
        issuedOn: event.data.issuedOn,
        dueOn: event.data.dueOn,
        billingAddress: event.data.billingAddress,
        total,
        lines: event.data.lines,
      };
    }
    case 'CreditNoteIssued': {
      const d = event.data;
      const credited = state.credited.plus(Money.of(d.total));
      const paid = state.paid.minus(Money.of(d.toCredit));
      const creditedNet = new Map(state.creditedNet);
      const creditedVat = new Map(state.creditedVat);
      for (const l of d.lines) {
        creditedNet.set(
          l.creditedLineId,
          (creditedNet.get(l.creditedLineId) ?? Money.ZERO).plus(Money.of(l.net)),
        );
        creditedVat.set(
          l.creditedLineId,
          (creditedVat.get(l.creditedLineId) ?? Money.ZERO).plus(Money.of(l.vat)),
        );
      }
      return {
        ...state,
        credited,
        paid,
        creditedNet,
        creditedVat,
        creditNotes: [
          ...state.creditNotes,
          { creditNoteId: d.creditNoteId, number: d.number, total: Money.of(d.total) },
        ],
        status: statusOf(state.total, credited, paid),
      };
    }
    case 'LegacyInvoiceLinesCorrected': {
      // Gloux's lines and totals replace the invoice's; credit notes keep what they took.
      const total = Money.of(event.data.total);
      return {
        ...state,
        total,
        lines: event.data.lines,
        status: statusOf(total, state.credited, state.paid),
      };
    }
    case 'InvoicePaymentAllocated': {
      const amount = Money.of(event.data.amount);
      const paid = state.paid.plus(amount);
      return {
        ...state,
        paid,
        status: statusOf(state.total, state.credited, paid),
        payments: [
          ...state.payments,
          { paymentId: event.data.paymentId, amount, paidOn: event.data.paidOn },
        ],
      };
    }
  }
}

/** The invoice as its events leave it (events in stream order). */
export function foldInvoice(events: readonly InvoiceEvent[]): InvoiceState {
  return events.reduce(evolveInvoice, initialInvoiceState);
}

/** Spreads an amount over unpaid invoices in the order given, each up to its balance. */
export function autoAllocate(
  amount: unknown,
  invoices: readonly InvoiceState[],
): { invoiceId: string; amount: string }[] {
  let left: Money;
  try {
    left = Money.of(amount);
  } catch {
    return []; // the decision reports the unreadable amount
  }
  const out: { invoiceId: string; amount: string }[] = [];
  for (const invoice of invoices) {
    if (!left.isPositive()) break;
    const due = balanceOf(invoice);
    if (invoice.status !== 'issued' || !due.isPositive()) continue;
    const part = due.compare(left) < 0 ? due : left;
    out.push({ invoiceId: invoice.invoiceId, amount: part.toString() });
    left = left.minus(part);
  }
  return out;
}

export interface IssueInvoiceLineInput {
  kind?: LineKind;
  label: string;
  productId?: string | null;
  hostingId?: string | null;
  quantity?: string;
  unitNet?: string;
  net: string;
  /** May be omitted on a product line: the schedule's rate in force on the invoice date. */
  vatRate?: string;
  serviceStart: string;
  serviceEnd: string;
}

/** The catalogue as invoice validation sees it: products by id and the dated VAT schedule. */
export interface InvoiceCatalogue {
  product(productId: string): { type: ProductType; vatCategory: VatCategory } | undefined;
  /** Throws a DomainError when no rate is in force on `day`. */
  vatRateOn(category: VatCategory, day: Day): string;
}

export interface IssueInvoice {
  customerId: string;
  issuedOn: string;
  dueOn?: string;
  billingAddress?: string;
  lines: IssueInvoiceLineInput[];
}

/** Gloux's data: due 60 days after the invoice date (sample F2008-000955: 03-05 → 05-04). */
export const DEFAULT_PAYMENT_TERM_DAYS = 60;

const LINE_KINDS: readonly LineKind[] = [
  'subscription',
  'option',
  'prorata',
  'overage',
  'discount',
  'misc',
];

/**
 * Invoices and credit notes are numbered in one chronological sequence per series (CGI art.
 * 242 nonies A): a document may not be dated in the future, nor before the last one of its
 * series, or its number would break the chronology.
 */
export function checkChronology(
  issuedOn: Day,
  ctx: { today: Day; latestInSeries: Day | null; series: string },
): void {
  if (compareDays(issuedOn, ctx.today) > 0) {
    throw new DomainError('invalid_input', 'La date ne peut pas être dans le futur.', 'issuedOn');
  }
  if (ctx.latestInSeries !== null && compareDays(issuedOn, ctx.latestInSeries) < 0) {
    throw new DomainError(
      'invalid_input',
      `La date ne peut pas précéder celle du dernier document de la série ${ctx.series} (${ctx.latestInSeries}) : la numérotation doit rester chronologique.`,
      'issuedOn',
      { latestInSeries: ctx.latestInSeries },
    );
  }
}

/**
 * VAT of one amount alone: round(net × rate / 100). The VAT of a one-line invoice, and what
 * estimates (overage, previews) use for a single amount.
 */
export function lineVat(net: Money, vatRate: string): Money {
  return Money.round(net.times(new Dec(vatRate).dividedBy(100)));
}

/**
 * VAT per rate on the document's base (docs/accounting.md §1), as Gloux's `total_tva` and the
 * printed VAT recap compute it: for each rate, its lines in line order with C_i their
 * cumulative net, line VAT_i = round(C_i × rate) − round(C_(i−1) × rate). The VATs of a rate
 * add up to round(base × rate), and each line is within a cent of its own round(net × rate).
 * Rates are compared as numbers ("20" and "20.0" are one rate).
 */
export function vatPerRate(lines: readonly { net: Money; vatRate: string }[]): Money[] {
  const cumulative = new Map<string, { net: Dec; vat: Money }>();
  return lines.map((line) => {
    const rate = new Dec(line.vatRate);
    const key = rate.toString();
    const before = cumulative.get(key) ?? { net: new Dec(0), vat: Money.ZERO };
    const net = before.net.plus(line.net.toDecimal());
    const vat = Money.round(net.times(rate.dividedBy(100)));
    cumulative.set(key, { net, vat });
    return vat.minus(before.vat);
  });
}

/**
 * With a catalogue, a line naming a product must name a known, billable one (never a share),
 * and gets the schedule's rate on the invoice date when it gives none.
 */
function catalogueRate(
  input: IssueInvoiceLineInput,
  issuedOn: Day,
  catalogue: InvoiceCatalogue | undefined,
  n: number,
  at: string,
): string | undefined {
  const productId = input.productId;
  if (!catalogue || productId === undefined || productId === null || productId === '')
    return input.vatRate;
  const product = catalogue.product(String(productId));
  if (!product) {
    throw new DomainError(
      'invalid_input',
      `Ligne ${n} : produit n° ${String(productId)} inconnu du catalogue.`,
      `${at}.productId`,
    );
  }
  if (!isBillable(product)) {
    throw new DomainError(
      'invalid_input',
      `Ligne ${n} : une part sociale n’est pas une prestation, elle ne se facture pas.`,
      `${at}.productId`,
    );
  }
  if (input.vatRate !== undefined) return input.vatRate;
  try {
    return catalogue.vatRateOn(product.vatCategory, issuedOn);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(
      error.code,
      `Ligne ${n} : ${error.message}`,
      `${at}.vatRate`,
      error.details,
    );
  }
}

/** Checks an issue-invoice command and computes its lines; pure, so it can run before a number is drawn. */
export function validateIssueInvoice(
  cmd: IssueInvoice,
  ids: { lineId: (index: number) => string; catalogue?: InvoiceCatalogue },
) {
  if (!/^[1-9]\d{0,9}$/.test(String(cmd.customerId ?? ''))) {
    throw new DomainError('invalid_input', 'Le numéro de client est invalide.', 'customerId');
  }
  const issuedOn = parseField(
    'issuedOn',
    () => parseDay(cmd.issuedOn),
    'La date de facture est invalide (AAAA-MM-JJ).',
  );
  const dueOn =
    cmd.dueOn === undefined || cmd.dueOn === ''
      ? addDays(issuedOn, DEFAULT_PAYMENT_TERM_DAYS)
      : parseField(
          'dueOn',
          () => parseDay(cmd.dueOn),
          'La date d’échéance est invalide (AAAA-MM-JJ).',
        );
  if (compareDays(dueOn, issuedOn) < 0) {
    throw new DomainError(
      'invalid_input',
      'L’échéance ne peut pas précéder la date de facture.',
      'dueOn',
    );
  }
  if (!Array.isArray(cmd.lines) || cmd.lines.length === 0) {
    throw new DomainError('invalid_input', 'Une facture doit avoir au moins une ligne.', 'lines');
  }
  if (cmd.lines.length > 500) {
    throw new DomainError(
      'invalid_input',
      'Une facture ne peut pas avoir plus de 500 lignes.',
      'lines',
    );
  }
  const parsed = cmd.lines.map((input, i) => {
    const at = `lines[${i}]`;
    const n = i + 1;
    // Input from the API is untrusted JSON: a line may be anything.
    if (input === null || typeof input !== 'object') {
      throw new DomainError('invalid_input', `Ligne ${n} : ligne illisible.`, at);
    }
    const label = String(input.label ?? '').trim();
    if (label === '' || label.length > 255) {
      throw new DomainError(
        'invalid_input',
        `Ligne ${n} : le libellé est obligatoire (255 caractères au plus).`,
        `${at}.label`,
      );
    }
    const labelBytes = glouxColumnError(label, 'factures_lignes.libelle');
    if (labelBytes !== null) {
      throw new DomainError(
        'invalid_input',
        `Ligne ${n} : libellé ${labelBytes.charAt(0).toLowerCase()}${labelBytes.slice(1)}`,
        `${at}.label`,
      );
    }
    const kind = input.kind ?? 'misc';
    if (!LINE_KINDS.includes(kind)) {
      throw new DomainError('invalid_input', `Ligne ${n} : type de ligne inconnu.`, `${at}.kind`);
    }
    const vatRateInput = catalogueRate(input, issuedOn, ids.catalogue, n, at);
    const net = parseField(
      `${at}.net`,
      () => Money.of(input.net),
      `Ligne ${n} : le montant HT est invalide (ex. 20.07).`,
    );
    const rate = parseField(
      `${at}.vatRate`,
      () => parseDecimal(vatRateInput, 4),
      `Ligne ${n} : le taux de TVA est invalide.`,
    );
    if (rate.isNegative() || rate.greaterThan(100)) {
      throw new DomainError(
        'invalid_input',
        `Ligne ${n} : le taux de TVA doit être compris entre 0 et 100.`,
        `${at}.vatRate`,
      );
    }
    const quantity = parseField(
      `${at}.quantity`,
      () => parseDecimal(input.quantity ?? '1', 4),
      `Ligne ${n} : la quantité est invalide.`,
    );
    if (quantity.isNegative()) {
      throw new DomainError(
        'invalid_input',
        `Ligne ${n} : la quantité ne peut pas être négative.`,
        `${at}.quantity`,
      );
    }
    const start = parseField(
      `${at}.serviceStart`,
      () => parseDay(input.serviceStart),
      `Ligne ${n} : début de période invalide.`,
    );
    const end = parseField(
      `${at}.serviceEnd`,
      () => parseDay(input.serviceEnd),
      `Ligne ${n} : fin de période invalide.`,
    );
    if (compareDays(end, start) < 0) {
      throw new DomainError(
        'invalid_input',
        `Ligne ${n} : la fin de période précède son début.`,
        `${at}.serviceEnd`,
      );
    }
    const vatRate = rate.toString();
    const unitNet =
      input.unitNet !== undefined
        ? parseField(
            `${at}.unitNet`,
            () => parseDecimal(input.unitNet, 4).toString(),
            `Ligne ${n} : prix unitaire invalide.`,
          )
        : quantity.isZero()
          ? net.toString()
          : roundCents(net.toDecimal().dividedBy(quantity)).toFixed(2);
    return {
      lineId: ids.lineId(i),
      kind,
      label,
      productId: input.productId ?? null,
      hostingId: input.hostingId ?? null,
      quantity: quantity.toString(),
      unitNet,
      net: net.toString(),
      vatRate,
      serviceStart: start,
      serviceEnd: end,
    };
  });
  const vats = vatPerRate(parsed.map((l) => ({ net: Money.of(l.net), vatRate: l.vatRate })));
  const lines: InvoiceLine[] = parsed.map((l, i) => {
    const { serviceStart, serviceEnd, ...head } = l;
    const vat = vats[i]!;
    return {
      ...head,
      vat: vat.toString(),
      total: Money.of(l.net).plus(vat).toString(),
      serviceStart,
      serviceEnd,
    };
  });
  const totalNet = Money.sum(lines.map((l) => Money.of(l.net)));
  const totalVat = Money.sum(lines.map((l) => Money.of(l.vat)));
  const total = totalNet.plus(totalVat);
  if (total.isNegative()) {
    throw new DomainError(
      'invalid_input',
      'Le total de la facture ne peut pas être négatif (utilisez un avoir).',
      'lines',
    );
  }
  return { issuedOn, dueOn, lines, totalNet, totalVat, total };
}

export function decideIssueInvoice(
  state: InvoiceState,
  cmd: IssueInvoice,
  ctx: {
    invoiceId: string;
    number: string;
    billingAddress: string;
    lineId: (index: number) => string;
    catalogue?: InvoiceCatalogue;
  },
): InvoiceIssued[] {
  if (state.status !== 'none') {
    throw new DomainError('already_issued', `La facture ${state.number} existe déjà.`);
  }
  const v = validateIssueInvoice(cmd, ctx);
  return [
    {
      type: 'InvoiceIssued',
      data: {
        invoiceId: ctx.invoiceId,
        number: ctx.number,
        customerId: cmd.customerId,
        issuedOn: v.issuedOn,
        dueOn: v.dueOn,
        billingAddress: cmd.billingAddress?.trim() || ctx.billingAddress,
        lines: v.lines,
        totalNet: v.totalNet.toString(),
        totalVat: v.totalVat.toString(),
        total: v.total.toString(),
      },
    },
  ];
}
