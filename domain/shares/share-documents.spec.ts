import { describe, expect, it } from '@jest/globals';
import { testSeller } from '../documents/seller.testkit.js';
import { printableCapitalListing, printableShareCertificate } from './share-documents.js';

const seller = testSeller;

describe('capital listing and certificate as printed', () => {
  it('lists members with ranges and totals, dated, with the closing statement', () => {
    const p = printableCapitalListing({
      day: '2026-11-25',
      generatedOn: '2026-11-26',
      members: [
        {
          tiersId: '2',
          name: 'Association Les Amis',
          address: '3 place Y, 69001 Lyon',
          shares: 1,
          numbers: '10400',
          amount: '16.00',
        },
        {
          tiersId: '1',
          name: 'Lefèvre Anne',
          address: '12 rue X, 75011 Paris',
          shares: 1250,
          numbers: '2207, 10398–11646',
          amount: '20000.00',
        },
      ],
      totalShares: 1251,
      totalAmount: '20016.00',
      nominal: '16.00',
      seller,
    });
    expect(p.asOf).toBe('au 25/11/2026');
    expect(p.rows[1]).toMatchObject({ shares: '1\u202f250', amount: '20\u202f000,00\u00a0€' });
    expect(p.totals).toEqual({
      label: 'Total : 2 associés',
      shares: '1\u202f251',
      amount: '20\u202f016,00\u00a0€',
    });
    expect(p.statement).toBe(
      'Arrêtée au 25/11/2026, en fin de journée : 2 associés détenant 1\u202f251 parts sociales (souscrites ou libérées) de 16,00\u00a0€ de valeur nominale, soit un capital souscrit de 20\u202f016,00\u00a0€.',
    );
    expect(p.issued).toBe('Établie le 26/11/2026.');
  });

  it('certifies a holding today ("détient") or on a past day ("détenait")', () => {
    const input = {
      day: '2026-11-25',
      generatedOn: '2026-11-25',
      tiersId: '1',
      name: 'Lefèvre Anne',
      address: '12 rue X, 75011 Paris',
      count: 2,
      numbers: '2207, 10398',
      amount: '32.00',
      nominal: '16.00',
      paidCount: 2,
      paidAmount: '32.00',
      seller,
    };
    expect(printableShareCertificate(input).paragraphs[0]).toBe(
      'Ouvaton, SA coopérative à capital variable, atteste que Lefèvre Anne (associé n° 1) détient au 25/11/2026 2 parts sociales de Ouvaton, d’une valeur nominale de 16,00\u00a0€ chacune, soit 32,00\u00a0€.',
    );
    const past = printableShareCertificate({ ...input, day: '2009-06-29', count: 0, numbers: '' });
    expect(past.paragraphs[0]).toContain(
      'ne détenait aucune part sociale de Ouvaton au 29/06/2009.',
    );
    expect(past.facts).toEqual([]);
  });
});
