import { formatDayFr } from '../shared/day.js';
import { Dec, formatEuros } from '../shared/money.js';
import type { PaymentMethod } from '../billing/events.js';
import type { BillingDocument, DocumentLine } from './billing-document.js';

/** Who issues the documents (mentions required on every French invoice). */
export interface SellerIdentity {
  readonly name: string;
  /** e.g. "SA coopérative à capital variable". */
  readonly legalForm: string;
  /** Optional statement of the capital (e.g. "capital minimum : 18 500 €"). */
  readonly capital: string;
  readonly addressLines: readonly string[];
  readonly siren: string;
  /** e.g. "RCS Paris". */
  readonly rcs: string;
  readonly vatNumber: string;
  readonly email: string;
  readonly website: string;
}

/**
 * What the document shows beyond its stream: the customer number members know (Gloux's
 * num_client, not the internal id), the hostings' names, and how a paid invoice was settled.
 */
export interface DocumentContext {
  readonly customerNumber: string | null;
  /** Names of the hostings the lines are for, in the lines' order, without repeats. */
  readonly hostings: readonly string[];
  /** A paid invoice: the day it was settled (the last payment) and the means used. */
  readonly settled: { readonly on: string; readonly methods: readonly PaymentMethod[] } | null;
}

export const NO_CONTEXT: DocumentContext = { customerNumber: null, hostings: [], settled: null };

const SETTLEMENT_METHODS: Readonly<Record<PaymentMethod, string>> = {
  card: 'carte',
  cheque: 'chèque',
  transfer: 'virement',
  cash: 'espèces',
  other: 'autre moyen',
};

/** "Acquittée le 3 février 2026 par carte et chèque". */
export function acquittal(on: string, methods: readonly PaymentMethod[]): string {
  const names = [...new Set(methods)].map((m) => SETTLEMENT_METHODS[m]);
  const by =
    names.length === 0
      ? ''
      : names.length === 1
        ? ` par ${names[0]}`
        : ` par ${names.slice(0, -1).join(', ')} et ${names[names.length - 1]}`;
  return `Acquittée le ${formatDayFr(on)}${by}`;
}

export interface PrintableLine {
  readonly label: string;
  readonly period: string;
  readonly quantity: string;
  readonly unitNet: string;
  readonly net: string;
  readonly vatRate: string;
  readonly vat: string;
  readonly total: string;
}

/**
 * Everything printed on the page and in the PDF, already in French: both renderers show these
 * strings and nothing else, so they cannot disagree on a figure or a mention.
 */
export interface PrintableDocument {
  readonly kind: BillingDocument['kind'];
  /** "Facture" or "Avoir". */
  readonly heading: string;
  /** "Facture n° F2026-000219". */
  readonly title: string;
  /** Credit note: "Avoir n° … se rapportant à la facture n° … du …"; null on an invoice. */
  readonly reference: string | null;
  readonly seller: { readonly name: string; readonly lines: readonly string[] };
  readonly customer: { readonly name: string; readonly addressLines: readonly string[] };
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly lines: readonly PrintableLine[];
  readonly vatRows: readonly {
    readonly vatRate: string;
    readonly net: string;
    readonly vat: string;
    readonly total: string;
  }[];
  readonly totals: readonly { readonly label: string; readonly value: string }[];
  readonly notes: readonly string[];
  /** Payment terms and legal mentions. */
  readonly mentions: readonly string[];
  /** Seller identity in one line, for the foot of each page. */
  readonly footer: string;
}

/** "20 %", "19,6 %", "5,5 %" (no-break space before %). */
export function formatRate(rate: string): string {
  return `${new Dec(rate).toString().replace('.', ',')}\u00a0%`;
}

/** "1", "0,5", "12,25". */
export function formatQuantity(quantity: string): string {
  return new Dec(quantity).toString().replace('.', ',');
}

/** A unit price keeps its decimals beyond the cent ("0,0125 €"); otherwise it reads like any amount. */
export function formatUnitPrice(unitNet: string): string {
  const d = new Dec(unitNet);
  if (d.decimalPlaces() <= 2) return formatEuros(d.toFixed(2));
  const [int = '0', frac = ''] = d.abs().toString().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${d.isNegative() ? '-' : ''}${grouped},${frac}\u00a0€`;
}

export function formatPeriod(start: string, end: string): string {
  return start === end
    ? `le ${formatDayFr(start)}`
    : `du ${formatDayFr(start)} au ${formatDayFr(end)}`;
}

function printableLine(l: DocumentLine): PrintableLine {
  return {
    label: l.label,
    period: formatPeriod(l.serviceStart, l.serviceEnd),
    quantity: l.quantity === null ? '' : formatQuantity(l.quantity),
    unitNet: l.unitNet === null ? '' : formatUnitPrice(l.unitNet),
    net: formatEuros(l.net),
    vatRate: formatRate(l.vatRate),
    vat: formatEuros(l.vat),
    total: formatEuros(l.total),
  };
}

/** The seller's legal identity lines: form, registration, VAT number, contact. */
export function sellerLines(seller: SellerIdentity): string[] {
  return [
    [seller.legalForm, seller.capital].filter((s) => s !== '').join(', '),
    ...seller.addressLines,
    `SIREN ${seller.siren} — ${seller.rcs}`,
    `N° de TVA intracommunautaire : ${seller.vatNumber}`,
    [seller.email, seller.website].filter((s) => s !== '').join(' — '),
  ].filter((s) => s !== '');
}

/**
 * Standard wording of the payment terms required on invoices (Code de commerce L441-9, L441-10,
 * D441-5). The penalty and the 40 € indemnity apply to professional customers; the wording says
 * so, which keeps the document a function of the log alone.
 */
export function paymentMentions(dueOn: string): string[] {
  return [
    `Conditions de paiement : à réception, au plus tard le ${formatDayFr(dueOn)}. Pas d’escompte pour paiement anticipé.`,
    'En cas de retard de paiement, des pénalités sont exigibles au taux d’intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points (article L441-10 du Code de commerce).',
    'Clients professionnels : tout retard de paiement entraîne de plein droit une indemnité forfaitaire pour frais de recouvrement de 40 € (articles L441-10 et D441-5 du Code de commerce).',
  ];
}

export function printableDocument(
  doc: BillingDocument,
  seller: SellerIdentity,
  context: DocumentContext = NO_CONTEXT,
): PrintableDocument {
  const isInvoice = doc.kind === 'invoice';
  const heading = isInvoice ? 'Facture' : 'Avoir';
  const [name = '', ...addressLines] = doc.billingAddress;
  const reference = doc.creditedInvoice
    ? `Avoir n° ${doc.number} se rapportant à la facture n° ${doc.creditedInvoice.number} du ${formatDayFr(doc.creditedInvoice.issuedOn)}`
    : null;
  const facts = [
    { label: isInvoice ? 'Facture n°' : 'Avoir n°', value: doc.number },
    { label: 'Date d’émission', value: formatDayFr(doc.issuedOn) },
    ...(doc.dueOn ? [{ label: 'Date d’échéance', value: formatDayFr(doc.dueOn) }] : []),
    ...(doc.creditedInvoice
      ? [
          {
            label: 'Facture d’origine',
            value: `n° ${doc.creditedInvoice.number} du ${formatDayFr(doc.creditedInvoice.issuedOn)}`,
          },
        ]
      : []),
    { label: 'Client n°', value: context.customerNumber ?? doc.customerId },
    ...(context.hostings.length > 0
      ? [
          {
            label: context.hostings.length > 1 ? 'Hébergements' : 'Hébergement',
            value: context.hostings.join(', '),
          },
        ]
      : []),
  ];
  const notes: string[] = [];
  if (isInvoice && context.settled) {
    notes.push(acquittal(context.settled.on, context.settled.methods));
  }
  if (doc.reason !== null) notes.push(`Motif : ${doc.reason}`);
  if (doc.settlement && doc.creditedInvoice) {
    if (!new Dec(doc.settlement.settled).isZero()) {
      notes.push(
        `Montant déduit du reste à payer de la facture n° ${doc.creditedInvoice.number} : ${formatEuros(doc.settlement.settled)}`,
      );
    }
    if (!new Dec(doc.settlement.toCredit).isZero()) {
      notes.push(
        `Montant déjà réglé porté au crédit de votre compte : ${formatEuros(doc.settlement.toCredit)}`,
      );
    }
  }
  const identity = sellerLines(seller);
  return {
    kind: doc.kind,
    heading,
    title: `${heading} n° ${doc.number}`,
    reference,
    seller: { name: seller.name, lines: identity },
    customer: { name, addressLines },
    facts,
    lines: doc.lines.map(printableLine),
    vatRows: doc.vatByRate.map((r) => ({
      vatRate: formatRate(r.vatRate),
      net: formatEuros(r.net),
      vat: formatEuros(r.vat),
      total: formatEuros(r.total),
    })),
    totals: [
      { label: 'Total HT', value: formatEuros(doc.totalNet) },
      { label: 'Total TVA', value: formatEuros(doc.totalVat) },
      {
        label: isInvoice ? 'Total TTC' : 'Total TTC de l’avoir',
        value: formatEuros(doc.total),
      },
    ],
    notes,
    mentions: doc.dueOn ? paymentMentions(doc.dueOn) : [],
    footer: [
      `${seller.name}, ${seller.legalForm}`,
      `SIREN ${seller.siren} ${seller.rcs}`,
      `TVA ${seller.vatNumber}`,
    ].join(' — '),
  };
}
