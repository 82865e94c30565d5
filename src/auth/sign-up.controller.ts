import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { formKey } from '../panel/form-page.js';
import { statusOf } from '../kernel/errors.js';
import { Public } from './access.decorators.js';
import { AUTH_CONFIG, type AuthConfig } from '../kernel/config.js';
import { AuthService } from './auth.service.js';
import { authOf, clientOf, setSessionCookie } from './request-auth.js';
import { SignUpService } from './sign-up.service.js';

/** The form's French field names → the sign-up's fields. */
const FIELDS: Record<string, string> = {
  type: 'kind',
  prenom: 'firstName',
  nom: 'lastName',
  raison_sociale: 'company',
  email: 'email',
  adresse: 'address',
  code_postal: 'postalCode',
  ville: 'city',
  identifiant: 'login',
  mot_de_passe: 'password',
  confirmation: 'passwordConfirmation',
  hebergement: 'hostingName',
};
const INPUT_OF = Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [v, k]));

function fromForm(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(FIELDS).map(([input, field]) => [field, body[input]]));
}

/** Public sign-up: the account opens at once with a one-month trial, and the person is signed in. */
@Controller()
export class SignUpController {
  constructor(
    @Inject(SignUpService) private readonly signUps: SignUpService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Public()
  @Get('/inscription')
  page(@Res() res: Response) {
    res.render('sign-up', {
      title: 'Ouvrir un compte',
      form: { type: 'physique', cle: formKey(undefined) },
    });
  }

  @Public()
  @Post('/inscription')
  async submit(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    try {
      const r = await this.signUps.signUp(fromForm(body), body.cle, clientOf(req).ip);
      await this.signIn(req, res, r.userId);
      res.redirect(303, `/adherents/${r.customerId}?ouvert=${encodeURIComponent(r.trialEndsOn)}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const input = error.field ? INPUT_OF[error.field] : undefined;
      const form = {
        ...body,
        mot_de_passe: '',
        confirmation: '',
        cle: formKey(String(body.cle ?? '')),
      };
      res.status(statusOf(error)).render('sign-up', {
        title: 'Ouvrir un compte',
        error: { message: error.message },
        errorOn: input ? { [input]: true } : {},
        form,
      });
    }
  }

  @Public()
  @HttpCode(201)
  @Post('/api/inscription')
  async api(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const b = body && typeof body === 'object' ? body : {};
    const r = await this.signUps.signUp(b, b.idempotencyKey, clientOf(req).ip);
    const session = await this.signIn(req, res, r.userId);
    res.status(201).json({ ...r, csrfToken: session.csrfToken });
  }

  private async signIn(req: Request, res: Response, userId: string) {
    const current = authOf(req);
    if (current) await this.auth.signOut(current.session);
    const { token, session } = await this.auth.openSession(userId, clientOf(req));
    setSessionCookie(req, res, this.config, token);
    return session;
  }
}
