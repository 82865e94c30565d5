import { DomainError } from '../shared/errors.js';
import type { Day } from '../shared/day.js';

/** What a person types to open an account (validated, trimmed). */
export interface SignUp {
  readonly kind: 'physique' | 'morale';
  readonly firstName: string;
  readonly lastName: string;
  readonly company: string;
  readonly email: string;
  readonly address: string;
  readonly postalCode: string;
  readonly city: string;
  readonly login: string;
  readonly password: string;
  /** Gloux's `hebergements.nom`, the system login of the hosting account. */
  readonly hostingName: string;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function need(value: string, field: string, message: string, max: number): string {
  if (value === '') throw new DomainError('invalid_input', message, field);
  if (value.length > max)
    throw new DomainError('invalid_input', `${max} caractères au plus.`, field);
  return value;
}

/** Checks a sign-up form; every refusal is a French sentence naming its field. */
export function parseSignUp(input: Record<string, unknown>): SignUp {
  const kind = text(input.kind) === 'morale' ? 'morale' : 'physique';
  const firstName = text(input.firstName);
  const lastName = text(input.lastName);
  const company = text(input.company);
  if (kind === 'physique') {
    need(firstName, 'firstName', 'Indiquez votre prénom.', 100);
    need(lastName, 'lastName', 'Indiquez votre nom.', 100);
  } else {
    need(company, 'company', 'Indiquez la raison sociale de la personne morale.', 150);
  }
  const email = need(text(input.email), 'email', 'Indiquez votre adresse électronique.', 128);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new DomainError('invalid_input', 'Adresse électronique invalide.', 'email');
  const address = need(text(input.address), 'address', 'Indiquez votre adresse.', 500);
  const postalCode = need(text(input.postalCode), 'postalCode', 'Indiquez le code postal.', 10);
  const city = need(text(input.city), 'city', 'Indiquez la ville.', 100);
  const login = need(text(input.login), 'login', 'Choisissez un identifiant.', 64);
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(login))
    throw new DomainError(
      'invalid_input',
      'Identifiant : 3 à 64 caractères, lettres sans accent, chiffres, point, tiret ou souligné.',
      'login',
    );
  const password = typeof input.password === 'string' ? input.password : '';
  if (password.length < 8)
    throw new DomainError(
      'invalid_input',
      'Le mot de passe doit compter au moins 8 caractères.',
      'password',
    );
  if (password.length > 200)
    throw new DomainError(
      'invalid_input',
      'Mot de passe trop long (200 caractères au plus).',
      'password',
    );
  if (typeof input.passwordConfirmation === 'string' && input.passwordConfirmation !== password)
    throw new DomainError(
      'invalid_input',
      'Les deux mots de passe ne sont pas identiques.',
      'passwordConfirmation',
    );
  const hostingName = text(input.hostingName).toLowerCase();
  if (!/^[a-z][a-z0-9]{2,15}$/.test(hostingName))
    throw new DomainError(
      'invalid_input',
      'Nom de l’hébergement : 3 à 16 lettres minuscules sans accent ou chiffres, commençant par une lettre.',
      'hostingName',
    );
  return {
    kind,
    firstName: kind === 'physique' ? firstName : '',
    lastName: kind === 'physique' ? lastName : '',
    company: kind === 'morale' ? company : '',
    email,
    address,
    postalCode,
    city,
    login,
    password,
    hostingName,
  };
}

/** The trial ends one calendar month later (31 January → 28/29 February, as MySQL's DATE_ADD). */
export function trialEndOf(openedOn: Day): Day {
  const [y, m, d] = openedOn.split('-').map(Number) as [number, number, number];
  const year = m === 12 ? y + 1 : y;
  const month = m === 12 ? 1 : m + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}` as Day;
}

/** Gloux's customer number: AAMMJJ of the opening day and 7 digits (here the customer id). */
export function customerNumberOf(openedOn: Day, customerId: number): string {
  if (!Number.isInteger(customerId) || customerId <= 0 || customerId > 9_999_999)
    throw new RangeError(`customer id out of range: ${customerId}`);
  return `${openedOn.slice(2, 4)}${openedOn.slice(5, 7)}${openedOn.slice(8, 10)}${String(customerId).padStart(7, '0')}`;
}
