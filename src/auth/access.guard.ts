import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_RULE, DEFAULT_RULE, type AccessRule, type OwnedKind } from './access.decorators.js';
import { AUTH_CONFIG, type AuthConfig } from '../kernel/config.js';
import { csrfInvalid, forbidden, unauthenticated } from './auth-errors.js';
import { AuthService, type SignedIn } from './auth.service.js';
import { isStaff, viewUser, type AuthUser } from './auth-user.js';
import { Ownership } from './ownership.js';
import { CSRF_AFTER_UPLOAD } from './upload-form.js';
import { randomToken, sameSecret } from './password.js';
import {
  ANON_CSRF_COOKIE,
  CSRF_FIELD,
  CSRF_HEADER,
  SESSION_COOKIE,
  clearSessionCookie,
  cookieOptions,
  cookiesOf,
  setAuth,
} from './request-auth.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The rule of a handler: its own decorator, else its controller's, else admin-only. */
export function ruleOf(reflector: Reflector, context: ExecutionContext): AccessRule {
  return (
    reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]) ?? DEFAULT_RULE
  );
}

/**
 * The one gate of every route (registered globally): finds the session of the cookie, checks
 * the route's access rule (deny by default: admin-only), and the CSRF token of every unsafe
 * request. Pages get `currentUser`, `currentPath` and `csrfToken` in res.locals for the layout and forms.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(Ownership) private readonly ownership: Ownership,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const rule = ruleOf(this.reflector, context);
    const cookies = cookiesOf(req);
    const token = cookies[SESSION_COOKIE];
    const signedIn = token ? await this.auth.fromToken(token) : null;
    if (token && !signedIn) clearSessionCookie(req, res, this.config);
    setAuth(req, signedIn);

    let csrfToken: string | null = signedIn?.session.csrfToken ?? null;
    if (!signedIn && rule.kind === 'public') {
      csrfToken = cookies[ANON_CSRF_COOKIE] ?? null;
      // A public page's forms need the anonymous token: set it when a page is read.
      const valid = csrfToken !== null && /^[A-Za-z0-9_-]{20,100}$/.test(csrfToken);
      if (!valid && !SAFE_METHODS.has(req.method)) csrfToken = null;
      else if (!valid) {
        csrfToken = randomToken();
        res.cookie(ANON_CSRF_COOKIE, csrfToken, cookieOptions(req, this.config));
      }
    }
    res.locals.csrfToken = csrfToken;
    res.locals.currentUser = signedIn ? viewUser(signedIn.user) : null;
    // The navigation marks the page the user is on.
    res.locals.currentPath = req.path;

    if (rule.kind !== 'public' && !signedIn) throw unauthenticated();
    // An upload's form is parsed after the guards: its token is checked then (UploadForm).
    const afterUpload =
      req.is('multipart/form-data') &&
      this.reflector.get<boolean | undefined>(CSRF_AFTER_UPLOAD, context.getHandler()) === true;
    if (!afterUpload) this.checkCsrf(req, rule, signedIn, csrfToken);
    if (rule.kind === 'public' || !signedIn) return true;
    if (await this.allowed(rule, signedIn, req)) return true;
    throw forbidden();
  }

  private checkCsrf(
    req: Request,
    rule: AccessRule,
    signedIn: SignedIn | null,
    expected: string | null,
  ): void {
    if (SAFE_METHODS.has(req.method)) return;
    if (rule.kind === 'public' && !rule.csrf) return;
    const body = req.body as Record<string, unknown> | undefined;
    const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
    // A JSON request without a session has no session to ride: a cross-site form cannot send
    // application/json (no CORS here), so anonymous JSON calls (sign-in, sign-up) need no token.
    if (!signedIn && req.is('application/json')) return;
    const provided = req.get(CSRF_HEADER) ?? (typeof field === 'string' ? field : undefined);
    if (!expected || !provided || !sameSecret(provided, expected)) throw csrfInvalid();
    if (body && typeof body === 'object') delete body[CSRF_FIELD];
  }

  private allowed(rule: AccessRule, { user }: SignedIn, req: Request): Promise<boolean> {
    return mayUse(rule, user, req.params as Record<string, string | undefined>, this.ownership);
  }
}

/**
 * Whether `user` may call a route under `rule` with these route parameters: the guard's own
 * decision, also used by the panel walk test to check a form's action without submitting it.
 */
export async function mayUse(
  rule: AccessRule,
  user: AuthUser,
  params: Record<string, string | undefined>,
  ownership: Ownership,
): Promise<boolean> {
  switch (rule.kind) {
    case 'public':
    case 'signed_in':
      return true;
    case 'admin':
      return user.admin;
    case 'staff':
      return isStaff(user);
    case 'member': {
      if (isStaff(user)) return true;
      if (!user.cooperator) return false;
      const named: [OwnedKind, string][] = [];
      for (const [kind, param] of Object.entries(rule.params) as [OwnedKind, string][]) {
        const value = params[param];
        if (value === undefined) return false;
        named.push([kind, value]);
      }
      return ownership.owns(user, named);
    }
  }
}
