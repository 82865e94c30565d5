import { formRefusal, type FieldError } from '../shared/errors.js';
import { glouxColumnError, type GlouxTextColumn } from '../legacy/gloux-columns.js';
import type { Day } from '../shared/day.js';
import { isEmailAddress } from '../shared/text.js';

/** What a person types to join (validated, trimmed). */
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
  /** The plan chosen: Gloux's `produits.id_produit` of an active plaque. */
  readonly planId: string;
  /** Shares subscribed: at least what the statutes require. */
  readonly shares: number;
}

/** What the statutes and the catalogue allow a sign-up to choose. */
export interface SignUpRules {
  /** The shares the statutes require of a new cooperator (at least 1). */
  readonly minShares: number;
  readonly maxShares: number;
  /** The active plaques one may choose. */
  readonly planIds: readonly string[];
}

export type { FieldError };

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** A checkbox ticked: a form sends 'on' (or a value), JSON sends true. */
const ticked = (v: unknown) => v === true || (typeof v === 'string' && v !== '' && v !== 'false');

/**
 * Checks a sign-up form and lists every refusal at once (a French sentence naming its field),
 * so the form shows them all on one return.
 */
export function checkSignUp(
  input: Record<string, unknown>,
  rules: SignUpRules,
): { signUp: SignUp | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    errors.push({ field, message });
  };
  // Characters are not bytes: what Gloux's column holds is checked too, before anything is written.
  const fits = (value: string, field: string, column: GlouxTextColumn) => {
    const error = glouxColumnError(value, column);
    if (error !== null) fail(field, error);
  };
  const need = (
    value: string,
    field: string,
    message: string,
    max: number,
    column: GlouxTextColumn,
  ) => {
    if (value === '') fail(field, message);
    else if (value.length > max) fail(field, `${max} caractères au plus.`);
    else fits(value, field, column);
    return value;
  };
  const kind = text(input.kind) === 'morale' ? 'morale' : 'physique';
  const firstName = text(input.firstName);
  const lastName = text(input.lastName);
  const company = text(input.company);
  if (kind === 'physique') {
    need(firstName, 'firstName', 'Indiquez votre prénom.', 100, 'tiers.prenom');
    need(lastName, 'lastName', 'Indiquez votre nom.', 100, 'tiers.nom');
  } else {
    need(
      company,
      'company',
      'Indiquez la raison sociale de la personne morale.',
      150,
      'tiers.raison_sociale',
    );
  }
  const email = text(input.email);
  if (email === '') fail('email', 'Indiquez votre adresse électronique.');
  else if (email.length > 128) fail('email', '128 caractères au plus.');
  else if (!isEmailAddress(email)) fail('email', 'Adresse électronique invalide.');
  else fits(email, 'email', 'tiers.email');
  const address = need(
    text(input.address),
    'address',
    'Indiquez votre adresse.',
    500,
    'tiers.adresse',
  );
  const postalCode = need(
    text(input.postalCode),
    'postalCode',
    'Indiquez le code postal.',
    10,
    'tiers.code_postal',
  );
  const city = need(text(input.city), 'city', 'Indiquez la ville.', 100, 'tiers.ville');
  const login = text(input.login);
  if (login === '') fail('login', 'Choisissez un identifiant.');
  else if (!/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(login))
    fail(
      'login',
      'Identifiant : 3 à 64 caractères, lettres sans accent, chiffres, point, tiret ou souligné.',
    );
  const password = typeof input.password === 'string' ? input.password : '';
  if (password.length < 8) fail('password', 'Le mot de passe doit compter au moins 8 caractères.');
  else if (password.length > 200)
    fail('password', 'Mot de passe trop long (200 caractères au plus).');
  if (typeof input.passwordConfirmation === 'string' && input.passwordConfirmation !== password)
    fail('passwordConfirmation', 'Les deux mots de passe ne sont pas identiques.');
  const hostingName = text(input.hostingName).toLowerCase();
  if (!/^[a-z][a-z0-9]{2,15}$/.test(hostingName))
    fail(
      'hostingName',
      'Nom de l’hébergement : 3 à 16 lettres minuscules sans accent ou chiffres, commençant par une lettre.',
    );
  const planId = text(input.planId);
  if (!rules.planIds.includes(planId)) fail('planId', 'Choisissez une formule d’hébergement.');
  const sharesText = text(typeof input.shares === 'number' ? String(input.shares) : input.shares);
  const shares = /^\d{1,4}$/.test(sharesText) ? Number(sharesText) : NaN;
  if (!(shares >= rules.minShares && shares <= rules.maxShares))
    fail(
      'shares',
      rules.minShares === 1
        ? `Souscrivez au moins une part sociale (au plus ${rules.maxShares}) : les statuts le demandent pour devenir coopérateur.`
        : `Souscrivez au moins ${rules.minShares} parts sociales (au plus ${rules.maxShares}) : les statuts le demandent pour devenir coopérateur.`,
    );
  if (!ticked(input.acceptsTerms))
    fail('acceptsTerms', 'Acceptez les conditions générales de vente pour ouvrir un compte.');
  if (!ticked(input.acceptsPrivacy))
    fail(
      'acceptsPrivacy',
      'Acceptez le traitement de vos données personnelles pour ouvrir un compte.',
    );
  if (errors.length > 0) return { signUp: null, errors };
  return {
    signUp: {
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
      planId,
      shares,
    },
    errors,
  };
}

/** The refusal of a form with these errors (formRefusal); a taken name alone is a conflict (409). */
export function signUpRefusal(errors: readonly FieldError[], conflicts: readonly string[] = []) {
  return formRefusal(
    errors.map((e) => (conflicts.includes(e.field) ? { ...e, code: 'conflict' as const } : e)),
  );
}

/** Checks a sign-up form; every refusal is listed (see checkSignUp). */
export function parseSignUp(input: Record<string, unknown>, rules: SignUpRules): SignUp {
  const { signUp, errors } = checkSignUp(input, rules);
  if (!signUp) throw signUpRefusal(errors);
  return signUp;
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
