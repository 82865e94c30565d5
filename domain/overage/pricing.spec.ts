import { describeOverage, formatUsage } from './describe.js';
import {
  KO_PER_GO,
  KO_PER_MO,
  monthlyEstimate,
  overagePricing,
  type OverageProduct,
} from './pricing.js';

const defaults = {
  diskPricePerMonth: null,
  diskBlockMo: 100,
  trafficPricePerGo: '0.10',
  mailPricePerMonth: '0.10',
};

/** Gloux's sample DISQUE100 option: 100 Mo for a year at 5.02 € HT. */
const disque100: OverageProduct = {
  productId: '2',
  code: 'DISQUE100',
  type: 'option',
  unit: 'Mo',
  unitQuantity: 100,
  priceNet: '5.02',
  periodicity: 'an',
};

describe('overagePricing', () => {
  it('without a depassement product: disk at the DISQUE100 price / 12 per started 100 Mo per month', () => {
    expect(overagePricing([disque100], defaults)).toEqual({
      disk: { unitNet: '0.4183', blockSize: 100 * KO_PER_MO, productId: null },
      traffic: { unitNet: '0.1', blockSize: KO_PER_GO, productId: null },
      mail: { unitNet: '0.1', blockSize: 1, productId: null },
    });
  });

  it('a configured disk price wins over DISQUE100; with neither, the built-in default', () => {
    expect(
      overagePricing([disque100], { ...defaults, diskPricePerMonth: '0.50' }).disk.unitNet,
    ).toBe('0.5');
    expect(overagePricing([], defaults).disk).toEqual({
      unitNet: '0.42',
      blockSize: 100 * KO_PER_MO,
      productId: null,
    });
  });

  it('Gloux’s depassement products win, matched by unit, yearly prices made monthly', () => {
    const products: OverageProduct[] = [
      disque100,
      {
        productId: '9',
        code: 'DEPDISQUE',
        type: 'depassement',
        unit: 'Mo',
        unitQuantity: 50,
        priceNet: '3.00',
        periodicity: 'an',
      },
      {
        productId: '10',
        code: 'DEPTRAFIC',
        type: 'depassement',
        unit: 'Go',
        unitQuantity: 10,
        priceNet: '1.00',
        periodicity: 'unique',
      },
      {
        productId: '11',
        code: 'DEPMAIL',
        type: 'depassement',
        unit: 'boîte',
        unitQuantity: 1,
        priceNet: '0.20',
        periodicity: 'mois',
      },
    ];
    expect(overagePricing(products, defaults)).toEqual({
      disk: { unitNet: '0.25', blockSize: 50 * KO_PER_MO, productId: '9' },
      traffic: { unitNet: '1', blockSize: 10 * KO_PER_GO, productId: '10' },
      mail: { unitNet: '0.2', blockSize: 1, productId: '11' },
    });
  });

  it('estimates a month: started blocks × price, VAT on top', () => {
    const pricing = overagePricing([disque100], defaults);
    expect(monthlyEstimate(12 * KO_PER_MO, pricing.disk, '20')).toEqual({
      quantity: '1',
      unitNet: '0.4183',
      net: '0.42',
      vatRate: '20',
      total: '0.50',
    });
    expect(monthlyEstimate(100 * KO_PER_MO + 1, pricing.disk, '20').quantity).toBe('2');
  });
});

describe('describeOverage — the cooperator’s sentence', () => {
  it('disk in Mo (1 Mo = 1024 ko), a started Mo counting as one', () => {
    expect(describeOverage('disk', 412 * KO_PER_MO, 400 * KO_PER_MO, 12 * KO_PER_MO)).toBe(
      'Espace disque : 412 Mo utilisés pour 400 Mo inclus, soit 12 Mo de dépassement',
    );
    expect(formatUsage('disk', 1)).toBe('1 Mo');
  });

  it('traffic in Go with one decimal, mail in boxes', () => {
    expect(describeOverage('traffic', 103.2 * KO_PER_GO, 100 * KO_PER_GO, 3.2 * KO_PER_GO)).toBe(
      'Trafic du mois : 103,2 Go consommés pour 100 Go inclus, soit 3,2 Go de dépassement',
    );
    expect(describeOverage('mail', 21, 20, 1)).toBe(
      'Boîtes mail : 21 boîtes pour 20 incluses, soit 1 boîte de dépassement',
    );
  });
});
