import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * The security headers of every answer, by helmet: a CSP with no inline script or style but
 * those carrying the request's nonce (`cspNonce` in the views), no framing, nosniff, a
 * same-origin referrer, no X-Powered-By. `bankUrl`: where the card form may be posted.
 */
export function securityHeaders(bankUrl: string): RequestHandler[] {
  const nonce = (_req: unknown, res: unknown) =>
    `'nonce-${String((res as Response).locals.cspNonce)}'`;
  const bank = bankUrl ? [new URL(bankUrl).origin] : [];
  return [
    (_req: Request, res: Response, next: NextFunction) => {
      // base64url: nothing Handlebars would escape inside the nonce attribute.
      res.locals.cspNonce = randomBytes(16).toString('base64url');
      next();
    },
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'base-uri': ["'none'"],
          'object-src': ["'none'"],
          'img-src': ["'self'", 'data:'],
          'script-src': ["'self'", nonce],
          'script-src-attr': ["'none'"],
          'style-src': ["'self'", nonce],
          'style-src-attr': ["'none'"],
          'form-action': ["'self'", ...bank],
          'frame-ancestors': ["'none'"],
        },
      },
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: { action: 'deny' },
    }),
  ];
}
