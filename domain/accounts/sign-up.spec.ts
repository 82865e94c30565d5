import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/errors.js';
import { checkSignUp, customerNumberOf, parseSignUp, trialEndOf } from './sign-up.js';
import type { Day } from '../shared/day.js';

const valid = {
  kind: 'physique',
  firstName: ' Zoé ',
  lastName: 'Martin',
  email: 'zoe@example.org',
  address: '1 rue de la Paix',
  postalCode: '75002',
  city: 'Paris',
  login: 'zoe.martin',
  password: 'un mot de passe',
  passwordConfirmation: 'un mot de passe',
  hostingName: 'ZoeSite',
  planId: '1',
  shares: '1',
  acceptsTerms: 'on',
  acceptsPrivacy: 'on',
};
const rules = { minShares: 1, maxShares: 100, planIds: ['1', '5'] };

const refusal = (input: Record<string, unknown>) => {
  try {
    parseSignUp(input, rules);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return { field: (e as DomainError).field, message: (e as DomainError).message };
  }
  throw new Error('accepted');
};

describe('sign-up form', () => {
  it('trims, lower-cases the hosting name, keeps only the fields of the kind of person', () => {
    expect(parseSignUp({ ...valid, company: 'ignored' }, rules)).toMatchObject({
      firstName: 'Zoé',
      company: '',
      hostingName: 'zoesite',
      planId: '1',
      shares: 1,
    });
  });

  it('lists every refusal at once, each naming its field, in the form’s order', () => {
    const { signUp, errors } = checkSignUp(
      {
        ...valid,
        firstName: '',
        email: 'zoe@',
        hostingName: '1abc',
        planId: '9',
        shares: '0',
        acceptsTerms: undefined,
        acceptsPrivacy: '',
      },
      rules,
    );
    expect(signUp).toBeNull();
    expect(errors).toEqual([
      { field: 'firstName', message: 'Indiquez votre prénom.' },
      { field: 'email', message: 'Adresse électronique invalide.' },
      {
        field: 'hostingName',
        message:
          'Nom de l’hébergement : 3 à 16 lettres minuscules sans accent ou chiffres, commençant par une lettre.',
      },
      { field: 'planId', message: 'Choisissez une formule d’hébergement.' },
      {
        field: 'shares',
        message:
          'Souscrivez au moins une part sociale (au plus 100) : les statuts le demandent pour devenir coopérateur.',
      },
      {
        field: 'acceptsTerms',
        message: 'Acceptez les conditions générales de vente pour ouvrir un compte.',
      },
      {
        field: 'acceptsPrivacy',
        message: 'Acceptez le traitement de vos données personnelles pour ouvrir un compte.',
      },
    ]);
    try {
      parseSignUp({ ...valid, firstName: '', lastName: '' }, rules);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toMatchObject({
        code: 'invalid_input',
        field: 'firstName',
        message: 'Le formulaire comporte 2 erreurs : corrigez-les toutes.',
        details: { errors: [{ field: 'firstName' }, { field: 'lastName' }] },
      });
    }
  });

  it('requires the shares the statutes ask (configurable) and a whole number of them', () => {
    const two = { ...rules, minShares: 2 };
    expect(checkSignUp({ ...valid, shares: '1' }, two).errors.map((e) => e.message)).toEqual([
      'Souscrivez au moins 2 parts sociales (au plus 100) : les statuts le demandent pour devenir coopérateur.',
    ]);
    expect(checkSignUp({ ...valid, shares: '1.5' }, rules).errors[0]?.field).toBe('shares');
    expect(checkSignUp({ ...valid, shares: '101' }, rules).errors[0]?.field).toBe('shares');
    expect(parseSignUp({ ...valid, shares: 3 }, two).shares).toBe(3);
    expect(parseSignUp({ ...valid, acceptsTerms: true, acceptsPrivacy: true }, rules)).toBeTruthy();
  });

  it('refuses in French, naming the field', () => {
    expect(refusal({ ...valid, firstName: '' })).toEqual({
      field: 'firstName',
      message: 'Indiquez votre prénom.',
    });
    expect(refusal({ ...valid, kind: 'morale' }).field).toBe('company');
    expect(refusal({ ...valid, email: 'zoe@' }).message).toBe('Adresse électronique invalide.');
    expect(refusal({ ...valid, password: 'court', passwordConfirmation: 'court' }).field).toBe(
      'password',
    );
    expect(refusal({ ...valid, passwordConfirmation: 'autre chose' }).field).toBe(
      'passwordConfirmation',
    );
    expect(refusal({ ...valid, login: 'é' }).field).toBe('login');
    expect(refusal({ ...valid, hostingName: '1abc' }).field).toBe('hostingName');
  });

  it('refuses a name within the character limit but over the bytes Gloux’s column holds (issue 16 item 5)', () => {
    // 100 characters, 200 UTF-8 bytes: tiers.nom holds 100.
    const r = refusal({ ...valid, lastName: 'é'.repeat(100) });
    expect(r.field).toBe('lastName');
    expect(r.message).toMatch(/100 octets au plus, ici 200/);
    expect(parseSignUp({ ...valid, lastName: 'é'.repeat(50) }, rules).lastName).toHaveLength(50);
    expect(refusal({ ...valid, city: '🏔'.repeat(26) }).field).toBe('city');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (name) => {
        const trimmed = name.trim();
        fc.pre(trimmed !== '');
        const fits = new TextEncoder().encode(trimmed).length <= 100;
        try {
          parseSignUp({ ...valid, lastName: name }, rules);
          return fits;
        } catch (e) {
          return !fits && (e as DomainError).field === 'lastName';
        }
      }),
    );
  });

  it('a one-month trial; Gloux’s customer number AAMMJJ + 7 digits', () => {
    expect(trialEndOf('2026-11-25' as Day)).toBe('2026-12-25');
    expect(trialEndOf('2026-12-31' as Day)).toBe('2027-01-31');
    expect(trialEndOf('2027-01-31' as Day)).toBe('2027-02-28');
    expect(trialEndOf('2028-01-30' as Day)).toBe('2028-02-29');
    expect(customerNumberOf('2026-11-25' as Day, 42)).toBe('2611250000042');
    expect(customerNumberOf('2026-11-25' as Day, 42)).toHaveLength(13);
  });
});
