import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors.js';
import { customerNumberOf, parseSignUp, trialEndOf } from './sign-up.js';
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
};

const refusal = (input: Record<string, unknown>) => {
  try {
    parseSignUp(input);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return { field: (e as DomainError).field, message: (e as DomainError).message };
  }
  throw new Error('accepted');
};

describe('sign-up form', () => {
  it('trims, lower-cases the hosting name, keeps only the fields of the kind of person', () => {
    expect(parseSignUp({ ...valid, company: 'ignored' })).toMatchObject({
      firstName: 'Zoé',
      company: '',
      hostingName: 'zoesite',
    });
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

  it('a one-month trial; Gloux’s customer number AAMMJJ + 7 digits', () => {
    expect(trialEndOf('2026-11-25' as Day)).toBe('2026-12-25');
    expect(trialEndOf('2026-12-31' as Day)).toBe('2027-01-31');
    expect(trialEndOf('2027-01-31' as Day)).toBe('2027-02-28');
    expect(trialEndOf('2028-01-30' as Day)).toBe('2028-02-29');
    expect(customerNumberOf('2026-11-25' as Day, 42)).toBe('2611250000042');
    expect(customerNumberOf('2026-11-25' as Day, 42)).toHaveLength(13);
  });
});
