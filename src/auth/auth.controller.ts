import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { statusOf } from '../kernel/errors.js';
import { Public, SignedIn } from './access.decorators.js';
import { AUTH_CONFIG, type AuthConfig } from '../kernel/config.js';
import { AuthService } from './auth.service.js';
import { viewUser, type AuthUser } from './auth-user.js';
import {
  authOf,
  clearSessionCookie,
  clientOf,
  CurrentUser,
  setSessionCookie,
} from './request-auth.js';

/** A local path to go back to after sign-in (never another site). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(value) && value.length < 500
    ? value
    : '/';
}

/** Where a user lands after sign-in and from `/`: each role's home. */
export function homeOf(user: AuthUser): string {
  if (user.admin) return '/admin';
  if (user.treasurer) return '/tresorerie';
  return '/mon-compte';
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** Sign-in, sign-out and the signed-in user's own accounts. */
@Controller()
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Public()
  @Get('/connexion')
  signInPage(@Req() req: Request, @Res() res: Response, @Query('suite') next: unknown) {
    const signedIn = authOf(req);
    if (signedIn) return res.redirect(303, homeOf(signedIn.user));
    res.render('sign-in', { title: 'Connexion', form: { suite: safeNext(next), login: '' } });
  }

  @Public()
  @Post('/connexion')
  async signIn(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const next = safeNext(body.suite);
    try {
      const { token, user } = await this.auth.signIn(
        text(body.login),
        text(body.password),
        clientOf(req),
      );
      await this.endCurrent(req);
      setSessionCookie(req, res, this.config, token);
      res.redirect(303, next === '/' ? homeOf(user) : next);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(statusOf(error)).render('sign-in', {
        title: 'Connexion',
        error: { message: error.message },
        form: { suite: next, login: text(body.login) },
      });
    }
  }

  @Public()
  @HttpCode(200)
  @Post('/api/connexion')
  async apiSignIn(
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const { token, session, user } = await this.auth.signIn(
      text(body.login),
      text(body.password),
      clientOf(req),
    );
    await this.endCurrent(req);
    setSessionCookie(req, res, this.config, token);
    res.json({ user: this.describe(user), csrfToken: session.csrfToken, home: homeOf(user) });
  }

  @SignedIn()
  @Get('/api/session')
  session(@Req() req: Request) {
    const auth = authOf(req)!;
    return {
      user: this.describe(auth.user),
      csrfToken: auth.session.csrfToken,
      expiresAt: new Date(auth.session.expiresAt).toISOString(),
    };
  }

  @SignedIn()
  @Get('/deconnexion')
  signOutPage(@Res() res: Response) {
    res.render('sign-out', { title: 'Déconnexion' });
  }

  @SignedIn()
  @Post('/deconnexion')
  async signOut(@Req() req: Request, @Res() res: Response) {
    await this.endCurrent(req);
    clearSessionCookie(req, res, this.config);
    res.redirect(303, '/connexion');
  }

  @SignedIn()
  @HttpCode(200)
  @Post('/api/deconnexion')
  async apiSignOut(@Req() req: Request, @Res() res: Response) {
    await this.endCurrent(req);
    clearSessionCookie(req, res, this.config);
    res.json({ signedOut: true });
  }

  @SignedIn()
  @Get('/api/mon-compte')
  async myAccountsData(@CurrentUser() user: AuthUser) {
    const accounts = await this.auth.accountsOf(user.customerIds);
    return { user: this.describe(user), accounts };
  }

  @SignedIn()
  @Get('/mon-compte/mot-de-passe')
  passwordPage(@Query('fait') done: unknown, @Res() res: Response) {
    res.render('my-password', { title: 'Changer de mot de passe', done: done === '1' });
  }

  @SignedIn()
  @Post('/mon-compte/mot-de-passe')
  async changePassword(
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    try {
      if (text(body.nouveau) !== text(body.confirmation)) {
        throw new DomainError(
          'invalid_input',
          'Les deux saisies du nouveau mot de passe diffèrent.',
          'confirmation',
        );
      }
      await this.changeOwn(req, text(body.actuel), text(body.nouveau));
      res.redirect(303, '/mon-compte/mot-de-passe?fait=1');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(statusOf(error)).render('my-password', {
        title: 'Changer de mot de passe',
        error: { message: error.message },
        errorOn: error.field ? { [error.field]: true } : {},
      });
    }
  }

  @SignedIn()
  @HttpCode(200)
  @Post('/api/mon-compte/mot-de-passe')
  async changePasswordApi(@Body() body: Record<string, unknown>, @Req() req: Request) {
    await this.changeOwn(req, text(body?.current), text(body?.password));
    return { changed: true };
  }

  /** Other sessions of the user end; this one stays open. */
  private async changeOwn(req: Request, current: string, password: string): Promise<void> {
    const { user, session } = authOf(req)!;
    await this.auth.changeOwnPassword(user.userId, current, password, session.tokenHash);
  }

  private async endCurrent(req: Request): Promise<void> {
    const current = authOf(req);
    if (current) await this.auth.signOut(current.session);
  }

  private describe(user: AuthUser) {
    return {
      userId: user.userId,
      ...viewUser(user),
      tiersId: user.tiersId,
      customerIds: user.customerIds,
    };
  }
}
