import { allocationDelta, invoiceFigures } from '../billing/allocation.js';
import { effectiveLines } from '../billing/credit-note.js';
import {
  isBillingEvent,
  type BillingEvent,
  type InvoiceEvent,
  type PaymentMethod,
} from '../billing/events.js';
import { evolveInvoice, initialInvoiceState, type InvoiceState } from '../billing/invoice.js';
import type { Day } from '../shared/day.js';
import { fiscalYearBounds, fiscalYearOf } from '../shared/fiscal-year.js';
import { Dec, Money } from '../shared/money.js';
import { isShareEvent, type ShareEvent } from '../shares/events.js';
import { isBankEvent, type BankEvent } from './events.js';

/**
 * The general ledger of gloux2's events for the FEC (docs/fec.md): one balanced entry per
 * invoice, credit note, payment, reversal, use or refund of credit, deposit slip and share
 * payment, plus the year-end deferral of the N+1 part (487) and its reversal on the first day.
 */

export type Journal = 'VT' | 'BQ' | 'OD';

export const JOURNALS: Record<Journal, string> = {
  VT: 'Ventes',
  BQ: 'Banque',
  OD: 'Opérations diverses',
};

export const ACCOUNTS = {
  '1013': 'Capital souscrit - appelé, versé',
  '411': 'Clients',
  '4191': 'Clients - avances et acomptes reçus',
  '44571': 'TVA collectée',
  '44574': 'TVA à collecter (sur encaissements)',
  '487': 'Produits constatés d’avance',
  '512': 'Banque',
  '5112': 'Chèques à encaisser',
  '706': 'Prestations de services',
} as const;

export type Account = keyof typeof ACCOUNTS;

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
  /** Order of the event that opened it, to keep the log's order within a day. */
  readonly seq: number;
}

export interface LedgerEvent {
  readonly type: string;
  readonly data: unknown;
}

const METHOD_LABEL: Record<PaymentMethod, string> = {
  cheque: 'chèque',
  card: 'carte',
  transfer: 'virement',
  cash: 'espèces',
  other: 'autre',
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
const tiersAux = (tiersId: string) => `T${tiersId}`;

/** Folds the whole log (in position order) into ledger entries. */
export class GeneralLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly invoices = new Map<string, InvoiceState>();
  private readonly invoiceNumbers = new Map<string, string>();
  private readonly paymentMethod = new Map<string, PaymentMethod>();
  private readonly paymentRef = new Map<string, string>();
  /** Cheques on an active deposit slip: their money is at the bank (512), not in 5112. */
  private readonly deposited = new Map<string, string>();
  private readonly slipCheques = new Map<string, readonly string[]>();
  private readonly nominal = new Map<number, Money>();
  /** N+1 net (deferred revenue) of the money received in each fiscal year. */
  private readonly deferred = new Map<number, Dec>();
  private seq = 0;

  constructor(private readonly fiscalYearStart = '01-01') {}

  private entry(
    key: string,
    meta: Omit<LedgerEntry, 'lines' | 'seq'>,
    lines: readonly LedgerLine[],
  ): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.lines.push(...lines);
      return;
    }
    this.entries.set(key, { ...meta, lines: [...lines], seq: this.seq++ });
  }

  /** The VAT part of the money an invoice event moved goes from "to collect" to "collected". */
  private invoiceChange(event: InvoiceEvent, key: string, on: Day, ref: string): void {
    const invoiceId = event.data.invoiceId;
    const before = this.invoices.get(invoiceId) ?? initialInvoiceState;
    const after = evolveInvoice(before, event);
    this.invoices.set(invoiceId, after);
    if (event.type === 'InvoiceIssued') return;
    const figures = (s: InvoiceState) =>
      invoiceFigures(effectiveLines(s), s.paid.toString(), this.fiscalYearStart);
    const delta = allocationDelta(figures(before), figures(after), on, key, this.fiscalYearStart);
    const vat = Money.sum(delta.map((d) => Money.of(d.vat)));
    const fy = fiscalYearOf(on, this.fiscalYearStart);
    let next = new Dec(0);
    for (const d of delta) for (const y of d.years) if (y.fiscalYear > fy) next = next.plus(y.net);
    if (!next.isZero()) this.deferred.set(fy, (this.deferred.get(fy) ?? new Dec(0)).plus(next));
    if (vat.isZero()) return;
    this.entry(
      key,
      { journal: 'OD', date: on, pieceRef: ref, pieceDate: on, label: `TVA encaissée ${ref}` },
      [debit('44574', vat), credit('44571', vat)],
    );
  }

  apply(e: LedgerEvent): void {
    if (isBillingEvent(e)) this.billing(e as BillingEvent);
    else if (isBankEvent(e)) this.bank(e as BankEvent);
    else if (isShareEvent(e)) this.shares(e as ShareEvent);
  }

  private billing(e: BillingEvent): void {
    switch (e.type) {
      case 'InvoiceIssued': {
        const d = e.data;
        this.invoiceNumbers.set(d.invoiceId, d.number);
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
            credit('706', Money.of(d.totalNet)),
            credit('44574', Money.of(d.totalVat)),
          ],
        );
        return;
      }
      case 'CreditNoteIssued': {
        const d = e.data;
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
            debit('706', Money.of(d.totalNet)),
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
        this.invoiceChange(e, d.paymentId, d.paidOn, ref);
        return;
      }
      case 'PaymentRecorded': {
        const d = e.data;
        const ref = d.reference || d.paymentId.slice(0, 8);
        this.paymentMethod.set(d.paymentId, d.method);
        this.paymentRef.set(d.paymentId, ref);
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
            debit(d.method === 'cheque' ? '5112' : '512', amount),
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
        const pending =
          this.paymentMethod.get(d.paymentId) === 'cheque' && !this.deposited.has(d.paymentId);
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
            credit(pending ? '5112' : '512', amount),
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
          `${d.paymentId}:${d.invoiceId}:${d.on}`,
          {
            journal: 'OD',
            date: d.on,
            pieceRef: ref,
            pieceDate: d.on,
            label: `Affectation du règlement ${ref} sur ${this.invoiceNumbers.get(d.invoiceId) ?? ''}`,
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
            label: `Avoir imputé sur ${ref}`,
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
            label: `Remboursement d’avoir ${ref}`,
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
      case 'BankBalancesStated':
      case 'BankLineMatched':
      case 'BankLineUnmatched':
        return;
    }
  }

  private shares(e: ShareEvent): void {
    switch (e.type) {
      case 'SharesSubscribed':
        for (const n of e.data.numbers) this.nominal.set(n, Money.of(e.data.nominal));
        return;
      case 'SharesTransferred':
        e.data.numbers.forEach((n, i) => {
          const newNumber = e.data.newNumbers[i];
          if (newNumber !== undefined)
            this.nominal.set(newNumber, this.nominal.get(n) ?? Money.ZERO);
        });
        return;
      case 'SharesPaidUp': {
        const d = e.data;
        const amount = Money.sum(d.numbers.map((n) => this.nominal.get(n) ?? Money.ZERO));
        if (amount.isZero()) return;
        this.entry(
          d.liberationId,
          {
            journal: 'BQ',
            date: d.on,
            pieceRef: d.reference || `P${d.numbers[0]}`,
            pieceDate: d.on,
            label: `Libération de ${d.numbers.length} part(s) sociale(s)`,
          },
          [debit('512', amount), credit('1013', amount, tiersAux(d.tiersId))],
        );
        return;
      }
      case 'SharesRedeemed': {
        const d = e.data;
        const amount = Money.of(d.amount);
        this.entry(
          d.redemptionId,
          {
            journal: 'BQ',
            date: d.on,
            pieceRef: `P${d.numbers[0] ?? ''}`,
            pieceDate: d.on,
            label: `Remboursement de ${d.numbers.length} part(s) sociale(s)`,
          },
          [debit('1013', amount, tiersAux(d.tiersId)), credit('512', amount)],
        );
        return;
      }
      case 'ShareRedemptionQueued':
      case 'ShareRedemptionWithdrawn':
      case 'SharesCancelled':
      case 'LegacySharesImported':
      case 'LegacyShareChanged': // Gloux's own: its money went through Gloux's payments
        return;
    }
  }

  /** The fiscal years that have entries, in order. */
  years(): number[] {
    const ys = new Set(
      [...this.entries.values()].map((x) => fiscalYearOf(x.date, this.fiscalYearStart)),
    );
    return [...ys].sort((a, b) => a - b);
  }

  /**
   * The entries of a fiscal year in date order (then log order), with the reversal of last
   * year's deferral on the first day and this year's deferral of its N+1 part on the last.
   */
  entriesOf(fiscalYear: number): LedgerEntry[] {
    const { first: start, last: end } = fiscalYearBounds(fiscalYear, this.fiscalYearStart);
    const out = [...this.entries.values()].filter(
      (x) =>
        x.date >= start && x.date <= end && x.lines.some((l) => !l.debit.plus(l.credit).isZero()),
    );
    const opening = Money.round(this.deferred.get(fiscalYear - 1) ?? new Dec(0));
    if (!opening.isZero())
      out.push({
        journal: 'OD',
        date: start,
        pieceRef: `PCA${fiscalYear - 1}`,
        pieceDate: start,
        label: `Reprise des produits constatés d’avance ${fiscalYear - 1}`,
        lines: [debit('487', opening), credit('706', opening)],
        seq: -2,
      });
    const closing = Money.round(this.deferred.get(fiscalYear) ?? new Dec(0));
    if (!closing.isZero())
      out.push({
        journal: 'OD',
        date: end,
        pieceRef: `PCA${fiscalYear}`,
        pieceDate: end,
        label: `Produits constatés d’avance ${fiscalYear}`,
        lines: [debit('706', closing), credit('487', closing)],
        seq: Number.MAX_SAFE_INTEGER,
      });
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.seq - b.seq));
  }
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

/** The FEC rows (header first) of numbered entries: tab-separated, decimal comma, AAAAMMJJ. */
export function* fecRows(
  entries: readonly LedgerEntry[],
  auxLabel: (aux: string) => string,
): Generator<string> {
  yield FEC_COLUMNS.join('\t');
  let n = 0;
  for (const x of entries) {
    n++;
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
        fecDate(x.date),
        '',
        '',
      ].join('\t');
    }
  }
}

/** `<SIREN>FEC<AAAAMMJJ>.txt`, the closing date of the fiscal year. */
export function fecFileName(siren: string, closingDay: Day): string {
  return `${siren.replace(/\D/g, '')}FEC${fecDate(closingDay)}.txt`;
}
