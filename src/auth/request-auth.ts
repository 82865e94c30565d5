import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { parse } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';
import type { AuthConfig } from '../kernel/config.js';
import type { SignedIn } from './auth.service.js';
import type { AuthUser } from './auth-user.js';
import { unauthenticated } from './auth-errors.js';

export const SESSION_COOKIE = 'g2_session';
/** The anonymous visitor's CSRF token (double-submit) for public forms: sign-in, sign-up. */
export const ANON_CSRF_COOKIE = 'g2_csrf';
/** The header an API client sends the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** The hidden field of every POST form (partial `csrf`). */
export const CSRF_FIELD = '_csrf';

type AuthedRequest = Request & { g2Auth?: SignedIn | null };

export function cookiesOf(req: Request): Record<string, string | undefined> {
  return parse(req.headers.cookie ?? '');
}

export function setAuth(req: Request, auth: SignedIn | null): void {
  (req as AuthedRequest).g2Auth = auth;
}

/** The request's session and user (null when anonymous), as the AccessGuard found them. */
export function authOf(req: Request): SignedIn | null {
  return (req as AuthedRequest).g2Auth ?? null;
}

export function cookieOptions(req: Request, config: AuthConfig, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.cookieSecure === 'always' || (config.cookieSecure === 'auto' && req.secure),
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

export function setSessionCookie(
  req: Request,
  res: Response,
  config: AuthConfig,
  token: string,
): void {
  res.cookie(SESSION_COOKIE, token, cookieOptions(req, config, config.sessionTtlMs));
}

export function clearSessionCookie(req: Request, res: Response, config: AuthConfig): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req, config));
}

/** The signed-in user of a handler (routes that are not @Public: always there). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const auth = authOf(ctx.switchToHttp().getRequest<Request>());
  if (!auth) throw unauthenticated();
  return auth.user satisfies AuthUser;
});

/** The client address as Express sees it (TRUST_PROXY decides whether X-Forwarded-For counts). */
export function clientOf(req: Request): { ip: string; userAgent: string } {
  return {
    ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    userAgent: req.get('user-agent') ?? '',
  };
}
