import { formatDayFr, type Day } from '../shared/day.js';
import { formatEuros } from '../shared/money.js';
import { sellerLines, type SellerIdentity } from '../documents/printable-document.js';

/**
 * The capital listing and the holding certificate as printed, already in French: the HTML page
 * and the PDF show these strings and nothing else, so they cannot disagree on a figure.
 */

export interface ListingMember {
  readonly tiersId: string;
  readonly name: string;
  readonly address: string;
  readonly shares: number;
  readonly numbers: string;
  readonly amount: string;
}

export interface PrintableCapitalListing {
  readonly title: string;
  /** "au 25/11/2026" */
  readonly asOf: string;
  readonly seller: { readonly name: string; readonly lines: readonly string[] };
  readonly columns: readonly string[];
  readonly rows: readonly {
    readonly tiersId: string;
    readonly name: string;
    readonly address: string;
    readonly numbers: string;
    readonly shares: string;
    readonly amount: string;
  }[];
  readonly totals: { readonly label: string; readonly shares: string; readonly amount: string };
  /** The closing statement: members, shares, nominal value, capital. */
  readonly statement: string;
  readonly issued: string;
  readonly footer: string;
}

const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n > 1 ? many : one}`;

function footerOf(seller: SellerIdentity): string {
  return [`${seller.name}, ${seller.legalForm}`, `SIREN ${seller.siren} ${seller.rcs}`].join(' — ');
}

export function printableCapitalListing(input: {
  day: Day;
  generatedOn: Day;
  members: readonly ListingMember[];
  totalShares: number;
  totalAmount: string;
  nominal: string;
  seller: SellerIdentity;
}): PrintableCapitalListing {
  const asOf = `au ${formatDayFr(input.day)}`;
  return {
    title: 'Liste des associés et du capital social',
    asOf,
    seller: { name: input.seller.name, lines: sellerLines(input.seller) },
    columns: ['N° tiers', 'Associé', 'Adresse', 'Numéros des parts', 'Parts', 'Montant'],
    rows: input.members.map((m) => ({
      tiersId: m.tiersId,
      name: m.name,
      address: m.address,
      numbers: m.numbers,
      shares: count(m.shares),
      amount: formatEuros(m.amount),
    })),
    totals: {
      label: `Total : ${plural(input.members.length, 'associé', 'associés')}`,
      shares: count(input.totalShares),
      amount: formatEuros(input.totalAmount),
    },
    statement:
      `Arrêtée ${asOf}, en fin de journée : ${plural(input.members.length, 'associé détenant', 'associés détenant')} ` +
      `${plural(input.totalShares, 'part sociale', 'parts sociales')} (souscrites ou libérées) ` +
      `de ${formatEuros(input.nominal)} de valeur nominale, soit un capital souscrit de ${formatEuros(input.totalAmount)}.`,
    issued: `Établie le ${formatDayFr(input.generatedOn)}.`,
    footer: footerOf(input.seller),
  };
}

export interface PrintableShareCertificate {
  readonly title: string;
  readonly seller: { readonly name: string; readonly lines: readonly string[] };
  readonly holder: { readonly name: string; readonly address: string; readonly tiersId: string };
  readonly paragraphs: readonly string[];
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly signature: readonly string[];
  readonly footer: string;
}

/** "Attestation de détention de parts sociales" for one member, as of `day`. */
export function printableShareCertificate(input: {
  day: Day;
  generatedOn: Day;
  tiersId: string;
  name: string;
  address: string;
  count: number;
  numbers: string;
  amount: string;
  nominal: string;
  paidCount: number;
  paidAmount: string;
  seller: SellerIdentity;
}): PrintableShareCertificate {
  const s = input.seller;
  // Today's certificate says "détient"; one for a past day, "détenait".
  const verb = input.day >= input.generatedOn ? 'détient' : 'détenait';
  const holds =
    input.count === 0
      ? `ne ${verb} aucune part sociale de ${s.name} au ${formatDayFr(input.day)}.`
      : `${verb} au ${formatDayFr(input.day)} ${plural(input.count, 'part sociale', 'parts sociales')} de ${s.name}, ` +
        `d’une valeur nominale de ${formatEuros(input.nominal)} chacune, soit ${formatEuros(input.amount)}.`;
  const facts =
    input.count === 0
      ? []
      : [
          { label: 'Numéros des parts', value: input.numbers },
          { label: 'Nombre de parts', value: count(input.count) },
          { label: 'Montant souscrit', value: formatEuros(input.amount) },
          {
            label: 'Dont libéré',
            value: `${formatEuros(input.paidAmount)} (${plural(input.paidCount, 'part', 'parts')})`,
          },
        ];
  return {
    title: 'Attestation de détention de parts sociales',
    seller: { name: s.name, lines: sellerLines(s) },
    holder: { name: input.name, address: input.address, tiersId: input.tiersId },
    paragraphs: [
      `${s.name}, ${s.legalForm}, atteste que ${input.name} (associé n° ${input.tiersId}) ${holds}`,
      'Ces parts sont inscrites au registre des mouvements de titres de la coopérative. Elles ne sont pas cessibles sans l’agrément prévu par les statuts ; leur remboursement intervient à la valeur nominale, dans les conditions des statuts et de l’article 13 de la loi du 10 septembre 1947.',
      'Attestation établie pour servir et valoir ce que de droit.',
    ],
    facts,
    signature: [
      `Fait le ${formatDayFr(input.generatedOn)}.`,
      `Pour ${s.name}, le conseil d’administration`,
    ],
    footer: footerOf(s),
  };
}
