import {
  decideIssueCreditNote,
  remainingNet,
  validateCreditNote,
  type IssueCreditNote,
} from '../billing/credit-note.js';
import type {
  CreditNoteIssued,
  InvoiceIssued,
  InvoiceLine,
  InvoicePaymentAllocated,
  LegacyInvoiceLinesCorrected,
  LineKind,
  PaymentEvent,
  PaymentMethod,
} from '../billing/events.js';
import { vatPerRate, type InvoiceState } from '../billing/invoice.js';
import { DomainError } from '../shared/errors.js';
import { addDays, isDay } from '../shared/day.js';
import { Dec, Money, parseDecimal } from '../shared/money.js';

/**
 * Gloux → gloux2: what a row Gloux wrote means as events of gloux2's log (recorded with
 * metadata source 'gloux'). Pure: rows come in already decoded (text as UTF-8, FLOAT money as
 * decimal strings, zero dates as null), ids come from the caller (deterministic, so the same
 * Gloux row always gives the same events), and what gloux2 already knows is passed in.
 *
 * Reuses the billing events: a Gloux invoice is an InvoiceIssued with its Gloux number, a
 * Gloux payment a PaymentRecorded with its allocations (an allocation added later a
 * PaymentAllocationChanged), a cheque Gloux marks 'rejete' or a payment it marks 'rembourse'
 * a PaymentReversed.
 */

/** A `factures` row, decoded. Dates null for Gloux's zero date. */
export interface GlouxInvoiceRow {
  readonly id: number;
  readonly number: string;
  readonly customerId: string;
  readonly issuedOn: string | null;
  readonly dueOn: string | null;
  readonly billingAddress: string;
  readonly totalNet: string;
  readonly totalVat: string;
  readonly total: string;
  readonly status: string;
  readonly kind: string;
  /** id_facture_origine: the invoice an avoir cites (0: none). */
  readonly originId?: number;
}

/** A `factures_lignes` row, decoded (FLOAT columns as the decimal Gloux meant). */
export interface GlouxLineRow {
  readonly id: number;
  readonly invoiceId: number;
  readonly hostingId: number;
  readonly productId: number;
  readonly kind: string;
  readonly label: string;
  readonly quantity: string;
  readonly unitNet: string;
  readonly vatRate: string;
  /** Rounded to the cent. */
  readonly net: string;
  readonly serviceStart: string | null;
  readonly serviceEnd: string | null;
}

export interface GlouxPaymentRow {
  readonly id: number;
  readonly customerId: string;
  readonly mode: string;
  /** DOUBLE rounded to the cent. */
  readonly amount: string;
  readonly paidOn: string | null;
  readonly enteredOn: string | null;
  readonly reference: string;
  readonly bank: string;
  readonly state: string;
}

/** Something Gloux wrote that gloux2 could not (fully) take: shown in the import report. */
export interface IngestIssue {
  readonly code: string;
  readonly message: string;
}

/** Gloux's factures_lignes.type_ligne as gloux2's line kinds. */
export const LEGACY_LINE_KIND: Record<string, LineKind> = {
  abonnement: 'subscription',
  option: 'option',
  prorata: 'prorata',
  depassement: 'overage',
  remise: 'discount',
  divers: 'misc',
};

export const PAYMENT_METHOD: Record<string, PaymentMethod> = {
  cb: 'card',
  cheque: 'cheque',
  virement: 'transfer',
  especes: 'cash',
  autre: 'other',
};

/** Gloux statuses gloux2 imports an invoice in (a 'brouillon' is a draft, not a document). */
export const IMPORTABLE_INVOICE_STATUSES = ['emise', 'payee', 'annulee'];

function money(value: string): Money | null {
  try {
    return Money.of(value);
  } catch {
    return null;
  }
}

/**
 * Sets the VAT of a Gloux invoice's lines (in place): per rate on the base (docs/accounting.md
 * §1), then, when the lines' nets are Gloux's `total_ht`, Gloux's `total_tva` is the truth: the
 * cent or two its FLOAT arithmetic differs by goes to the line with the largest net at a
 * non-zero rate (never to an invented 0 % line).
 */
function withGlouxVat(lines: InvoiceLine[], totalNet: Money, totalVat: Money): void {
  const vats = vatPerRate(lines.map((l) => ({ net: Money.of(l.net), vatRate: l.vatRate })));
  const nets = Money.sum(lines.map((l) => Money.of(l.net)));
  const gap = totalVat.minus(Money.sum(vats));
  if (!gap.isZero() && nets.equals(totalNet)) {
    let taker = -1;
    lines.forEach((l, i) => {
      if (new Dec(l.vatRate).isZero()) return;
      if (taker < 0 || abs(Money.of(l.net)).compare(abs(Money.of(lines[taker]!.net))) > 0)
        taker = i;
    });
    if (taker >= 0) vats[taker] = vats[taker]!.plus(gap);
  }
  lines.forEach((l, i) => {
    const vat = vats[i]!;
    lines[i] = { ...l, vat: vat.toString(), total: Money.of(l.net).plus(vat).toString() };
  });
}

/** Issue code of a Gloux invoice whose lines do not make its total (yet). */
export const INCOMPLETE_LINES = 'lines_incomplete';

/**
 * The InvoiceIssued for a Gloux invoice, or why it cannot be imported, or (pending) that its
 * lines do not make its total yet: it is taken once they do. Lines keep Gloux's
 * labels, periods and rates; their VAT is Gloux's `total_tva` (see withGlouxVat), so the
 * invoice keeps Gloux's totals exactly (what a payment settles and the customer's balance
 * agree with Gloux to the cent). Lines whose nets miss `total_ht` leave a gap: an adjustment
 * line at 0 % carries it.
 */
export function invoiceFromGloux(
  row: GlouxInvoiceRow,
  lines: readonly GlouxLineRow[],
  ids: { invoiceId: string; lineId: (legacyLineId: number) => string; adjustmentLineId: string },
):
  | { event: InvoiceIssued; notes: IngestIssue[] }
  | { issue: IngestIssue }
  | { pending: IngestIssue } {
  if (row.kind !== 'facture')
    return {
      issue: {
        code: 'credit_note',
        message: `Document ${row.number || `n° ${row.id}`} de type « ${row.kind} » : pas une facture (un avoir est importé comme avoir).`,
      },
    };
  if (row.number.trim() === '')
    return {
      issue: { code: 'no_number', message: `Facture n° ${row.id} émise sans numéro dans Gloux.` },
    };
  if (row.issuedOn === null || !isDay(row.issuedOn))
    return {
      issue: {
        code: 'no_date',
        message: `Facture ${row.number} sans date (date_facture vide dans Gloux).`,
      },
    };
  const totalNet = money(row.totalNet);
  const totalVat = money(row.totalVat);
  const total = money(row.total);
  if (!totalNet || !totalVat || !total)
    return {
      issue: { code: 'bad_amount', message: `Facture ${row.number} : montants illisibles.` },
    };
  const notes: IngestIssue[] = [];
  const issuedOn = row.issuedOn;
  const dueOn = row.dueOn !== null && isDay(row.dueOn) ? row.dueOn : addDays(issuedOn, 60);
  if (row.dueOn === null)
    notes.push({
      code: 'no_due_date',
      message: `Facture ${row.number} sans échéance dans Gloux : échéance prise à 60 jours (${dueOn}).`,
    });
  // Lines without a period (a discount) take the invoice's main period.
  const dated = lines.find(
    (l) => l.serviceStart !== null && l.serviceEnd !== null && l.serviceStart <= l.serviceEnd,
  );
  const period = dated
    ? { start: dated.serviceStart!, end: dated.serviceEnd! }
    : { start: issuedOn, end: issuedOn };
  const out: InvoiceLine[] = [];
  for (const l of lines) {
    const net = money(l.net);
    let rate = l.vatRate;
    try {
      const r = parseDecimal(rate, 4);
      if (r.isNegative() || r.greaterThan(100)) throw new Error('rate');
      rate = r.toString();
    } catch {
      notes.push({
        code: 'bad_line',
        message: `Facture ${row.number}, ligne n° ${l.id} : taux de TVA illisible (${l.vatRate}), ligne prise à 0 %.`,
      });
      rate = '0';
    }
    if (!net) {
      notes.push({
        code: 'bad_line',
        message: `Facture ${row.number}, ligne n° ${l.id} : montant illisible, ligne ignorée.`,
      });
      continue;
    }
    const ok = l.serviceStart !== null && l.serviceEnd !== null && l.serviceStart <= l.serviceEnd;
    const vat = Money.ZERO; // set below, per rate on the invoice's base
    out.push({
      lineId: ids.lineId(l.id),
      kind: LEGACY_LINE_KIND[l.kind] ?? 'misc',
      label: l.label || '(sans libellé)',
      productId: l.productId > 0 ? String(l.productId) : null,
      hostingId: l.hostingId > 0 ? String(l.hostingId) : null,
      quantity: l.quantity,
      unitNet: l.unitNet,
      net: net.toString(),
      vatRate: rate,
      vat: vat.toString(),
      total: net.plus(vat).toString(),
      serviceStart: ok ? l.serviceStart! : period.start,
      serviceEnd: ok ? l.serviceEnd! : period.end,
    });
  }
  withGlouxVat(out, totalNet, totalVat);
  const linesTotal = Money.sum(out.map((l) => Money.of(l.total)));
  const gap = total.minus(linesTotal);
  // Gloux writes factures, then its lines one by one: lines that miss the total by more than
  // a cent each are not all written yet. Never invent the rest: the invoice waits for them.
  const tolerance = Money.of((out.length / 100).toFixed(2));
  if (abs(gap).compare(tolerance) > 0)
    return {
      pending: {
        code: INCOMPLETE_LINES,
        message: `Facture ${row.number} : ses lignes dans Gloux font ${linesTotal.toString()} pour un total de ${total.toString()} ; elle est prise dès que ses lignes font son total.`,
      },
    };
  if (!gap.isZero()) {
    out.push({
      lineId: ids.adjustmentLineId,
      kind: 'misc',
      label: 'Écart d’arrondi de Gloux (TVA calculée sur le total)',
      productId: null,
      hostingId: null,
      quantity: '1',
      unitNet: gap.toString(),
      net: gap.toString(),
      vatRate: '0',
      vat: '0.00',
      total: gap.toString(),
      serviceStart: period.start,
      serviceEnd: period.end,
    });
    notes.push({
      code: 'rounding',
      message: `Facture ${row.number} : les lignes font ${linesTotal.toString()} pour un total de ${total.toString()} ; l’écart est porté par une ligne d’ajustement.`,
    });
  }
  return {
    event: {
      type: 'InvoiceIssued',
      data: {
        invoiceId: ids.invoiceId,
        number: row.number,
        customerId: row.customerId,
        issuedOn,
        dueOn,
        billingAddress: row.billingAddress,
        lines: out,
        totalNet: totalNet.toString(),
        totalVat: totalVat.toString(),
        total: total.toString(),
      },
    },
    notes,
  };
}

/** An invoice's lines and totals as gloux2 holds them (its issue, or its last correction). */
export type InvoiceLinesState = LegacyInvoiceLinesCorrected['data']['previous'];

/**
 * Gloux's lines of an invoice gloux2 already took in, read again (docs/legacy-contract.md rule
 * 4): unchanged, or a LegacyInvoiceLinesCorrected dated `on` (the day gloux2 sees it), or
 * pending (Gloux is still writing them: they do not make its total), or an issue for a person
 * when gloux2 cannot follow without rewriting what it recorded since (a credit note on the
 * invoice, or a total now below what was paid on it).
 */
export function invoiceCorrectionFromGloux(
  row: GlouxInvoiceRow,
  lines: readonly GlouxLineRow[],
  current: { readonly state: InvoiceState; readonly holds: InvoiceLinesState },
  ids: {
    correctionId: string;
    lineId: (legacyLineId: number) => string;
    adjustmentLineId: string;
  },
  on: string,
):
  | { unchanged: true }
  | { event: LegacyInvoiceLinesCorrected; notes: IngestIssue[] }
  | { issue: IngestIssue }
  | { pending: IngestIssue } {
  const { state, holds } = current;
  const r = invoiceFromGloux(row, lines, { ...ids, invoiceId: state.invoiceId });
  if (!('event' in r)) return r;
  const d = r.event.data;
  const same =
    JSON.stringify(d.lines) === JSON.stringify(holds.lines) &&
    d.totalNet === holds.totalNet &&
    d.totalVat === holds.totalVat &&
    d.total === holds.total;
  if (same) return { unchanged: true };
  const name = `Facture ${state.number}`;
  if (state.creditNotes.length > 0)
    return {
      issue: {
        code: LINES_CHANGED,
        message: `${name} : ses lignes ont changé dans Gloux après l’avoir ${state.creditNotes.map((c) => c.number).join(', ')} ; gloux2 garde les lignes qu’il a. Rétablir les lignes dans Gloux, ou établir un avoir.`,
      },
    };
  const total = Money.of(d.total);
  if (state.paid.compare(total) > 0 || (total.isNegative() && !state.paid.isZero()))
    return {
      issue: {
        code: LINES_CHANGED,
        message: `${name} : ses lignes dans Gloux font maintenant ${d.total} pour ${state.paid.toString()} déjà payés ; gloux2 garde les lignes qu’il a. Rétablir les lignes dans Gloux, ou rembourser le trop-perçu.`,
      },
    };
  return {
    event: {
      type: 'LegacyInvoiceLinesCorrected',
      data: {
        correctionId: ids.correctionId,
        invoiceId: state.invoiceId,
        number: state.number,
        customerId: state.customerId,
        on,
        lines: d.lines,
        totalNet: d.totalNet,
        totalVat: d.totalVat,
        total: d.total,
        previous: holds,
      },
    },
    notes: r.notes,
  };
}

/** Issue code of a Gloux invoice whose later line change gloux2 cannot take in as it is. */
export const LINES_CHANGED = 'lines_changed';

/** What gloux2 knows of an invoice a Gloux payment is allocated to. */
export interface KnownInvoice {
  readonly invoiceId: string;
  readonly number: string;
  /** total − credited − paid: what an allocation may still settle. */
  readonly balance: Money;
}

/** What gloux2 knows of a Gloux payment (null: never imported). */
export interface KnownPayment {
  readonly status: 'valid' | 'bounced';
  readonly amount: Money;
  readonly reversed: Money;
  /** What this payment pays on each invoice now (after reversals), by gloux2 invoice id. */
  readonly allocations: ReadonlyMap<string, Money>;
  /** What it was allocated in all (reversals not deducted), by gloux2 invoice id. */
  readonly allocated: ReadonlyMap<string, Money>;
}

export interface PaymentIngest {
  readonly payment: PaymentEvent[];
  /** By gloux2 invoice id, in order. */
  readonly invoices: Map<string, InvoicePaymentAllocated[]>;
  readonly issues: IngestIssue[];
}

/**
 * Events bringing gloux2's view of one Gloux payment to what Gloux holds now: the payment
 * itself when new, allocations added (or taken back) since, and a reversal when Gloux marked
 * it 'rejete' or 'rembourse'. Gloux's allocations are facts already recorded: one that exceeds
 * what the invoice still asks is taken up to the balance and the rest reported, never refused.
 * `allocations` are Gloux's paiements_factures sums per invoice, resolved to gloux2 invoices
 * (allocations to invoices gloux2 does not have are reported by the caller).
 */
export function paymentFromGloux(
  row: GlouxPaymentRow,
  allocations: readonly { invoice: KnownInvoice; amount: Money }[],
  known: KnownPayment | null,
  ids: { paymentId: string; reversalId: string },
  /** The day gloux2 sees the change: a reversal of a payment it already had is dated then. */
  today: string,
): PaymentIngest {
  const out: PaymentIngest = { payment: [], invoices: new Map(), issues: [] };
  const amount = money(row.amount);
  if (!amount) {
    out.issues.push({ code: 'bad_amount', message: `Paiement n° ${row.id} : montant illisible.` });
    return out;
  }
  const on = row.paidOn ?? row.enteredOn;
  if (on === null || !isDay(on)) {
    out.issues.push({
      code: 'no_date',
      message: `Paiement n° ${row.id} sans date (date_paiement vide dans Gloux).`,
    });
    return out;
  }
  if (known === null && row.state === 'attente') return out;
  // A zero date_paiement is unknown: dated by its entry, and said, so G7 and gloux2 can be squared.
  if (row.paidOn === null)
    out.issues.push({
      code: 'zero_payment_date',
      message: `Paiement n° ${row.id} sans date de paiement dans Gloux (date_paiement nulle) : daté du ${on}, jour de sa saisie ; à corriger dans Gloux.`,
    });
  const addInvoiceEvent = (invoiceId: string, paymentId: string, m: Money, day = on) => {
    const list = out.invoices.get(invoiceId) ?? [];
    list.push({
      type: 'InvoicePaymentAllocated',
      data: { invoiceId, paymentId, amount: m.toString(), paidOn: day },
    });
    out.invoices.set(invoiceId, list);
  };
  // Allocation changes: Gloux's sum per invoice against what gloux2 allocated in all.
  const changes: { invoiceId: string; amount: Money }[] = [];
  for (const a of allocations) {
    const before = known?.allocated.get(a.invoice.invoiceId) ?? Money.ZERO;
    let delta = a.amount.minus(before);
    if (delta.isZero()) continue;
    if (delta.isPositive() && delta.compare(a.invoice.balance) > 0) {
      const kept = a.invoice.balance.isPositive() ? a.invoice.balance : Money.ZERO;
      out.issues.push({
        code: 'overpaid',
        message: `Paiement n° ${row.id} : Gloux affecte ${delta.toString()} de plus à la facture ${a.invoice.number}, qui ne demande plus que ${kept.toString()} ; ${delta.minus(kept).toString()} restent non affectés.`,
      });
      delta = kept;
      if (delta.isZero()) continue;
    }
    changes.push({ invoiceId: a.invoice.invoiceId, amount: delta });
  }
  // What the payment pays in all once these changes are in (gloux2's view of Gloux's sums).
  const allocated = Money.sum([
    ...(known ? [...known.allocated.values()] : []),
    ...changes.map((c) => c.amount),
  ]);
  if (changes.some((c) => c.amount.isPositive()) && allocated.compare(amount) > 0)
    out.issues.push({
      code: 'allocations_exceed_payment',
      message: `Paiement n° ${row.id} : ses affectations (${allocated.toString()}) dépassent son montant (${amount.toString()}).`,
    });
  if (known === null) {
    out.payment.push({
      type: 'PaymentRecorded',
      data: {
        paymentId: ids.paymentId,
        customerId: row.customerId,
        method: PAYMENT_METHOD[row.mode] ?? 'other',
        amount: amount.toString(),
        receivedOn: on,
        reference: row.reference.slice(0, 64),
        bank: row.bank.slice(0, 64),
        allocations: changes.map((c) => ({ invoiceId: c.invoiceId, amount: c.amount.toString() })),
      },
    });
  } else {
    // On the payment's own stream too, so a later bounce or refund takes these invoices back.
    // Dated the day gloux2 sees it, never the payment's day: a period already declared is not
    // rewritten, and the reports show it as a correction of that day (docs/legacy-contract.md rule 4).
    for (const c of changes)
      out.payment.push({
        type: 'PaymentAllocationChanged',
        data: {
          paymentId: ids.paymentId,
          customerId: row.customerId,
          invoiceId: c.invoiceId,
          amount: c.amount.toString(),
          on: today,
        },
      });
  }
  for (const c of changes)
    addInvoiceEvent(c.invoiceId, ids.paymentId, c.amount, known === null ? on : today);
  // Gloux's etat: 'rejete' (bounced cheque) and 'rembourse' (refunded) take the money back.
  const reversed = known?.reversed ?? Money.ZERO;
  const pending =
    (row.state === 'rejete' && known?.status !== 'bounced') ||
    (row.state === 'rembourse' && reversed.compare(amount) < 0);
  const back = amount.minus(reversed);
  if (pending && back.isPositive()) {
    const reversedOn = known === null ? on : today;
    const now = new Map(known?.allocations ?? []);
    for (const c of changes)
      now.set(c.invoiceId, (now.get(c.invoiceId) ?? Money.ZERO).plus(c.amount));
    // Latest allocation first, never more than what is taken back.
    let left = back;
    const invoices: [string, Money][] = [];
    for (const [invoiceId, m] of [...now].reverse()) {
      if (!left.isPositive()) break;
      const take = m.compare(left) < 0 ? m : left;
      if (!take.isPositive()) continue;
      invoices.push([invoiceId, take]);
      left = left.minus(take);
    }
    out.payment.push({
      type: 'PaymentReversed',
      data: {
        paymentId: ids.paymentId,
        reversalId: ids.reversalId,
        customerId: row.customerId,
        kind: row.state === 'rejete' ? 'bounced' : 'refund',
        amount: back.toString(),
        on: reversedOn,
        reference: row.reference.slice(0, 64),
        reason: row.state === 'rejete' ? 'Rejeté dans Gloux' : 'Remboursé dans Gloux',
        invoices: invoices.map(([invoiceId, m]) => ({ invoiceId, amount: m.toString() })),
        fromCredit: '0.00',
      },
    });
    for (const [invoiceId, m] of invoices)
      addInvoiceEvent(invoiceId, ids.reversalId, m.negate(), reversedOn);
  }
  if (known !== null && !known.amount.equals(amount))
    out.issues.push({
      code: 'amount_changed',
      message: `Paiement n° ${row.id} : montant modifié dans Gloux (${known.amount.toString()} → ${amount.toString()}) ; gloux2 garde le montant enregistré.`,
    });
  return out;
}

const abs = (m: Money) => (m.isNegative() ? m.negate() : m);

/**
 * The CreditNoteIssued for an avoir written in Gloux, on the invoice it cites (`origin`, as
 * gloux2 holds it), or why it cannot be taken. It keeps Gloux's number, date and total (Gloux
 * writes avoirs with negative amounts; either sign is read as a credit). gloux2's rules still
 * hold: an avoir covering all that is left of the invoice cancels every line; a partial one
 * credits the invoice lines its own lines match (product, hosting, kind, label), and its VAT
 * must come out at Gloux's total — up to the invoice's Gloux rounding line, which may carry a
 * cent or two. Anything else is left to a person through the import report.
 */
export function creditNoteFromGloux(
  row: GlouxInvoiceRow,
  lines: readonly GlouxLineRow[],
  origin: InvoiceState,
  ids: { creditNoteId: string; lineId: (index: number) => string; adjustmentLineId: string },
): { event: CreditNoteIssued; notes: IngestIssue[] } | { issue: IngestIssue } {
  const name = `Avoir ${row.number || `n° ${row.id}`}`;
  const refuse = (code: string, why: string) => ({
    issue: { code, message: `${name} saisi dans Gloux : ${why}` },
  });
  if (row.number.trim() === '') return refuse('no_number', 'sans numéro.');
  if (row.issuedOn === null || !isDay(row.issuedOn))
    return refuse('no_date', 'sans date (date_facture vide dans Gloux).');
  const raw = money(row.total);
  if (!raw || raw.isZero()) return refuse('bad_amount', 'montant nul ou illisible.');
  if (origin.customerId !== row.customerId)
    return refuse(
      'credit_note_customer',
      `client n° ${row.customerId}, mais la facture ${origin.number} est celle du client n° ${origin.customerId}.`,
    );
  if (origin.status === 'cancelled')
    return refuse('already_cancelled', `la facture ${origin.number} est déjà entièrement annulée.`);
  // Gloux's sign, whichever it is: the credit is the absolute amount.
  const sign = raw.isNegative() ? (m: Money) => m.negate() : (m: Money) => m;
  const total = sign(raw);
  const left = origin.total.minus(origin.credited);
  const notes: IngestIssue[] = [];
  const labels = lines.map((l) => l.label).filter((l) => l !== '');
  const cmd: IssueCreditNote = {
    invoiceId: origin.invoiceId,
    issuedOn: row.issuedOn,
    reason: (labels.length > 0 ? `Avoir Gloux : ${labels.join(', ')}` : 'Avoir saisi dans Gloux')
      .slice(0, 255)
      .trim(),
  };
  if (!total.equals(left)) {
    // A partial credit: each Gloux line credits the invoice line it matches.
    const wanted: { lineId: string; net: Money }[] = [];
    for (const l of lines) {
      const read = money(l.net);
      if (!read) return refuse('bad_line', `ligne n° ${l.id} illisible.`);
      const net = sign(read);
      if (net.isZero()) continue;
      const fits = origin.lines.filter((il) => {
        if (wanted.some((w) => w.lineId === il.lineId)) return false;
        const rest = remainingNet(origin, il);
        return rest.isNegative() === net.isNegative() && abs(rest).compare(abs(net)) >= 0;
      });
      const score = (il: (typeof fits)[number]) =>
        (il.productId === (l.productId > 0 ? String(l.productId) : null) ? 4 : 0) +
        (il.hostingId === (l.hostingId > 0 ? String(l.hostingId) : null) ? 2 : 0) +
        (il.label === l.label ? 2 : 0) +
        (il.kind === (LEGACY_LINE_KIND[l.kind] ?? 'misc') ? 1 : 0);
      const best = fits.reduce<(typeof fits)[number] | undefined>(
        (b, il) => (b === undefined || score(il) > score(b) ? il : b),
        undefined,
      );
      if (!best)
        return refuse(
          'credit_note_lines',
          `la ligne « ${l.label} » (${net.toString()} HT) ne correspond à aucune ligne de la facture ${origin.number} qui en reste.`,
        );
      wanted.push({ lineId: best.lineId, net });
    }
    if (wanted.length === 0)
      return refuse(
        'credit_note_lines',
        `partiel (${total.toString()} sur ${left.toString()} restant de la facture ${origin.number}) et sans lignes.`,
      );
    cmd.lines = wanted.map((w) => ({ lineId: w.lineId, net: w.net.toString() }));
  }
  let v: ReturnType<typeof validateCreditNote>;
  try {
    v = validateCreditNote(origin, cmd, ids);
    const gap = total.minus(v.total);
    const adjustment = origin.lines.find((l) => l.lineId === ids.adjustmentLineId);
    if (
      !gap.isZero() &&
      cmd.lines &&
      adjustment &&
      !cmd.lines.some((l) => l.lineId === adjustment.lineId)
    ) {
      // Gloux's VAT on the total: its rounding line takes the cent, as on the invoice.
      const rest = remainingNet(origin, adjustment);
      if (rest.isNegative() === gap.isNegative() && abs(rest).compare(abs(gap)) >= 0) {
        cmd.lines = [...cmd.lines, { lineId: adjustment.lineId, net: gap.toString() }];
        v = validateCreditNote(origin, cmd, ids);
        notes.push({
          code: 'rounding',
          message: `${name} : ${gap.toString()} d’écart d’arrondi de Gloux pris sur la ligne d’ajustement de la facture ${origin.number}.`,
        });
      }
    }
  } catch (error) {
    if (error instanceof DomainError) return refuse('credit_note_invalid', error.message);
    throw error;
  }
  if (!v.total.equals(total))
    return refuse(
      'credit_note_total',
      `ses lignes font ${v.total.toString()} TTC une fois la TVA calculée par ligne, pour un total Gloux de ${total.toString()}.`,
    );
  const event = decideIssueCreditNote(origin, cmd, {
    ...ids,
    number: row.number,
    billingAddress: row.billingAddress || origin.billingAddress,
  });
  return { event, notes };
}
