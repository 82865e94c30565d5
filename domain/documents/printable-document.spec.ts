import type { BillingDocument } from './billing-document.js';
import {
  acquittal,
  formatPeriod,
  formatQuantity,
  formatRate,
  formatUnitPrice,
  printableDocument,
  type SellerIdentity,
} from './printable-document.js';

const seller: SellerIdentity = {
  name: 'Ouvaton',
  legalForm: 'SA coopérative à capital variable',
  capital: '',
  addressLines: ['1 rue de l’Exemple', '75011 Paris'],
  siren: '123 456 789',
  rcs: 'RCS Paris',
  vatNumber: 'FR12123456789',
  email: 'contact@ouvaton.coop',
  website: 'https://ouvaton.coop',
};

const invoice: BillingDocument = {
  kind: 'invoice',
  documentId: 'inv-1',
  number: 'F2026-000219',
  invoiceId: 'inv-1',
  customerId: '1',
  issuedOn: '2026-02-03',
  dueOn: '2026-04-04',
  billingAddress: ['Anne Lefèvre', '12 rue X', '75011 Paris'],
  creditedInvoice: null,
  reason: null,
  lines: [
    {
      kind: 'subscription',
      label: 'Plaque de base',
      quantity: '1',
      unitNet: '1234.50',
      net: '1234.50',
      vatRate: '19.6',
      vat: '241.96',
      total: '1476.46',
      serviceStart: '2026-02-03',
      serviceEnd: '2027-02-02',
      hostingId: '7',
    },
    {
      kind: 'overage',
      label: 'Trafic',
      quantity: '0.5',
      unitNet: '0.0125',
      net: '0.01',
      vatRate: '20',
      vat: '0.00',
      total: '0.01',
      serviceStart: '2026-01-31',
      serviceEnd: '2026-01-31',
      hostingId: null,
    },
  ],
  vatByRate: [
    { vatRate: '19.6', net: '1234.50', vat: '241.96', total: '1476.46' },
    { vatRate: '20', net: '0.01', vat: '0.00', total: '0.01' },
  ],
  totalNet: '1234.51',
  totalVat: '241.96',
  total: '1476.47',
  settlement: null,
};

describe('printable invoice', () => {
  const p = printableDocument(invoice, seller);

  it('names the seller with its legal form, registration and VAT number', () => {
    expect(p.seller.name).toBe('Ouvaton');
    expect(p.seller.lines).toEqual([
      'SA coopérative à capital variable',
      '1 rue de l’Exemple',
      '75011 Paris',
      'SIREN 123 456 789 — RCS Paris',
      'N° de TVA intracommunautaire : FR12123456789',
      'contact@ouvaton.coop — https://ouvaton.coop',
    ]);
    expect(p.footer).toBe(
      'Ouvaton, SA coopérative à capital variable — SIREN 123 456 789 RCS Paris — TVA FR12123456789',
    );
  });

  it('prints number, dates, customer and every line in French', () => {
    expect(p.title).toBe('Facture n° F2026-000219');
    expect(p.reference).toBeNull();
    expect(p.customer).toEqual({ name: 'Anne Lefèvre', addressLines: ['12 rue X', '75011 Paris'] });
    expect(p.facts).toEqual([
      { label: 'Facture n°', value: 'F2026-000219' },
      { label: 'Date d’émission', value: '03/02/2026' },
      { label: 'Date d’échéance', value: '04/04/2026' },
      { label: 'Client n°', value: '1' },
    ]);
    expect(p.lines[0]).toEqual({
      label: 'Plaque de base',
      period: 'du 03/02/2026 au 02/02/2027',
      quantity: '1',
      unitNet: '1\u202f234,50\u00a0€',
      net: '1\u202f234,50\u00a0€',
      vatRate: '19,6\u00a0%',
      vat: '241,96\u00a0€',
      total: '1\u202f476,46\u00a0€',
    });
    expect(p.lines[1]).toMatchObject({
      period: 'le 31/01/2026',
      quantity: '0,5',
      unitNet: '0,0125\u00a0€',
    });
    expect(p.vatRows).toEqual([
      {
        vatRate: '19,6\u00a0%',
        net: '1\u202f234,50\u00a0€',
        vat: '241,96\u00a0€',
        total: '1\u202f476,46\u00a0€',
      },
      { vatRate: '20\u00a0%', net: '0,01\u00a0€', vat: '0,00\u00a0€', total: '0,01\u00a0€' },
    ]);
    expect(p.totals).toEqual([
      { label: 'Total HT', value: '1\u202f234,51\u00a0€' },
      { label: 'Total TVA', value: '241,96\u00a0€' },
      { label: 'Total TTC', value: '1\u202f476,47\u00a0€' },
    ]);
  });

  it('states the payment terms, late-payment penalties and the 40 € indemnity', () => {
    expect(p.mentions[0]).toContain('au plus tard le 04/04/2026');
    expect(p.mentions[0]).toContain('Pas d’escompte');
    expect(p.mentions[1]).toContain('majoré de 10 points');
    expect(p.mentions[2]).toContain('indemnité forfaitaire pour frais de recouvrement de 40 €');
    expect(p.mentions[2]).toContain('Clients professionnels');
  });
});

describe('printable credit note', () => {
  const creditNote: BillingDocument = {
    ...invoice,
    kind: 'credit_note',
    documentId: 'cn-1',
    number: 'A2026-000007',
    issuedOn: '2026-03-10',
    dueOn: null,
    creditedInvoice: { invoiceId: 'inv-1', number: 'F2026-000219', issuedOn: '2026-02-03' },
    reason: 'Résiliation anticipée',
    lines: invoice.lines.map((l) => ({ ...l, quantity: null, unitNet: null })),
    settlement: { settled: '1000.00', toCredit: '476.47' },
  };
  const p = printableDocument(creditNote, seller);

  it('says "Avoir n° … se rapportant à la facture n° … du …" with its reason', () => {
    expect(p.heading).toBe('Avoir');
    expect(p.title).toBe('Avoir n° A2026-000007');
    expect(p.reference).toBe(
      'Avoir n° A2026-000007 se rapportant à la facture n° F2026-000219 du 03/02/2026',
    );
    expect(p.facts).toContainEqual({
      label: 'Facture d’origine',
      value: 'n° F2026-000219 du 03/02/2026',
    });
    expect(p.facts.map((f) => f.label)).not.toContain('Date d’échéance');
    expect(p.notes).toEqual([
      'Motif : Résiliation anticipée',
      'Montant déduit du reste à payer de la facture n° F2026-000219 : 1\u202f000,00\u00a0€',
      'Montant déjà réglé porté au crédit de votre compte : 476,47\u00a0€',
    ]);
    expect(p.totals[2]).toEqual({ label: 'Total TTC de l’avoir', value: '1\u202f476,47\u00a0€' });
  });

  it('prints no quantity and no payment terms', () => {
    expect(p.lines[0]).toMatchObject({ quantity: '', unitNet: '' });
    expect(p.mentions).toEqual([]);
  });
});

describe('what the document shows beyond its stream', () => {
  const context = {
    customerNumber: '2026020001',
    hostings: ['clairem'],
    settled: { on: '2026-02-10', methods: ['card', 'cheque', 'card'] as const },
  };

  it('shows the customer number members know, not the internal id, and names the hosting', () => {
    const p = printableDocument(invoice, seller, context);
    expect(p.facts).toContainEqual({ label: 'Client n°', value: '2026020001' });
    expect(p.facts).not.toContainEqual({ label: 'Client n°', value: '1' });
    expect(p.facts).toContainEqual({ label: 'Hébergement', value: 'clairem' });
    const two = printableDocument(invoice, seller, { ...context, hostings: ['a', 'b'] });
    expect(two.facts).toContainEqual({ label: 'Hébergements', value: 'a, b' });
  });

  it('says "Acquittée le … par …" on a paid invoice, each means once', () => {
    const p = printableDocument(invoice, seller, context);
    expect(p.notes[0]).toBe('Acquittée le 10/02/2026 par carte et chèque');
    const unpaid = printableDocument(invoice, seller, { ...context, settled: null });
    expect(unpaid.notes.some((n) => n.startsWith('Acquittée'))).toBe(false);
  });

  it('words one, several or no means', () => {
    expect(acquittal('2026-02-10', ['transfer'])).toBe('Acquittée le 10/02/2026 par virement');
    expect(acquittal('2026-02-10', ['card', 'cheque', 'transfer'])).toBe(
      'Acquittée le 10/02/2026 par carte, chèque et virement',
    );
    // Settled by credit or a credit note alone: no means to name.
    expect(acquittal('2026-02-10', [])).toBe('Acquittée le 10/02/2026');
  });
});

describe('French formats', () => {
  it('formats rates, quantities, unit prices and periods', () => {
    expect(formatRate('5.5')).toBe('5,5\u00a0%');
    expect(formatRate('20.00')).toBe('20\u00a0%');
    expect(formatQuantity('12.2500')).toBe('12,25');
    expect(formatUnitPrice('5.0200')).toBe('5,02\u00a0€');
    expect(formatUnitPrice('-1234.5678')).toBe('-1\u202f234,5678\u00a0€');
    expect(formatPeriod('2026-01-01', '2026-12-31')).toBe('du 01/01/2026 au 31/12/2026');
  });
});
