import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../shared/decider.testkit.js';
import type { PersonDetailsChanged } from './events.js';
import {
  decideUpdatePerson,
  evolvePerson,
  foldPerson,
  initialPersonState,
  parsePersonDetails,
  type PersonDetails,
  type PersonState,
} from './person.js';

const dupont: PersonDetails = {
  lastName: 'Dupont',
  firstName: 'Jean',
  company: '',
  address: '3 rue des Lilas',
  postalCode: '21000',
  city: 'Dijon',
  email: 'jean@example.org',
  phone: '',
};

/** The same person as the form sends it back, by input name. */
const form = (over: Record<string, unknown> = {}) => ({
  nom: 'Dupont',
  prenom: 'Jean',
  raison_sociale: '',
  adresse: '3 rue des Lilas',
  code_postal: '21000',
  ville: 'Dijon',
  email: 'jean@example.org',
  telephone: '',
  ...over,
});

const known: PersonState = { tiersId: '4', details: dupont };
const person = deciderSpec({ initial: known, evolve: evolvePerson, decide: decideUpdatePerson });
const edit = (over: Record<string, unknown>) => ({ customerId: '4', input: form(over) });

describe('decideUpdatePerson', () => {
  it('records only the fields that changed, with what Gloux held', () => {
    const spec = person.given().when(edit({ nom: ' Dupont-Émery ', telephone: '03 80' }), {});
    spec.then([
      {
        type: 'PersonDetailsChanged',
        data: {
          tiersId: '4',
          customerId: '4',
          changes: [
            { field: 'lastName', from: 'Dupont', to: 'Dupont-Émery' },
            { field: 'phone', from: '', to: '03 80' },
          ],
        },
      },
    ]);
    expect(spec.state().details).toEqual({
      ...dupont,
      lastName: 'Dupont-Émery',
      phone: '03 80',
    });
  });

  it('records nothing when nothing changed (surrounding spaces are not a change)', () => {
    person
      .given()
      .when(edit({ ville: ' Dijon ' }), {})
      .then([]);
  });

  it('decides against the edits not yet in Gloux: the same edit again is no change', () => {
    const [first] = person
      .given()
      .when(edit({ ville: 'Beaune' }), {})
      .events();
    person
      .given(first!)
      .when(edit({ ville: 'Beaune' }), {})
      .then([]);
    const [second] = person
      .given(first!)
      .when(edit({ ville: 'Nuits' }), {})
      .events();
    expect(second?.data.changes).toEqual([{ field: 'city', from: 'Beaune', to: 'Nuits' }]);
  });

  it('refuses, naming the form’s input, in French', () => {
    expect(
      person
        .given()
        .when(edit({ nom: '', raison_sociale: '' }), {})
        .thenThrows('invalid_input', 'nom').message,
    ).toBe('Indiquez un nom ou une raison sociale.');
    person
      .given()
      .when(edit({ email: 'pas une adresse' }), {})
      .thenThrows('invalid_input', 'email');
    person
      .given()
      .when(edit({ prenom: 'x'.repeat(101) }), {})
      .thenThrows('invalid_input', 'prenom');
  });

  it('counts Gloux’s bytes, not characters: an accented letter takes two', () => {
    // 51 characters, 102 bytes: tiers.ville holds 100.
    const refusal = person
      .given()
      .when(edit({ ville: 'é'.repeat(51) }), {})
      .thenThrows('invalid_input', 'ville');
    expect(refusal.message).toMatch(/100 octets au plus, ici 102/);
    person
      .given()
      .when(edit({ ville: 'é'.repeat(50) }), {})
      .events();
  });

  it('refuses a person Gloux does not hold', () => {
    deciderSpec({
      initial: initialPersonState('9'),
      evolve: evolvePerson,
      decide: decideUpdatePerson,
    })
      .given()
      .when(edit({}), {})
      .thenThrows('not_found');
  });

  it('treats a missing input as empty, and folds edits in order', () => {
    expect(parsePersonDetails({ raison_sociale: 'Webcoop' })).toEqual({
      lastName: '',
      firstName: '',
      company: 'Webcoop',
      address: '',
      postalCode: '',
      city: '',
      email: '',
      phone: '',
    });
    const change = (to: string): PersonDetailsChanged => ({
      type: 'PersonDetailsChanged',
      data: { tiersId: '4', customerId: '4', changes: [{ field: 'city', from: '', to }] },
    });
    expect(foldPerson([change('Beaune'), change('Nuits')], known).details?.city).toBe('Nuits');
  });
});
