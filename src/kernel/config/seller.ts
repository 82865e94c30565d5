import type { SellerIdentity } from '../../../domain/documents/printable-document.js';
import { text, type Env } from './parse.js';

export const SELLER_IDENTITY = Symbol('SELLER_IDENTITY');

/** SELLER_SIREN's default: zeros, so an unconfigured install is plain to see. */
export const PLACEHOLDER_SIREN = '000 000 000';

/**
 * Who issues invoices and credit notes (mentions required on French invoices), from SELLER_*.
 * The registration numbers default to zeros so an unconfigured install is plain to see.
 */
export function loadSeller(env: Env): SellerIdentity {
  return {
    name: text(env, 'SELLER_NAME', 'Ouvaton'),
    legalForm: text(env, 'SELLER_LEGAL_FORM', 'SA coopérative à capital variable'),
    capital: text(env, 'SELLER_CAPITAL', ''),
    // One line per address line: "|" or a literal "\n" separates them in the variable.
    addressLines: text(env, 'SELLER_ADDRESS', 'Paris, France')
      .split(/\||\\n|\n/)
      .map((l) => l.trim())
      .filter((l) => l !== ''),
    siren: text(env, 'SELLER_SIREN', PLACEHOLDER_SIREN),
    rcs: text(env, 'SELLER_RCS', 'RCS Paris'),
    vatNumber: text(env, 'SELLER_VAT_NUMBER', 'FR00000000000'),
    email: text(env, 'SELLER_EMAIL', 'contact@ouvaton.coop'),
    website: text(env, 'SELLER_WEBSITE', 'https://ouvaton.coop'),
  };
}
