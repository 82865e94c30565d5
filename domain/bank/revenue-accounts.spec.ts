import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { day, euros } from '../billing/billing-history.testkit.js';
import { decideIssueCreditNote } from '../billing/credit-note.js';
import type { CreditNoteIssued, InvoiceIssued, LineKind } from '../billing/events.js';
import { decideIssueInvoice, evolveInvoice, initialInvoiceState } from '../billing/invoice.js';
import type { ProductType } from '../catalogue/catalogue.js';
import { DomainError } from '../shared/errors.js';
import { fiscalYearBounds, fiscalYearOf } from '../shared/fiscal-year.js';
import { Money } from '../shared/money.js';
import {
  deferredNet,
  GeneralLedger,
  isBalanced,
  revenueAccountOf,
  type LedgerEntry,
} from './fec.js';

/**
 * Revenue per product (706x, docs/accounting.md §7): splitting the revenue across 706x moves
 * no cent. For any set of invoices and credit notes, every entry balances, the 706x together
 * hold what the single 706 held (document nets, deferrals and their reversals), and each 706x
 * holds the nets of the lines of its products.
 */

const CATALOGUE = new Map<string, ProductType>([
  ['1', 'plaque'],
  ['2', 'option'],
  ['3', 'depassement'],
  ['4', 'part_sociale'],
  ['5', 'divers'],
]);

/** The rule, written out: the product's type, else the line's kind ('99' is not in the catalogue). */
function expectedAccount(kind: LineKind, productId: string | null): string {
  if (kind === 'discount') return '7069';
  const type = productId === null ? undefined : CATALOGUE.get(productId);
  const byType: Record<ProductType, string> = {
    plaque: '7061',
    option: '7062',
    depassement: '7063',
    divers: '7068',
    part_sociale: '706',
  };
  if (type !== undefined) return byType[type];
  return {
    subscription: '7061',
    prorata: '7061',
    option: '7062',
    overage: '7063',
    misc: '7068',
  }[kind];
}

const lineArb = fc.record({
  kind: fc.constantFrom<LineKind>('subscription', 'option', 'prorata', 'overage', 'misc'),
  productId: fc.constantFrom('1', '2', '3', '4', '5', '99', null),
  netCents: fc.integer({ min: 1, max: 50_000 }),
  startOffset: fc.integer({ min: 0, max: 900 }),
  days: fc.integer({ min: 0, max: 800 }),
});

const documentArb = fc.record({
  issuedOffset: fc.integer({ min: 0, max: 1000 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  discountPct: fc.option(fc.integer({ min: 1, max: 25 })),
  /** A credit note some days later: all of it, or a share of one line. */
  creditNote: fc.option(
    fc.record({
      after: fc.integer({ min: 0, max: 500 }),
      line: fc.nat(4),
      share: fc.option(fc.integer({ min: 1, max: 100 })),
    }),
  ),
});

type Document = InvoiceIssued | CreditNoteIssued;

/** A decision the rules refuse (a credit note above what the invoice has left) is no document. */
function refusedAsNull<T>(decide: () => T): T | null {
  try {
    return decide();
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

type DocumentSpec = typeof documentArb extends fc.Arbitrary<infer T> ? T : never;

function documents(specs: DocumentSpec[]): Document[] {
  const out: Document[] = [];
  specs.forEach((spec, i) => {
    const invoiceId = `inv-${i}`;
    let n = 0;
    const lines = spec.lines.map((l) => ({
      kind: l.kind,
      productId: l.productId,
      label: 'Ligne',
      net: euros(l.netCents),
      vatRate: '20',
      serviceStart: day(l.startOffset),
      serviceEnd: day(l.startOffset + l.days),
    }));
    const first = spec.lines[0]!;
    const discount =
      spec.discountPct === null ? 0 : Math.floor((first.netCents * spec.discountPct) / 100);
    if (discount > 0)
      lines.push({ ...lines[0]!, kind: 'discount', productId: null, net: euros(-discount) });
    const [issued] = decideIssueInvoice(
      initialInvoiceState,
      { customerId: '1', issuedOn: day(spec.issuedOffset), lines },
      { invoiceId, number: `F-${i}`, billingAddress: '', lineId: () => `${invoiceId}-l${++n}` },
    );
    out.push(issued!);
    const c = spec.creditNote;
    if (c === null) return;
    const invoice = evolveInvoice(initialInvoiceState, issued!);
    const line = invoice.lines[c.line % invoice.lines.length]!;
    const partial =
      c.share === null || Money.of(line.net).isNegative()
        ? undefined
        : [
            {
              lineId: line.lineId,
              net: Money.round(Money.of(line.net).toDecimal().times(c.share).dividedBy(100)),
            },
          ].filter((l) => !l.net.isZero());
    if (partial?.length === 0) return;
    const note = refusedAsNull(() =>
      decideIssueCreditNote(
        invoice,
        {
          invoiceId,
          issuedOn: day(spec.issuedOffset + c.after),
          reason: 'test',
          lines: partial?.map((l) => ({ lineId: l.lineId, net: l.net.toString() })),
        },
        {
          creditNoteId: `cn-${i}`,
          number: `A-${i}`,
          billingAddress: '',
          lineId: () => `cn-${i}-l${++n}`,
        },
      ),
    );
    if (note) out.push(note);
  });
  return out;
}

/** Credit − debit of the revenue accounts (706, 706x) of entries, per account and in all. */
function revenueOf(entries: readonly LedgerEntry[]): {
  total: Money;
  byAccount: Map<string, Money>;
} {
  const byAccount = new Map<string, Money>();
  for (const x of entries)
    for (const l of x.lines)
      if (l.account.startsWith('706'))
        byAccount.set(
          l.account,
          (byAccount.get(l.account) ?? Money.ZERO).plus(l.credit).minus(l.debit),
        );
  return { total: Money.sum(byAccount.values()), byAccount };
}

/** The signed nets of the documents' lines per expected account. */
function linesPerAccount(docs: readonly Document[]): Map<string, Money> {
  const out = new Map<string, Money>();
  for (const d of docs)
    for (const l of d.data.lines) {
      const a = expectedAccount(l.kind, l.productId);
      out.set(a, (out.get(a) ?? Money.ZERO).plus(signed(d, Money.of(l.net))));
    }
  return out;
}

/** Non-zero amounts by account, comparable. */
const amounts = (m: ReadonlyMap<string, Money>) =>
  Object.fromEntries(
    [...m]
      .filter(([, v]) => !v.isZero())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([a, v]) => [a, v.toString()]),
  );

/** A credit note's amounts count against revenue. */
const signed = (d: Document, m: Money) => (d.type === 'InvoiceIssued' ? m : m.negate());

describe('revenue per product (706x)', () => {
  it('maps a line to its product’s account, else to its kind’s; a share stays on 706', () => {
    const of = (kind: LineKind, productId: string | null) =>
      revenueAccountOf({ kind, productId }, CATALOGUE);
    expect(of('misc', '1')).toBe('7061');
    expect(of('subscription', '2')).toBe('7062');
    expect(of('misc', '3')).toBe('7063');
    expect(of('subscription', '5')).toBe('7068');
    expect(of('misc', '4')).toBe('706');
    expect(of('prorata', null)).toBe('7061');
    expect(of('overage', '99')).toBe('7063');
    expect(of('discount', '1')).toBe('7069');
  });

  it('leaves on 706 what lines from Gloux would miss of the document’s net, so the entry balances', () => {
    const [issued] = documents([
      {
        issuedOffset: 10,
        lines: [{ kind: 'misc', productId: '1', netCents: 1000, startOffset: 10, days: 0 }],
        discountPct: null,
        creditNote: null,
      },
    ]) as [InvoiceIssued];
    const ledger = new GeneralLedger('01-01', CATALOGUE);
    ledger.apply({ ...issued, data: { ...issued.data, totalNet: '10.01', total: '12.01' } });
    const [entry] = ledger.entriesOf(2025);
    expect(isBalanced(entry!)).toBe(true);
    expect(entry!.lines.map((l) => [l.account, l.credit.toString()])).toEqual([
      ['411', '0.00'],
      ['706', '0.01'],
      ['7061', '10.00'],
      ['44574', '2.00'],
    ]);
  });

  it('property: entries balance, 706x together hold what 706 held, each 706x its lines', () => {
    fc.assert(
      fc.property(fc.array(documentArb, { minLength: 1, maxLength: 6 }), (specs) => {
        const docs = documents(specs);
        const ledger = new GeneralLedger('01-01', CATALOGUE);
        for (const d of docs) ledger.apply(d);
        const years = [2024, 2025, 2026, 2027, 2028, 2029, 2030];
        // Former 706 per year: the year's document nets, less its deferral, plus last year's.
        const deferred = (fy: number) => {
          const { last } = fiscalYearBounds(fy, '01-01');
          return Money.sum(
            docs
              .filter((d) => d.data.issuedOn <= last)
              .flatMap((d) =>
                d.data.lines.map((l) =>
                  signed(
                    d,
                    Money.round(
                      deferredNet(Money.of(l.net).toDecimal(), l.serviceStart, l.serviceEnd, last),
                    ),
                  ),
                ),
              ),
          );
        };
        for (const fy of years) {
          const entries = ledger.entriesOf(fy);
          for (const x of entries) expect(isBalanced(x)).toBe(true);
          const ofYear = docs.filter((d) => fiscalYearOf(d.data.issuedOn, '01-01') === fy);
          const invoiced = Money.sum(ofYear.map((d) => signed(d, Money.of(d.data.totalNet))));
          const former = invoiced.minus(deferred(fy)).plus(deferred(fy - 1));
          expect(revenueOf(entries).total.toString()).toBe(former.toString());
          // The sales journal, account by account: the nets of the lines of each account.
          const sales = revenueOf(entries.filter((x) => x.journal === 'VT')).byAccount;
          expect(amounts(sales)).toEqual(amounts(linesPerAccount(ofYear)));
        }
        // Over all years every deferral is taken back on its own account: each 706x ends with
        // the nets of its lines.
        const all = years.flatMap((fy) => ledger.entriesOf(fy)).filter((x) => x.journal !== 'AN');
        expect(amounts(revenueOf(all).byAccount)).toEqual(amounts(linesPerAccount(docs)));
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
