import { HttpException } from '@nestjs/common';
import { ERROR_CATALOGUE } from '../kernel/errors.js';

type AccessCode = 'unauthenticated' | 'forbidden' | 'csrf_invalid';

/** An access refusal with a stable code, answered as JSON under /api and as a page elsewhere. */
export class AccessError extends HttpException {
  constructor(readonly code: AccessCode) {
    const { status, message } = ERROR_CATALOGUE[code];
    super({ code, message }, status);
  }
}

export const unauthenticated = () => new AccessError('unauthenticated');
export const forbidden = () => new AccessError('forbidden');
export const csrfInvalid = () => new AccessError('csrf_invalid');
