import { fitGlouxColumn, type GlouxTextColumn } from '../legacy/gloux-columns.js';
import { DomainError } from '../shared/errors.js';
import { isEmailAddress } from '../shared/text.js';
import type { PersonDetailsChanged, PersonEvent, PersonField } from './events.js';

/** A person's details as Gloux's `tiers` holds them (text decoded). */
export type PersonDetails = Readonly<Record<PersonField, string>>;

/**
 * The person form's inputs: field, input name (the form's and the API's), longest length in
 * characters, and Gloux's column (whose byte size is checked too).
 */
export const PERSON_FIELDS: readonly (readonly [PersonField, string, number, GlouxTextColumn])[] = [
  ['lastName', 'nom', 100, 'tiers.nom'],
  ['firstName', 'prenom', 100, 'tiers.prenom'],
  ['company', 'raison_sociale', 150, 'tiers.raison_sociale'],
  ['address', 'adresse', 500, 'tiers.adresse'],
  ['postalCode', 'code_postal', 10, 'tiers.code_postal'],
  ['city', 'ville', 100, 'tiers.ville'],
  ['email', 'email', 128, 'tiers.email'],
  ['phone', 'telephone', 30, 'tiers.telephone'],
];

/**
 * The person an edit is decided against: Gloux's row (its truth: Gloux's pages edit it without
 * any event) with gloux2's edits not yet mirrored folded on top. `details` null: Gloux has no
 * such person.
 */
export interface PersonState {
  readonly tiersId: string;
  readonly details: PersonDetails | null;
}

export const initialPersonState = (tiersId: string): PersonState => ({ tiersId, details: null });

const NO_DETAILS: PersonDetails = {
  lastName: '',
  firstName: '',
  company: '',
  address: '',
  postalCode: '',
  city: '',
  email: '',
  phone: '',
};

export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  switch (event.type) {
    case 'PersonDetailsChanged': {
      const changed = Object.fromEntries(event.data.changes.map((c) => [c.field, c.to]));
      return { ...state, details: { ...(state.details ?? NO_DETAILS), ...changed } };
    }
  }
}

/** Folds edits onto a person (Gloux's row, for the edits it does not hold yet). */
export const foldPerson = (events: readonly PersonEvent[], from: PersonState): PersonState =>
  events.reduce(evolvePerson, from);

/** An admin's edit of the person of a customer account: the form's inputs by their names. */
export interface UpdatePerson {
  readonly customerId: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * Checks the person form (every field; a missing one is empty), with French errors naming the
 * form's input; Gloux's columns hold bytes, not characters (docs/legacy-contract.md rule 5).
 */
export function parsePersonDetails(input: Readonly<Record<string, unknown>>): PersonDetails {
  const out: Record<PersonField, string> = { ...NO_DETAILS };
  for (const [field, name, max, column] of PERSON_FIELDS) {
    const value = input[name];
    const v = typeof value === 'string' ? value.trim() : '';
    if (v.length > max) throw new DomainError('invalid_input', `${max} caractères au plus.`, name);
    out[field] = fitGlouxColumn(v, column, name);
  }
  if (out.lastName === '' && out.company === '')
    throw new DomainError('invalid_input', 'Indiquez un nom ou une raison sociale.', 'nom');
  if (out.email !== '' && !isEmailAddress(out.email))
    throw new DomainError('invalid_input', 'Adresse électronique invalide.', 'email');
  return out;
}

/** The edit as the fields it changes (none: nothing to record). */
export function decideUpdatePerson(
  state: PersonState,
  command: UpdatePerson,
): readonly PersonDetailsChanged[] {
  const current = state.details;
  if (current === null)
    throw new DomainError('not_found', 'Cette personne est introuvable dans Gloux.', 'customerId');
  const typed = parsePersonDetails(command.input);
  const changes = PERSON_FIELDS.flatMap(([field]) =>
    typed[field] === current[field] ? [] : [{ field, from: current[field], to: typed[field] }],
  );
  if (changes.length === 0) return [];
  return [
    {
      type: 'PersonDetailsChanged',
      data: { tiersId: state.tiersId, customerId: command.customerId, changes },
    },
  ];
}
