import type { SellerIdentity } from './printable-document.js';

/** A seller for document tests. */
export const testSeller: SellerIdentity = {
  name: 'Ouvaton',
  legalForm: 'SA coopérative à capital variable',
  capital: '',
  addressLines: ['Paris'],
  siren: '000 000 000',
  rcs: 'RCS Paris',
  vatNumber: 'FR00000000000',
  email: '',
  website: '',
};
