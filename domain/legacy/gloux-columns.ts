import { DomainError } from '../shared/errors.js';

/**
 * How many bytes Gloux's text columns that gloux2 writes can hold (legacy-sync/fixtures/gloux/
 * schema.sql, checked by gloux-columns.spec.ts). They are latin1, one byte a character, but hold
 * the UTF-8 bytes of what is typed (docs/legacy-contract.md rule 5): 'é' takes two of them. A
 * value longer than that would be cut by the server, possibly in the middle of a character.
 */
export const GLOUX_TEXT_BYTES = {
  'tiers.nom': 100,
  'tiers.prenom': 100,
  'tiers.raison_sociale': 150,
  'tiers.adresse': 65_535,
  'tiers.code_postal': 10,
  'tiers.ville': 100,
  'tiers.telephone': 30,
  'tiers.email': 128,
  'utilisateurs.login': 64,
  'utilisateurs.email': 128,
  'hebergements.nom': 32,
  'hebergements.motif_etat': 255,
  'factures_lignes.libelle': 255,
  'paiements.reference': 64,
  'paiements.banque': 64,
  'mails_redirections.source': 255,
  'mails_redirections.destinations': 65_535,
} as const;

export type GlouxTextColumn = keyof typeof GLOUX_TEXT_BYTES;

const encoder = new TextEncoder();

/** The bytes `text` takes in a Gloux column (its UTF-8 bytes). */
export function glouxBytes(text: string): number {
  return encoder.encode(text).length;
}

/** Why a value does not fit the Gloux column whole (a French sentence), or null when it does. */
export function glouxColumnError(value: string, column: GlouxTextColumn): string | null {
  const max = GLOUX_TEXT_BYTES[column];
  const bytes = glouxBytes(value);
  return bytes > max
    ? `Trop long pour la base commune avec Gloux : ${max} octets au plus, ici ${bytes} (une lettre accentuée compte pour 2, certains symboles pour 3 ou 4). Raccourcissez ce champ.`
    : null;
}

/** Refuses, naming the form's field, a value the Gloux column cannot hold whole. */
export function fitGlouxColumn(value: string, column: GlouxTextColumn, field: string): string {
  const error = glouxColumnError(value, column);
  if (error !== null) throw new DomainError('invalid_input', error, field);
  return value;
}

/**
 * The longest start of `text` that the column holds whole, never cutting a character: only for
 * text gloux2 composes itself (a summary of several notes) or recorded before these checks; what
 * a person types is refused instead (fitGlouxColumn).
 */
export function cutToGlouxColumn(text: string, column: GlouxTextColumn): string {
  const max = GLOUX_TEXT_BYTES[column];
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    bytes += glouxBytes(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out;
}
