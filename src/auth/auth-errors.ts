import { HttpException } from '@nestjs/common';

/** An access refusal with a stable code, answered as JSON under /api and as a page elsewhere. */
export class AccessError extends HttpException {
  constructor(
    status: 401 | 403,
    readonly code: 'unauthenticated' | 'forbidden' | 'csrf_invalid',
    message: string,
  ) {
    super({ code, message }, status);
  }
}

export const unauthenticated = () =>
  new AccessError(401, 'unauthenticated', 'Connexion requise : identifiez-vous pour continuer.');

export const forbidden = () =>
  new AccessError(
    403,
    'forbidden',
    'Accès refusé : cette page n’est pas accessible à votre compte.',
  );

export const csrfInvalid = () =>
  new AccessError(
    403,
    'csrf_invalid',
    'Formulaire expiré ou invalide : rechargez la page et recommencez.',
  );
