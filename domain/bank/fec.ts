import { allocationDelta, invoiceFigures } from '../billing/allocation.js';
import {
  allocationOrder,
  arrivesInOrder,
  invoiceAllocationChanges,
} from '../billing/allocation-history.js';
import { effectiveLines } from '../billing/credit-note.js';
import {
  isBillingEvent,
  type BillingEvent,
  type InvoiceEvent,
  type LineKind,
  type PaymentMethod,
} from '../billing/events.js';
import { evolveInvoice, initialInvoiceState, type InvoiceState } from '../billing/invoice.js';
import type { ProductType } from '../catalogue/catalogue.js';
import { isBooksEvent, type BooksEvent, type ClosedJournal } from '../books/events.js';
import { daysInclusive, minDay, type Day } from '../shared/day.js';
import { fiscalYearBounds, fiscalYearOf } from '../shared/fiscal-year.js';
import { Dec, Money, roundCents } from '../shared/money.js';
import { plural, pluralWord } from '../shared/plural.js';
import {
  isShareEvent,
  isSharePayoutEvent,
  type ShareEvent,
  type SharePayoutEvent,
} from '../shares/events.js';
import { revenueTypeOf, type RevenueType } from '../treasury/treasury.js';
import { isBankEvent, type BankEvent, type BankLineBookingKind } from './events.js';

/** '1 part sociale', '2 parts sociales': the FEC's labels agree the French way. */
const sharesOf = (n: number) => plural(n, 'part sociale', 'parts sociales');

/**
 * The general ledger of gloux2's events (docs/fec.md, docs/accounting.md §7): one balanced entry per
 * invoice, credit note, payment, reversal, use or refund of credit, deposit slip, bank charge
 * and share movement; the deferred revenue (487) of the lines issued by the end of a year and
 * its reversal on the next first day; the opening balances (journal AN); and the closing act,
 * which fixes a year's entries, their numbers and their validation date.
 */

export type Journal = 'AN' | 'VT' | 'BQ' | 'OD';

export const JOURNALS: Record<Journal, string> = {
  AN: 'À nouveaux',
  VT: 'Ventes',
  BQ: 'Banque',
  OD: 'Opérations diverses',
};

/** The file lists journals in this order, each entry by its number. */
const JOURNAL_ORDER: readonly Journal[] = ['AN', 'VT', 'BQ', 'OD'];

export const ACCOUNTS = {
  '1012': 'Capital souscrit - appelé, non versé',
  '1013': 'Capital souscrit - appelé, versé',
  '411': 'Clients',
  '4191': 'Clients - avances et acomptes reçus',
  '44571': 'TVA collectée',
  '44574': 'TVA à collecter (sur encaissements)',
  '4562': 'Associés - capital souscrit et appelé, non versé',
  '4567': 'Associés - capital à rembourser',
  '487': 'Produits constatés d’avance',
  '512': 'Banque',
  '5112': 'Chèques à encaisser',
  '5115': 'Cartes bancaires à encaisser',
  '58': 'Virements internes',
  '627': 'Services bancaires et assimilés',
  '706': 'Prestations de services',
  '7061': 'Prestations de services - plaques',
  '7062': 'Prestations de services - options',
  '7063': 'Prestations de services - dépassements',
  '7068': 'Prestations de services - divers',
  '7069': 'Prestations de services - remises accordées',
  '890': 'Bilan d’ouverture',
} as const;

export type Account = keyof typeof ACCOUNTS;

/**
 * The revenue account (706x, docs/accounting.md §7) of each revenue group, the groups of the
 * revenue report (`revenueTypeOf`), so its turnover per type is what each 706x moves. A share
 * is capital, never revenue: Gloux cannot bill one, and a line that names one anyway stays on
 * 706 for the accountant to correct.
 */
export const REVENUE_ACCOUNTS: Readonly<Record<RevenueType, Account>> = {
  plaque: '7061',
  option: '7062',
  depassement: '7063',
  divers: '7068',
  remise: '7069',
  part_sociale: '706',
};

/**
 * The revenue account of an invoice or credit-note line: its product's type in the catalogue
 * (Gloux's product id), else, for a line naming no product or one the catalogue does not hold,
 * what its kind says (the revenue report's rule).
 */
export function revenueAccountOf(
  line: { readonly kind: LineKind; readonly productId: string | null },
  productTypes: ReadonlyMap<string, ProductType>,
): Account {
  const type = line.productId === null ? undefined : productTypes.get(line.productId);
  return REVENUE_ACCOUNTS[revenueTypeOf(line.kind, type ?? null)];
}

/** Amounts summed per account, in account order, zero sums left out. */
function byAccount(amounts: readonly { account: Account; amount: Money }[]): [Account, Money][] {
  const sums = new Map<Account, Money>();
  for (const { account, amount } of amounts)
    sums.set(account, (sums.get(account) ?? Money.ZERO).plus(amount));
  return [...sums].filter(([, m]) => !m.isZero()).sort(([a], [b]) => a.localeCompare(b));
}

export interface LedgerLine {
  readonly account: Account;
  /** Auxiliary account (411, 4191: the customer id; 1013: the tiers id), '' otherwise. */
  readonly aux: string;
  readonly debit: Money;
  readonly credit: Money;
}

export interface LedgerEntry {
  journal: Journal;
  date: Day;
  pieceRef: string;
  pieceDate: Day;
  label: string;
  lines: LedgerLine[];
  /** Order of the event that opened it (log order): entries are numbered in this order. */
  readonly seq: number;
}

/** An entry of a fiscal year's file: its number in its journal and its validation date. */
export interface NumberedEntry extends LedgerEntry {
  readonly num: number;
  /** The closing day for a closed year; '' while the year is open (not validated). */
  readonly validOn: Day | '';
}

export interface LedgerEvent {
  readonly type: string;
  readonly data: unknown;
  /** The event's log position, when it comes from the log (the closing names the last one). */
  readonly position?: number;
}

interface Closing {
  readonly closedOn: Day;
  readonly seq: number;
  readonly throughPosition: number;
  readonly journals: readonly ClosedJournal[];
}

/** An invoice line (net positive) or a credit-note line (net negative), for the deferral. */
interface ServiceLine {
  readonly issuedOn: Day;
  readonly account: Account;
  readonly net: Dec;
  readonly start: Day;
  readonly end: Day;
}

/**
 * The part of a line's net for its service days after `last` (docs/accounting.md §7: the day split
 * of §2, cumulative rounding, so the shares of all years add up to the net to the cent).
 */
export function deferredNet(net: Dec, start: Day, end: Day, last: Day): Dec {
  if (end <= last) return new Dec(0);
  if (start > last) return net;
  const upTo = roundCents(
    net.times(daysInclusive(start, minDay(end, last))).dividedBy(daysInclusive(start, end)),
  );
  return net.minus(upTo);
}

const METHOD_LABEL: Record<PaymentMethod, string> = {
  cheque: 'chèque',
  card: 'carte',
  transfer: 'virement',
  cash: 'espèces',
  other: 'autre',
};

const BOOKING_LABEL: Record<Exclude<BankLineBookingKind, 'ignored'>, string> = {
  bank_fee: 'Frais bancaires',
  bounce_fee: 'Frais de chèque impayé',
  internal_transfer: 'Virement interne',
};

/** One line of `amount` on the debit side (or on the credit side when negative). */
function debit(account: Account, amount: Money, aux = ''): LedgerLine {
  return amount.isNegative()
    ? { account, aux, debit: Money.ZERO, credit: amount.negate() }
    : { account, aux, debit: amount, credit: Money.ZERO };
}

const credit = (account: Account, amount: Money, aux = ''): LedgerLine =>
  debit(account, amount.negate(), aux);

const customerAux = (customerId: string) => `C${customerId}`;

/** The OD entry of an allocation Gloux added to a payment later, on the day gloux2 saw it. */
const allocationEntryKey = (paymentId: string, invoiceId: string, on: Day) =>
  `${paymentId}:${invoiceId}:${on}`;
const tiersAux = (tiersId: string) => `T${tiersId}`;

/** Balance-sheet accounts (classes 1 to 5) are carried forward; 6, 7 and 8 are not. */
const isCarriedForward = (account: Account) => /^[1-5]/.test(account);

/** Where money received by `method` waits: cheques until deposited, card days until credited. */
const receiptAccount = (method: PaymentMethod | undefined): Account =>
  method === 'cheque' ? '5112' : method === 'card' ? '5115' : '512';

/** Folds the whole log (in position order) into ledger entries. */
export class GeneralLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  /** Entries opened by a VAT movement alone: the event they belong to gives their label. */
  private readonly vatOnly = new Set<string>();
  private readonly invoices = new Map<string, InvoiceState>();
  /** Each invoice's events so far, and the VAT booked per change (payment, credit note) on it. */
  private readonly invoiceEvents = new Map<string, InvoiceEvent[]>();
  private readonly vatBooked = new Map<string, Map<string, { vat: Money; on: Day; ref: string }>>();
  private readonly invoiceNumbers = new Map<string, string>();
  private readonly paymentMethod = new Map<string, PaymentMethod>();
  private readonly paymentRef = new Map<string, string>();
  /** Each payment's own day: an allocation dated otherwise was added later in Gloux. */
  private readonly paymentDay = new Map<string, Day>();
  /** Cheques on an active deposit slip: their money is at the bank (512), not in 5112. */
  private readonly deposited = new Map<string, string>();
  private readonly slipCheques = new Map<string, readonly string[]>();
  private readonly slipNumbers = new Map<string, number>();
  private readonly nominal = new Map<number, Money>();
  private readonly paidShares = new Set<number>();
  private readonly subscriptionOf = new Map<number, { key: string; on: Day; count: number }>();
  /** The entry each paying-up of shares went to (its own, or its subscription's). */
  private readonly liberationEntry = new Map<string, string>();
  private readonly serviceLines: ServiceLine[] = [];
  private readonly bankLines = new Map<string, { bookedOn: Day; reference: string }>();
  private readonly matchEntries = new Map<string, string>();
  /** Opening balances taken over (Gloux's capital), per fiscal year of their opening. */
  private readonly takeovers = new Map<number, LedgerLine[]>();
  private readonly closings = new Map<number, Closing>();
  private seq = 0;

  /**
   * `productTypes`: the catalogue's product types by (Gloux) product id, which give each line
   * its revenue account (706x); a line whose product is missing goes by its kind.
   */
  constructor(
    private readonly fiscalYearStart = '01-01',
    private readonly productTypes: ReadonlyMap<string, ProductType> = new Map(),
  ) {}

  /**
   * A document's net per revenue account (706x, §7). Lines add up to the document's net; were
   * they a cent off (data from Gloux), the difference would stay on 706 so the entry balances.
   */
  private revenue(
    lines: readonly { kind: LineKind; productId: string | null; net: string }[],
    totalNet: string,
  ): [Account, Money][] {
    const split = lines.map((l) => ({
      account: revenueAccountOf(l, this.productTypes),
      amount: Money.of(l.net),
    }));
    const rest = Money.of(totalNet).minus(Money.sum(split.map((l) => l.amount)));
    return byAccount([...split, { account: '706', amount: rest }]);
  }

  private entry(
    key: string,
    meta: Omit<LedgerEntry, 'lines' | 'seq'>,
    lines: readonly LedgerLine[],
    vatOnly = false,
  ): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.lines.push(...lines);
      // The entry opened by its VAT movement takes the label of the event it belongs to.
      if (!vatOnly && this.vatOnly.delete(key)) Object.assign(existing, meta);
      return;
    }
    this.entries.set(key, { ...meta, lines: [...lines], seq: this.seq++ });
    if (vatOnly) this.vatOnly.add(key);
  }

  /**
   * The VAT part of the money an invoice event moved goes from "to collect" to "collected". The
   * split follows the dates of the payments (docs/accounting.md §2): a payment recorded before
   * an earlier-dated one gets its cent moved, on its own entry, so 44571 agrees with the VAT
   * report month by month whatever the recording order.
   */
  private invoiceChange(
    event: InvoiceEvent,
    key: string,
    on: Day,
    ref: string,
    /** The entry of a correction of `on` (a later Gloux allocation): its VAT goes there. */
    into?: string,
  ): void {
    const invoiceId = event.data.invoiceId;
    const before = this.invoices.get(invoiceId) ?? initialInvoiceState;
    const after = evolveInvoice(before, event);
    this.invoices.set(invoiceId, after);
    const earlier = this.invoiceEvents.get(invoiceId) ?? [];
    const events = [...earlier, event];
    this.invoiceEvents.set(invoiceId, events);
    if (event.type === 'InvoiceIssued') return;
    const booked = this.vatBooked.get(invoiceId) ?? new Map();
    this.vatBooked.set(invoiceId, booked);
    // Per change and day: an allocation Gloux adds later to the same (payment, invoice) is
    // booked on its own day, never in the first day's entry (docs/accounting.md §2).
    const book = (id: string, vat: Money, day: Day, reference: string, at?: string) => {
      const slot = `${id}|${day}`;
      const was = booked.get(slot);
      booked.set(slot, {
        vat: (was?.vat ?? Money.ZERO).plus(vat),
        on: was?.on ?? day,
        ref: was?.ref ?? reference,
      });
      if (vat.isZero()) return;
      if (at !== undefined) {
        this.entry(
          at,
          {
            journal: 'OD',
            date: day,
            pieceRef: reference,
            pieceDate: day,
            label: `TVA encaissée ${reference}`,
          },
          [debit('44574', vat), credit('44571', vat)],
          true,
        );
        return;
      }
      this.entry(
        id,
        {
          journal: 'OD',
          date: was?.on ?? day,
          pieceRef: was?.ref ?? reference,
          pieceDate: was?.on ?? day,
          label: `TVA encaissée ${was?.ref ?? reference}`,
        },
        [debit('44574', vat), credit('44571', vat)],
        true,
      );
    };
    const inOrder =
      arrivesInOrder(earlier, event) && allocationOrder(earlier).every((e, i) => e === earlier[i]);
    if (inOrder) {
      const figures = (s: InvoiceState) =>
        invoiceFigures(effectiveLines(s), s.paid.toString(), this.fiscalYearStart);
      const delta = allocationDelta(figures(before), figures(after), on, key, this.fiscalYearStart);
      book(key, Money.sum(delta.map((d) => Money.of(d.vat))), on, ref, into);
      return;
    }
    const target = new Map<string, { id: string; on: Day; vat: Money }>();
    for (const c of invoiceAllocationChanges(events, this.fiscalYearStart)) {
      const slot = `${c.id}|${c.on}`;
      const vat = Money.sum(c.entries.map((d) => Money.of(d.vat)));
      target.set(slot, {
        id: c.id,
        on: c.on,
        vat: (target.get(slot)?.vat ?? Money.ZERO).plus(vat),
      });
    }
    for (const [slot, t] of target)
      book(
        t.id,
        t.vat.minus(booked.get(slot)?.vat ?? Money.ZERO),
        t.on,
        ref,
        this.lateAllocation(t.id, invoiceId, t.on),
      );
  }

  /** The correction entry of an allocation Gloux added to a payment after its day, if it is one. */
  private lateAllocation(paymentId: string, invoiceId: string, on: Day): string | undefined {
    const received = this.paymentDay.get(paymentId);
    return received !== undefined && received !== on
      ? allocationEntryKey(paymentId, invoiceId, on)
      : undefined;
  }

  apply(e: LedgerEvent): void {
    const position = e.position ?? 0;
    if (isBillingEvent(e)) this.billing(e as BillingEvent);
    else if (isBankEvent(e)) this.bank(e as BankEvent);
    else if (isShareEvent(e)) this.shares(e as ShareEvent);
    else if (isSharePayoutEvent(e)) this.payout(e as SharePayoutEvent);
    else if (isBooksEvent(e)) this.books(e as BooksEvent, position);
  }

  private books(e: BooksEvent, position: number): void {
    switch (e.type) {
      case 'FiscalYearClosed': {
        const d = e.data;
        this.closings.set(d.fiscalYear, {
          closedOn: d.closedOn,
          seq: this.seq++,
          throughPosition: d.throughPosition || position,
          journals: d.journals,
        });
        return;
      }
      case 'VatMonthDeclared':
      case 'LockedPeriodWriteRedated':
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  }

  private billing(e: BillingEvent): void {
    switch (e.type) {
      case 'InvoiceIssued': {
        const d = e.data;
        this.invoiceNumbers.set(d.invoiceId, d.number);
        for (const l of d.lines)
          this.serviceLines.push({
            issuedOn: d.issuedOn,
            account: revenueAccountOf(l, this.productTypes),
            net: Money.of(l.net).toDecimal(),
            start: l.serviceStart,
            end: l.serviceEnd,
          });
        this.invoiceChange(e, d.invoiceId, d.issuedOn, d.number);
        this.entry(
          d.invoiceId,
          {
            journal: 'VT',
            date: d.issuedOn,
            pieceRef: d.number,
            pieceDate: d.issuedOn,
            label: `Facture ${d.number}`,
          },
          [
            debit('411', Money.of(d.total), customerAux(d.customerId)),
            ...this.revenue(d.lines, d.totalNet).map(([account, net]) => credit(account, net)),
            credit('44574', Money.of(d.totalVat)),
          ],
        );
        return;
      }
      case 'CreditNoteIssued': {
        const d = e.data;
        for (const l of d.lines)
          this.serviceLines.push({
            issuedOn: d.issuedOn,
            account: revenueAccountOf(l, this.productTypes),
            net: Money.of(l.net).toDecimal().negated(),
            start: l.serviceStart,
            end: l.serviceEnd,
          });
        this.entry(
          d.creditNoteId,
          {
            journal: 'VT',
            date: d.issuedOn,
            pieceRef: d.number,
            pieceDate: d.issuedOn,
            label: `Avoir ${d.number} sur ${d.invoiceNumber}`,
          },
          [
            ...this.revenue(d.lines, d.totalNet).map(([account, net]) => debit(account, net)),
            debit('44574', Money.of(d.totalVat)),
            credit('411', Money.of(d.total), customerAux(d.customerId)),
          ],
        );
        this.invoiceChange(e, d.creditNoteId, d.issuedOn, d.number);
        return;
      }
      case 'InvoicePaymentAllocated': {
        const d = e.data;
        const ref = this.paymentRef.get(d.paymentId) ?? this.invoiceNumbers.get(d.invoiceId) ?? '';
        // An allocation Gloux added later is dated the day gloux2 saw it: its VAT goes in that
        // day's correction entry (PaymentAllocationChanged), never in the payment's own.
        this.invoiceChange(
          e,
          d.paymentId,
          d.paidOn,
          ref,
          this.lateAllocation(d.paymentId, d.invoiceId, d.paidOn),
        );
        return;
      }
      case 'LegacyInvoiceLinesCorrected': {
        // Gloux changed an invoice's lines after gloux2 took it in: the difference, on the day
        // gloux2 saw it (a closed period is never rewritten), as a correction of that day.
        const d = e.data;
        const was = d.previous;
        for (const [lines, sign] of [
          [was.lines, -1],
          [d.lines, 1],
        ] as const)
          for (const l of lines) {
            const net = Money.of(l.net).toDecimal();
            this.serviceLines.push({
              issuedOn: d.on,
              account: revenueAccountOf(l, this.productTypes),
              net: sign < 0 ? net.negated() : net,
              start: l.serviceStart,
              end: l.serviceEnd,
            });
          }
        const diff = (now: string, before: string) => Money.of(now).minus(Money.of(before));
        const revenue = byAccount([
          ...this.revenue(d.lines, d.totalNet).map(([account, amount]) => ({ account, amount })),
          ...this.revenue(was.lines, was.totalNet).map(([account, amount]) => ({
            account,
            amount: amount.negate(),
          })),
        ]);
        const lines = [
          debit('411', diff(d.total, was.total), customerAux(d.customerId)),
          ...revenue.map(([account, net]) => credit(account, net)),
          credit('44574', diff(d.totalVat, was.totalVat)),
        ].filter((l) => !l.debit.isZero() || !l.credit.isZero());
        if (lines.length > 0)
          this.entry(
            d.correctionId,
            {
              journal: 'VT',
              date: d.on,
              pieceRef: d.number,
              pieceDate: d.on,
              label: `Régularisation de la facture ${d.number} (lignes corrigées dans Gloux)`,
            },
            lines,
          );
        this.invoiceChange(e, d.correctionId, d.on, d.number);
        return;
      }
      case 'PaymentRecorded': {
        const d = e.data;
        const ref = d.reference || d.paymentId.slice(0, 8);
        this.paymentMethod.set(d.paymentId, d.method);
        this.paymentRef.set(d.paymentId, ref);
        this.paymentDay.set(d.paymentId, d.receivedOn);
        const amount = Money.of(d.amount);
        const allocated = Money.sum(d.allocations.map((a) => Money.of(a.amount)));
        const aux = customerAux(d.customerId);
        this.entry(
          d.paymentId,
          {
            journal: 'BQ',
            date: d.receivedOn,
            pieceRef: ref,
            pieceDate: d.receivedOn,
            label: `Règlement ${METHOD_LABEL[d.method]} ${ref}`,
          },
          [
            debit(receiptAccount(d.method), amount),
            credit('411', allocated, aux),
            ...(amount.equals(allocated) ? [] : [credit('4191', amount.minus(allocated), aux)]),
          ],
        );
        return;
      }
      case 'PaymentReversed': {
        const d = e.data;
        const ref = d.reference || this.paymentRef.get(d.paymentId) || d.reversalId.slice(0, 8);
        this.paymentRef.set(d.reversalId, ref);
        const amount = Money.of(d.amount);
        const fromCredit = Money.of(d.fromCredit);
        const aux = customerAux(d.customerId);
        const method = this.paymentMethod.get(d.paymentId);
        // A cheque never deposited leaves 5112; a card refund comes off its card day (5115).
        const account =
          method === 'cheque' && this.deposited.has(d.paymentId) ? '512' : receiptAccount(method);
        this.entry(
          d.reversalId,
          {
            journal: 'BQ',
            date: d.on,
            pieceRef: ref,
            pieceDate: d.on,
            label: `${d.kind === 'bounced' ? 'Chèque impayé' : 'Remboursement'} ${ref}`,
          },
          [
            credit(account, amount),
            debit('411', amount.minus(fromCredit), aux),
            ...(fromCredit.isZero() ? [] : [debit('4191', fromCredit, aux)]),
          ],
        );
        return;
      }
      case 'PaymentAllocationChanged': {
        // The unallocated part of the payment (4191) now pays an invoice (411), or the reverse.
        const d = e.data;
        const amount = Money.of(d.amount);
        const aux = customerAux(d.customerId);
        const ref = this.paymentRef.get(d.paymentId) ?? '';
        const abs = amount.isNegative() ? amount.negate() : amount;
        this.entry(
          allocationEntryKey(d.paymentId, d.invoiceId, d.on),
          {
            journal: 'OD',
            date: d.on,
            pieceRef: ref,
            pieceDate: d.on,
            label: `Régularisation : affectation du règlement ${ref} sur ${this.invoiceNumbers.get(d.invoiceId) ?? ''} (ajoutée dans Gloux)`,
          },
          amount.isNegative()
            ? [debit('411', abs, aux), credit('4191', abs, aux)]
            : [debit('4191', abs, aux), credit('411', abs, aux)],
        );
        return;
      }
      case 'CustomerCredited': {
        const d = e.data;
        // An overpayment is in its payment's entry already; a credit note's paid part moves here.
        if (d.source !== 'credit_note') return;
        const aux = customerAux(d.customerId);
        const amount = Money.of(d.amount);
        this.entry(
          d.sourceId,
          { journal: 'VT', date: d.on, pieceRef: '', pieceDate: d.on, label: 'Avoir' },
          [debit('411', amount, aux), credit('4191', amount, aux)],
        );
        return;
      }
      case 'CustomerCreditApplied': {
        const d = e.data;
        const amount = Money.of(d.amount);
        const aux = customerAux(d.customerId);
        const ref = this.invoiceNumbers.get(d.invoiceId) ?? '';
        this.paymentRef.set(d.applicationId, ref);
        this.entry(
          d.applicationId,
          {
            journal: 'OD',
            date: d.on,
            pieceRef: ref,
            pieceDate: d.on,
            label: `Crédit client imputé sur ${ref}`,
          },
          [debit('4191', amount, aux), credit('411', amount, aux)],
        );
        return;
      }
      case 'CustomerCreditWithdrawn': {
        const d = e.data;
        const aux = customerAux(d.customerId);
        const undone = d.reversedApplications.map((a) => Money.of(a.amount));
        const lines: LedgerLine[] = undone.flatMap((a) => [
          debit('411', a, aux),
          credit('4191', a, aux),
        ]);
        // A bounce's credit part is in the reversal's entry; a refund of credit pays money out.
        if (d.paymentId === null) {
          const amount = Money.of(d.amount);
          lines.push(debit('4191', amount, aux), credit('512', amount));
        }
        if (lines.length === 0) return;
        const ref = d.reference || d.withdrawalId.slice(0, 8);
        this.entry(
          d.withdrawalId,
          {
            journal: d.paymentId === null ? 'BQ' : 'OD',
            date: d.on,
            pieceRef: ref,
            pieceDate: d.on,
            label:
              d.paymentId === null
                ? `Remboursement du crédit client ${ref}`
                : `Crédit client repris (impayé) ${ref}`,
          },
          lines,
        );
        return;
      }
    }
  }

  private bank(e: BankEvent): void {
    switch (e.type) {
      case 'DepositSlipIssued': {
        const d = e.data;
        const total = Money.of(d.total);
        this.slipCheques.set(
          d.slipId,
          d.cheques.map((c) => c.paymentId),
        );
        this.slipNumbers.set(d.slipId, d.number);
        for (const c of d.cheques) this.deposited.set(c.paymentId, d.slipId);
        this.entry(
          d.slipId,
          {
            journal: 'BQ',
            date: d.depositOn,
            pieceRef: `R${d.number}`,
            pieceDate: d.depositOn,
            label: `Remise de chèques n° ${d.number}`,
          },
          [debit('512', total), credit('5112', total)],
        );
        return;
      }
      case 'DepositSlipCancelled': {
        const d = e.data;
        const slip = this.entries.get(d.slipId);
        const total = Money.sum(
          (slip?.lines ?? []).filter((l) => l.account === '512').map((l) => l.debit),
        );
        for (const id of this.slipCheques.get(d.slipId) ?? [])
          if (this.deposited.get(id) === d.slipId) this.deposited.delete(id);
        this.entry(
          `${d.slipId}:annulation`,
          {
            journal: 'BQ',
            date: d.on,
            pieceRef: `R${d.number}`,
            pieceDate: d.on,
            label: `Annulation de la remise n° ${d.number}`,
          },
          [debit('5112', total), credit('512', total)],
        );
        return;
      }
      case 'BankStatementImported':
        for (const l of e.data.lines)
          this.bankLines.set(l.lineId, { bookedOn: l.bookedOn, reference: l.reference });
        return;
      case 'BankBalancesStated':
        return;
      case 'BankLineMatched': {
        const d = e.data;
        const line = this.bankLines.get(d.lineId);
        // On the bank's day, unless that day's year is closed already (then the confirmation's).
        const bookedOn = line?.bookedOn ?? d.on;
        const date = this.closings.has(fiscalYearOf(bookedOn, this.fiscalYearStart))
          ? d.on
          : bookedOn;
        const fees = Money.of(d.difference).negate();
        const t = d.target;
        const lines =
          t.kind === 'card_day'
            ? [
                debit('512', Money.of(d.lineAmount)),
                debit('627', fees),
                credit('5115', Money.of(d.expectedAmount)),
              ]
            : [debit('627', fees), credit('512', fees)];
        if (lines.every((l) => l.debit.isZero() && l.credit.isZero())) return;
        this.matchEntries.set(d.matchId, d.matchId);
        this.entry(
          d.matchId,
          {
            journal: 'BQ',
            date,
            pieceRef: t.kind === 'card_day' ? `CB${t.day.replace(/-/g, '')}` : `R${t.number}`,
            pieceDate: date,
            label:
              t.kind === 'card_day'
                ? `Cartes du ${t.day.split('-').reverse().join('/')} créditées par la banque`
                : `Frais bancaires sur la remise n° ${t.number}`,
          },
          lines,
        );
        return;
      }
      case 'BankLineBooked': {
        const d = e.data;
        if (d.kind === 'ignored') return;
        const amount = Money.of(d.lineAmount);
        const reference = this.bankLines.get(d.lineId)?.reference ?? '';
        this.matchEntries.set(d.bookingId, d.bookingId);
        this.entry(
          d.bookingId,
          {
            journal: 'BQ',
            date: d.on,
            pieceRef: reference || `REL${d.lineBookedOn.replace(/-/g, '')}`,
            pieceDate: d.on,
            label: d.label ? `${BOOKING_LABEL[d.kind]} : ${d.label}` : BOOKING_LABEL[d.kind],
          },
          // A debit of the bank (negative amount) is a charge or money sent to another account.
          [debit('512', amount), credit(d.kind === 'internal_transfer' ? '58' : '627', amount)],
        );
        return;
      }
      case 'BankLineUnmatched': {
        // The match's entry reversed on the day it is undone.
        const d = e.data;
        const matched = this.entries.get(d.matchId);
        if (!matched || !this.matchEntries.delete(d.matchId)) return;
        this.entry(
          `${d.matchId}:annulation`,
          {
            journal: 'BQ',
            date: d.on,
            pieceRef: matched.pieceRef,
            pieceDate: d.on,
            label: `Annulation du rapprochement ${matched.pieceRef}`,
          },
          matched.lines.map((l) => ({ ...l, debit: l.credit, credit: l.debit })),
        );
        return;
      }
    }
  }

  /** Capital of `numbers`: paid-up part (1013) and unpaid part (1012 / 4562). */
  private capital(numbers: readonly number[]): { paid: Money; unpaid: Money } {
    let paid = Money.ZERO;
    let unpaid = Money.ZERO;
    for (const n of numbers) {
      const v = this.nominal.get(n) ?? Money.ZERO;
      if (this.paidShares.has(n)) paid = paid.plus(v);
      else unpaid = unpaid.plus(v);
    }
    return { paid, unpaid };
  }

  private shares(e: ShareEvent): void {
    switch (e.type) {
      case 'SharesSubscribed': {
        const d = e.data;
        for (const n of d.numbers) {
          this.nominal.set(n, Money.of(d.nominal));
          this.subscriptionOf.set(n, {
            key: d.subscriptionId,
            on: d.on,
            count: d.numbers.length,
          });
        }
        const amount = Money.round(Money.of(d.nominal).times(String(d.numbers.length)));
        const aux = tiersAux(d.tiersId);
        this.entry(
          d.subscriptionId,
          {
            journal: 'OD',
            date: d.on,
            pieceRef: d.reference || `P${d.numbers[0] ?? ''}`,
            pieceDate: d.on,
            label: `Souscription de ${sharesOf(d.numbers.length)}`,
          },
          [debit('4562', amount, aux), credit('1012', amount, aux)],
        );
        return;
      }
      case 'SharesTransferred': {
        const d = e.data;
        const moved = this.capital(d.numbers);
        d.numbers.forEach((n, i) => {
          const newNumber = d.newNumbers[i];
          if (newNumber === undefined) return;
          this.nominal.set(newNumber, this.nominal.get(n) ?? Money.ZERO);
          if (this.paidShares.has(n)) this.paidShares.add(newNumber);
        });
        const [from, to] = [tiersAux(d.fromTiersId), tiersAux(d.toTiersId)];
        this.entry(
          d.transferId,
          {
            journal: 'OD',
            date: d.on,
            pieceRef: d.reference || `P${d.newNumbers[0] ?? ''}`,
            pieceDate: d.on,
            label: `Cession de ${sharesOf(d.numbers.length)}`,
          },
          [
            debit('1013', moved.paid, from),
            credit('1013', moved.paid, to),
            debit('1012', moved.unpaid, from),
            credit('1012', moved.unpaid, to),
            debit('4562', moved.unpaid, to),
            credit('4562', moved.unpaid, from),
          ].filter((l) => !l.debit.plus(l.credit).isZero()),
        );
        return;
      }
      case 'SharesPaidUp': {
        const d = e.data;
        const amount = this.capital(d.numbers).unpaid;
        for (const n of d.numbers) this.paidShares.add(n);
        if (amount.isZero()) return;
        const aux = tiersAux(d.tiersId);
        const meta = {
          journal: 'BQ' as const,
          date: d.on,
          pieceRef: d.reference || `P${d.numbers[0]}`,
          pieceDate: d.on,
        };
        // Subscribed and paid at once (same shares, same day): D 512 / C 1013 (§7).
        const sub = this.subscriptionOf.get(d.numbers[0]!);
        const atOnce =
          sub !== undefined &&
          sub.on === d.on &&
          sub.count === d.numbers.length &&
          d.numbers.every((n) => this.subscriptionOf.get(n)?.key === sub.key) &&
          this.entries.get(sub.key)?.lines.length === 2;
        this.liberationEntry.set(d.liberationId, atOnce ? sub.key : d.liberationId);
        if (atOnce) {
          const subscribed = this.entries.get(sub.key)!;
          subscribed.journal = 'BQ';
          subscribed.label = `Souscription et libération de ${sharesOf(d.numbers.length)}`;
          subscribed.lines = [debit('512', amount), credit('1013', amount, aux)];
          return;
        }
        this.entry(
          d.liberationId,
          { ...meta, label: `Libération de ${sharesOf(d.numbers.length)}` },
          [
            debit('512', amount),
            credit('4562', amount, aux),
            debit('1012', amount, aux),
            credit('1013', amount, aux),
          ],
        );
        return;
      }
      case 'SharePaymentReceived': {
        // A cheque for shares waits in 5112 until its deposit slip (§7), like an invoice's.
        const d = e.data;
        const paid = this.entries.get(this.liberationEntry.get(d.liberationId) ?? '');
        if (d.method !== 'cheque' || !paid) return;
        paid.lines = paid.lines.map((l) => (l.account === '512' ? { ...l, account: '5112' } : l));
        return;
      }
      case 'SharesRedeemed': {
        const d = e.data;
        const amount = Money.of(d.amount);
        const aux = tiersAux(d.tiersId);
        // The capital leaves on the redemption day; the money is owed (4567) until paid out.
        this.entry(
          d.redemptionId,
          {
            journal: 'OD',
            date: d.on,
            pieceRef: `P${d.numbers[0] ?? ''}`,
            pieceDate: d.on,
            label: `Remboursement de ${sharesOf(d.numbers.length)}`,
          },
          [debit('1013', amount, aux), credit('4567', amount, aux)],
        );
        return;
      }
      case 'SharesCancelled': {
        const d = e.data;
        const amount = this.capital(d.numbers).unpaid;
        if (amount.isZero()) return;
        const aux = tiersAux(d.tiersId);
        this.entry(
          d.cancellationId,
          {
            journal: 'OD',
            date: d.on,
            pieceRef: `P${d.numbers[0] ?? ''}`,
            pieceDate: d.on,
            label: `Annulation de ${sharesOf(d.numbers.length)} ${pluralWord(d.numbers.length, 'non libérée', 'non libérées')}`,
          },
          [debit('1012', amount, aux), credit('4562', amount, aux)],
        );
        return;
      }
      case 'LegacySharesImported': {
        // Gloux's capital is an opening balance of the first year still open.
        let fy = fiscalYearOf(e.data.importedOn, this.fiscalYearStart);
        while (this.closings.has(fy)) fy++;
        const lines = this.takeovers.get(fy) ?? [];
        for (const s of e.data.shares) {
          this.nominal.set(s.number, Money.of(s.nominal));
          const aux = tiersAux(s.tiersId);
          const nominal = Money.of(s.nominal);
          if (s.state === 'liberee') {
            this.paidShares.add(s.number);
            lines.push(credit('1013', nominal, aux));
          } else if (s.state === 'souscrite')
            lines.push(credit('1012', nominal, aux), debit('4562', nominal, aux));
        }
        this.takeovers.set(fy, lines);
        return;
      }
      case 'ShareRedemptionQueued':
      case 'ShareRedemptionWithdrawn':
      case 'LegacyShareChanged': // Gloux's own: its money went through Gloux's payments
        return;
    }
  }

  /** Redeemed capital paid back: what 4567 owed leaves the bank (§7). */
  private payout(e: SharePayoutEvent): void {
    const d = e.data;
    const amount = Money.of(d.amount);
    const ref = d.reference || `P${d.redemptionId.slice(0, 8)}`;
    this.entry(
      d.payoutId,
      {
        journal: 'BQ',
        date: d.on,
        pieceRef: ref,
        pieceDate: d.on,
        label: `Versement du remboursement de parts sociales ${ref}`,
      },
      [debit('4567', amount, tiersAux(d.tiersId)), credit('512', amount)],
    );
  }

  /** The fiscal years that have entries, in order. */
  years(): number[] {
    const ys = new Set(
      [...this.entries.values()].map((x) => fiscalYearOf(x.date, this.fiscalYearStart)),
    );
    for (const [fy, lines] of this.takeovers) if (lines.length > 0) ys.add(fy);
    return [...ys].sort((a, b) => a - b);
  }

  /** The closing of a fiscal year, if it is closed. */
  closingOf(fiscalYear: number): Omit<Closing, 'seq'> | null {
    const c = this.closings.get(fiscalYear);
    return c
      ? { closedOn: c.closedOn, throughPosition: c.throughPosition, journals: c.journals }
      : null;
  }

  /** An entry of a closed year recorded after its closing is not part of its books. */
  private kept(x: LedgerEntry): boolean {
    const closing = this.closings.get(fiscalYearOf(x.date, this.fiscalYearStart));
    return closing === undefined || x.seq < closing.seq;
  }

  /** Deferred revenue at the end of `fiscalYear`: lines issued by its last day, paid or not. */
  deferredRevenue(fiscalYear: number): Money {
    return Money.sum(this.deferredRevenueByAccount(fiscalYear).map(([, m]) => m));
  }

  /** The same per revenue account (706x), in account order: the PCA entry's lines. */
  deferredRevenueByAccount(fiscalYear: number): [Account, Money][] {
    const { last } = fiscalYearBounds(fiscalYear, this.fiscalYearStart);
    return byAccount(
      this.serviceLines
        .filter((l) => l.issuedOn <= last)
        .map((l) => ({
          account: l.account,
          // Exact cents already: net − round(net × days / all days).
          amount: Money.round(deferredNet(l.net, l.start, l.end, last)),
        })),
    );
  }

  /** Balances (debit − credit) of the carried-forward accounts when `fiscalYear` opens. */
  openingBalances(
    fiscalYear: number,
  ): Map<string, { account: Account; aux: string; amount: Money }> {
    const { first } = fiscalYearBounds(fiscalYear, this.fiscalYearStart);
    const out = new Map<string, { account: Account; aux: string; amount: Money }>();
    const add = (l: LedgerLine) => {
      if (!isCarriedForward(l.account)) return;
      const key = `${l.account}\t${l.aux}`;
      const was = out.get(key)?.amount ?? Money.ZERO;
      out.set(key, { account: l.account, aux: l.aux, amount: was.plus(l.debit).minus(l.credit) });
    };
    for (const [fy, lines] of this.takeovers) if (fy <= fiscalYear) lines.forEach(add);
    for (const x of this.entries.values()) if (x.date < first && this.kept(x)) x.lines.forEach(add);
    add(credit('487', this.deferredRevenue(fiscalYear - 1)));
    for (const [key, b] of out) if (b.amount.isZero()) out.delete(key);
    return out;
  }

  /**
   * The entries of a fiscal year, numbered per journal in the order they were recorded (an
   * entry arriving later, of this year or another, never renumbers one): the opening balances
   * (AN, first day), the reversal of last year's deferred revenue (first day), the year's
   * entries, and its deferred revenue (last day), booked by the closing. A closed year holds
   * only what was recorded before its closing, validated on its closing day.
   */
  entriesOf(fiscalYear: number): NumberedEntry[] {
    const { first: start, last: end } = fiscalYearBounds(fiscalYear, this.fiscalYearStart);
    const closing = this.closings.get(fiscalYear);
    const out = [...this.entries.values()].filter(
      (x) =>
        x.date >= start &&
        x.date <= end &&
        this.kept(x) &&
        x.lines.some((l) => !l.debit.plus(l.credit).isZero()),
    );
    const balances = [...this.openingBalances(fiscalYear).values()].sort((a, b) =>
      a.account === b.account ? a.aux.localeCompare(b.aux) : a.account.localeCompare(b.account),
    );
    if (balances.length > 0) {
      const lines = balances.map((b) => debit(b.account, b.amount, b.aux));
      const rest = Money.sum(balances.map((b) => b.amount));
      if (!rest.isZero()) lines.push(credit('890', rest));
      out.push({
        journal: 'AN',
        date: start,
        pieceRef: `AN${fiscalYear}`,
        pieceDate: start,
        label: `À nouveaux ${fiscalYear}`,
        lines,
        seq: -1,
      });
    }
    const opening = this.deferredRevenueByAccount(fiscalYear - 1);
    const openingTotal = Money.sum(opening.map(([, m]) => m));
    // Per account: a group may be deferred while the total nets to zero.
    if (opening.length > 0)
      out.push({
        journal: 'OD',
        date: start,
        pieceRef: `PCA${fiscalYear - 1}`,
        pieceDate: start,
        label: `Reprise des produits constatés d’avance ${fiscalYear - 1}`,
        lines: [debit('487', openingTotal), ...opening.map(([a, m]) => credit(a, m))],
        seq: this.closings.get(fiscalYear - 1)?.seq ?? Number.MAX_SAFE_INTEGER - 1,
      });
    const closingPca = this.deferredRevenueByAccount(fiscalYear);
    const closingTotal = Money.sum(closingPca.map(([, m]) => m));
    if (closingPca.length > 0)
      out.push({
        journal: 'OD',
        date: end,
        pieceRef: `PCA${fiscalYear}`,
        pieceDate: end,
        label: `Produits constatés d’avance ${fiscalYear}`,
        lines: [...closingPca.map(([a, m]) => debit(a, m)), credit('487', closingTotal)],
        seq: closing?.seq ?? Number.MAX_SAFE_INTEGER,
      });
    const counters = new Map<Journal, number>();
    const validOn = closing?.closedOn ?? '';
    return out
      .sort((a, b) => a.seq - b.seq)
      .map((x) => {
        const num = (counters.get(x.journal) ?? 0) + 1;
        counters.set(x.journal, num);
        return { ...x, num, validOn };
      })
      .sort((a, b) =>
        a.journal === b.journal
          ? a.num - b.num
          : JOURNAL_ORDER.indexOf(a.journal) - JOURNAL_ORDER.indexOf(b.journal),
      );
  }
}

/** Entries and debit total per journal, as the closing persists them. */
export function journalTotals(entries: readonly LedgerEntry[]): ClosedJournal[] {
  return JOURNAL_ORDER.map((journal) => {
    const of = entries.filter((x) => x.journal === journal);
    return {
      journal,
      entries: of.length,
      debit: Money.sum(of.flatMap((x) => x.lines.map((l) => l.debit))).toString(),
    };
  }).filter((j) => j.entries > 0);
}

/** Debits equal credits. */
export function isBalanced(entry: Pick<LedgerEntry, 'lines'>): boolean {
  const d = Money.sum(entry.lines.map((l) => l.debit));
  const c = Money.sum(entry.lines.map((l) => l.credit));
  return d.equals(c);
}

export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

const fecDate = (day: Day) => day.replace(/-/g, '');
const fecAmount = (m: Money) => m.toString().replace('.', ',');
/** Tabs and line breaks would break the columns: a space instead. */
const fecText = (s: string) => s.replace(/[\t\r\n]+/g, ' ').trim();

/** The rows (header first) of numbered entries: tab-separated, decimal comma, AAAAMMJJ. */
export function* fecRows(
  entries: readonly NumberedEntry[],
  auxLabel: (aux: string) => string,
): Generator<string> {
  yield FEC_COLUMNS.join('\t');
  for (const x of entries) {
    const n = x.num;
    for (const l of x.lines) {
      if (l.debit.isZero() && l.credit.isZero()) continue;
      yield [
        x.journal,
        JOURNALS[x.journal],
        String(n),
        fecDate(x.date),
        l.account,
        ACCOUNTS[l.account],
        l.aux,
        l.aux ? fecText(auxLabel(l.aux)) : '',
        fecText(x.pieceRef) || String(n),
        fecDate(x.pieceDate),
        fecText(x.label),
        fecAmount(l.debit),
        fecAmount(l.credit),
        '',
        '',
        x.validOn === '' ? '' : fecDate(x.validOn),
        '',
        '',
      ].join('\t');
    }
  }
}

/**
 * `<SIREN>-gloux2-ecritures-<AAAAMMJJ>.txt` (the fiscal year's last day): an import file of
 * gloux2's journals for the accounting software, in the FEC layout, deliberately not named
 * `<SIREN>FEC<date>.txt` since it is not the company's whole FEC (docs/accounting.md §7).
 */
export function exportFileName(siren: string, closingDay: Day): string {
  return `${siren.replace(/\D/g, '')}-gloux2-ecritures-${fecDate(closingDay)}.txt`;
}
